// FRR bgpd "C" (frr-c.conf with frr-c-collector.snippet): AS 65003, networks 203.0.113.128/25,
// 100.64.0.0/16 and 2001:db8:c::/48 through route maps that set next hop, communities, large
// communities and prepend 65300 (here also 4200000003, and MED 33 for IPv4); ADD-PATH tx-all-paths for IPv4. bgpd runs without zebra (-Z)
// and is driven with vtysh.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { command, freePort, startDaemon, template, writeConfig } from './harness.ts'
import type { Daemon } from './harness.ts'

export interface Frr {
  daemon: Daemon
  vtysh: (...commands: string[]) => Promise<string>
  stop: () => Promise<void>
}

export async function startFrr (runDir: string, collector: { host: string, port: number }, localAddress: string): Promise<Frr> {
  const ownPort = await freePort()
  const n = collector.host
  // The template peers with GoBGP A over ::1; that neighbour is left out, the collector's added.
  const base = template('frr-c.conf', runDir).split('\n').filter((l) => !l.includes('neighbor ::1')).join('\n')
  const snippet = template('frr-c-collector.snippet', runDir).split('\n')
    .filter((l) => l.trim().startsWith('neighbor'))
    .map((l) => l.replace('127.0.0.1', n).replace('port 1791', `port ${collector.port}`).replace('update-source 127.0.0.3', `update-source ${localAddress}`).replace('timers connect 5', 'timers connect 1'))
  const global = snippet.filter((l) => !/activate|addpath|route-map/.test(l))
  const v4 = snippet.filter((l) => /activate|addpath|TAG4/.test(l)).slice(0, 3)
  const v6 = [` neighbor ${n} activate`, ` neighbor ${n} route-map TAG6 out`]
  const config = base
    .replace(' no bgp network import-check', ' no bgp network import-check\n' + global.join('\n'))
    .replace(' address-family ipv4 unicast', ' address-family ipv4 unicast\n' + v4.map((l) => ' ' + l.trim()).map((l) => ' ' + l).join('\n'))
    .replace(' address-family ipv6 unicast', ' address-family ipv6 unicast\n' + v6.map((l) => ' ' + l).join('\n'))
  // A 4-octet ASN in the path and a MED of our own, so that FRR sends every kind of attribute under test.
  const tagged = config.replaceAll(' set as-path prepend 65300', ' set as-path prepend 4200000003 65300').replace(' set ip next-hop 198.18.0.3', ' set ip next-hop 198.18.0.3\n set metric 33')
  if (!tagged.includes('4200000003') || !tagged.includes('metric 33')) throw new Error('frr-c.conf template changed: route maps not found')
  const path = writeConfig(runDir, 'frr.conf', tagged)
  const vty = join(runDir, 'frr')
  mkdirSync(vty, { recursive: true })
  const daemon = startDaemon('bgpd', runDir, '/usr/lib/frr/bgpd', ['-f', path, '-Z', '-S', '-p', String(ownPort), '-l', localAddress, '-P', '0', '--vty_socket', vty, '-i', join(runDir, 'frr.pid')])
  const vtysh = async (...commands: string[]): Promise<string> => await command('vtysh', ['--vty_socket', vty, ...commands.flatMap((c) => ['-c', c])])
  return { daemon, vtysh, stop: async () => { await daemon.stop() } }
}
