// BIRD 2 "B" (bird-b.conf, protocol `to_collector`): AS 65002, prepends 65100 (and here also
// 4200000002), sets MED 22, adds community (65002,100) and large community (65002,1,2), ADD-PATH tx for IPv4 and IPv6, IPv6 unicast over
// the IPv4 session. A second static protocol `s4w` holds routes the tests withdraw with
// `birdc disable s4w`.
import { join } from 'node:path'
import { command, freePort, removeBirdProtocol, startDaemon, template, writeConfig } from './harness.ts'
import type { Daemon } from './harness.ts'

export interface Bird {
  daemon: Daemon
  birdc: (...args: string[]) => Promise<string>
  stop: () => Promise<void>
}

export async function startBird (runDir: string, collector: { host: string, port: number }, localAddress: string): Promise<Bird> {
  const ownPort = await freePort()
  let config = template('bird-b.conf', runDir)
  config = removeBirdProtocol(removeBirdProtocol(config, 'to_gobgp'), 'to_dump')
  config = config
    .replace('local 127.0.0.2 port 1180 as 65002;\n  neighbor 127.0.0.1 port 1791 as 65000;', `local ${localAddress} port ${ownPort} as 65002;\n  neighbor ${collector.host} port ${collector.port} as 65000;`)
    .replace('connect retry time 5;', 'connect retry time 1;\n  connect delay time 1;')
  if (config.includes('port 1791')) throw new Error('bird-b.conf template changed: to_collector not found')
  // A 4-octet ASN in the path and a MED, so that BIRD sends every kind of attribute under test.
  config = config.replace('  bgp_path.prepend(65100);', '  bgp_path.prepend(65100);\n  bgp_path.prepend(4200000002);\n  bgp_med = 22;')
  if (!config.includes('4200000002')) throw new Error('bird-b.conf template changed: filter tag_b not found')
  config += '\nprotocol static s4w {\n  ipv4;\n  route 192.0.2.128/25 blackhole;\n}\n'
  const path = writeConfig(runDir, 'bird.conf', config)
  const ctl = join(runDir, 'bird.ctl')
  const daemon = startDaemon('bird', runDir, 'bird', ['-f', '-c', path, '-s', ctl, '-P', join(runDir, 'bird.pid')])
  const birdc = async (...args: string[]): Promise<string> => await command('birdc', ['-s', ctl, ...args])
  return { daemon, birdc, stop: async () => { await daemon.stop() } }
}
