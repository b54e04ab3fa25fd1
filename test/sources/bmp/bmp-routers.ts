// Real routers exporting BMP to the station, for the tests next to this file. Configs follow the
// shared templates (/work/shared/peers/configs: gobgp-a-bmp.toml, frr-c-bmp.conf,
// exabgp-d.conf) with what the tests need changed: free ports, loopback addresses of their own
// (127.0.0.7x/8x, so that other tests' daemons on 127.0.0.1-6 are never peered with), short
// timers, and no neighbour that is not started here. Processes are started and killed through
// test/helpers/routers/harness.ts (SIGTERM, then SIGKILL; all killed when the process exits).

import { command, freePort, startDaemon, template, writeConfig } from '../../helpers/routers/harness.ts'
import type { Daemon } from '../../helpers/routers/harness.ts'

export interface GoBgpBmpOptions {
  /** Name in logs and config file names. */
  name: string
  asn: number
  routerId: string
  /** Loopback address GoBGP listens on and speaks BGP from. */
  address: string
  neighbors: Array<{ address: string, asn: number, passive: boolean, port?: number, addPathReceive?: boolean }>
  /** The BMP station, or none for a plain BGP speaker. */
  station?: { port: number, policy: 'pre-policy' | 'post-policy' | 'both' | 'local-rib' | 'all' }
  /** Communities GoBGP adds to every route it imports (so that post-policy differs from pre-policy). */
  importCommunity?: string
  /** BGP port; default a free one. */
  bgpPort?: number
}

export interface GoBgpRouter {
  daemon: Daemon
  bgpPort: number
  gobgp: (...args: string[]) => Promise<string>
  stop: () => Promise<void>
}

function goBgpConfig (o: GoBgpBmpOptions, bgpPort: number): string {
  const lines = [
    `# GoBGP "${o.name}" (after gobgp-a-bmp.toml)`,
    '[global.config]',
    `  as = ${o.asn}`,
    `  router-id = "${o.routerId}"`,
    `  port = ${bgpPort}`,
    `  local-address-list = ["${o.address}"]`
  ]
  if (o.importCommunity !== undefined) {
    lines.push(
      '[global.apply-policy.config]',
      '  import-policy-list = ["tag-in"]',
      '  default-import-policy = "accept-route"',
      '[[policy-definitions]]',
      '  name = "tag-in"',
      '  [[policy-definitions.statements]]',
      '    name = "tag"',
      '    [policy-definitions.statements.actions]',
      '      route-disposition = "accept-route"',
      '      [policy-definitions.statements.actions.bgp-actions.set-community]',
      '        options = "add"',
      '        [policy-definitions.statements.actions.bgp-actions.set-community.set-community-method]',
      `          communities-list = ["${o.importCommunity}"]`
    )
  }
  for (const n of o.neighbors) {
    lines.push(
      '[[neighbors]]',
      '  [neighbors.config]',
      `    neighbor-address = "${n.address}"`,
      `    peer-as = ${n.asn}`,
      '  [neighbors.transport.config]',
      `    passive-mode = ${String(n.passive)}`,
      `    local-address = "${o.address}"`,
      ...(n.port !== undefined ? [`    remote-port = ${n.port}`] : []),
      '  [neighbors.timers.config]',
      '    connect-retry = 1',
      '    hold-time = 9',
      '    keepalive-interval = 3',
      '  [[neighbors.afi-safis]]',
      '    [neighbors.afi-safis.config]',
      '      afi-safi-name = "ipv4-unicast"',
      ...(n.addPathReceive === true ? ['    [neighbors.afi-safis.add-paths.config]', '      receive = true'] : []),
      '  [[neighbors.afi-safis]]',
      '    [neighbors.afi-safis.config]',
      '      afi-safi-name = "ipv6-unicast"'
    )
  }
  if (o.station !== undefined) {
    lines.push(
      '[[bmp-servers]]',
      '  [bmp-servers.config]',
      '    address = "127.0.0.1"',
      `    port = ${o.station.port}`,
      `    route-monitoring-policy = "${o.station.policy}"`,
      '    statistics-timeout = 15   # GoBGP refuses anything from 1 to 14'
    )
  }
  return lines.join('\n') + '\n'
}

export async function startGoBgpRouter (runDir: string, o: GoBgpBmpOptions): Promise<GoBgpRouter> {
  const bgpPort = o.bgpPort ?? await freePort()
  const api = await freePort()
  const path = writeConfig(runDir, `${o.name}.toml`, goBgpConfig(o, bgpPort))
  const daemon = startDaemon(o.name, runDir, 'gobgpd', ['-f', path, '--api-hosts', `127.0.0.1:${api}`, '--pprof-disable', '-p'])
  const gobgp = async (...args: string[]): Promise<string> => await command('gobgp', ['-p', String(api), ...args])
  for (let i = 0; ; i++) {
    try {
      await gobgp('global')
      break
    } catch (e) {
      if (i >= 50) throw new Error(`gobgpd ${o.name} API not up: ${(e as Error).message}\n${daemon.log()}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  return { daemon, bgpPort, gobgp, stop: async () => { await daemon.stop() } }
}

/** ExaBGP "D" from exabgp-d.conf: AS 65004, ADD-PATH, its IPv4 and IPv6 routes, from `address`. */
export function startExaBgpD (runDir: string, address: string, peer: { address: string, port: number }): Daemon {
  const config = template('exabgp-d.conf', runDir)
    .replace('neighbor 127.0.0.1 {', `neighbor ${peer.address} {`)
    .replace('local-address 127.0.0.4;', `local-address ${address};`)
    .replace('connect 1179;', `connect ${peer.port};`)
    .replace('hold-time 30;', 'hold-time 9;')
  const path = writeConfig(runDir, 'exabgp-d.conf', config)
  return startDaemon('exabgp-d', runDir, 'exabgp', [path], {
    'exabgp.daemon.user': 'root',
    'exabgp.api.cli': 'false',
    'exabgp.log.destination': 'stdout'
  })
}

export interface FrrBmpOptions {
  address: string
  asn: number
  routerId: string
  hostname: string
  neighbor: { address: string, asn: number, port: number }
  stationPort: number
  /** BGP port; default a free one. */
  bgpPort?: number
}

export interface FrrRouter {
  daemon: Daemon
  bgpPort: number
  vtysh: (...commands: string[]) => Promise<string>
  stop: () => Promise<void>
}

/**
 * FRR "C" with the BMP module (after frr-c-bmp.conf): one neighbour, an inbound route-map that
 * tags what it accepts (so post-policy differs from pre-policy), and BMP pre- and post-policy
 * monitoring of IPv4 and IPv6 unicast, Route Mirroring and Statistics every second to the
 * station, reconnecting after 100-1000 ms.
 */
export async function startFrrBmp (runDir: string, o: FrrBmpOptions): Promise<FrrRouter> {
  const bgpPort = o.bgpPort ?? await freePort()
  const n = o.neighbor.address
  const config = [
    'frr defaults traditional',
    `hostname ${o.hostname}`,
    `log file ${runDir}/frr.log informational`,
    '!',
    `router bgp ${o.asn}`,
    ` bgp router-id ${o.routerId}`,
    ' no bgp ebgp-requires-policy',
    ' no bgp network import-check',
    ` neighbor ${n} remote-as ${o.neighbor.asn}`,
    ` neighbor ${n} port ${o.neighbor.port}`,
    ` neighbor ${n} update-source ${o.address}`,
    ` neighbor ${n} disable-connected-check`,
    ` neighbor ${n} timers 3 9`,
    ` neighbor ${n} timers connect 1`,
    ' !',
    ' address-family ipv4 unicast',
    `  neighbor ${n} activate`,
    `  neighbor ${n} soft-reconfiguration inbound`,
    `  neighbor ${n} route-map TAG-IN in`,
    ' exit-address-family',
    ' !',
    ' address-family ipv6 unicast',
    `  neighbor ${n} activate`,
    `  neighbor ${n} soft-reconfiguration inbound`,
    `  neighbor ${n} route-map TAG-IN in`,
    ' exit-address-family',
    ' !',
    ' bmp targets station',
    `  bmp connect 127.0.0.1 port ${o.stationPort} min-retry 100 max-retry 1000`,
    '  bmp monitor ipv4 unicast pre-policy',
    '  bmp monitor ipv6 unicast pre-policy',
    '  bmp monitor ipv4 unicast post-policy',
    '  bmp monitor ipv6 unicast post-policy',
    '  bmp mirror',
    '  bmp stats interval 1000',
    ' exit',
    '!',
    'route-map TAG-IN permit 10',
    ` set community ${o.asn}:999 additive`,
    ' set local-preference 250',
    '!'
  ].join('\n') + '\n'
  const path = writeConfig(runDir, 'frr-bmp.conf', config)
  const vty = runDir
  const daemon = startDaemon('bgpd', runDir, '/usr/lib/frr/bgpd', [
    '-f', path, '-Z', '-S', '-p', String(bgpPort), '-l', o.address, '-P', '0',
    '--vty_socket', vty, '-i', `${runDir}/bgpd.pid`, '-M', 'bmp'
  ])
  const vtysh = async (...commands: string[]): Promise<string> =>
    await command('vtysh', ['--vty_socket', vty, ...commands.flatMap(c => ['-c', c])])
  for (let i = 0; ; i++) {
    try {
      await vtysh('show bgp summary')
      break
    } catch (e) {
      if (i >= 50) throw new Error(`bgpd not up: ${(e as Error).message}\n${daemon.log()}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  return { daemon, bgpPort, vtysh, stop: async () => { await daemon.stop() } }
}
