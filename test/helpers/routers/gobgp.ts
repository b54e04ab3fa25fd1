// GoBGP "E" (gobgp-e-collector.toml): 4-octet AS 4200000005, connects to the collector, ADD-PATH
// send for IPv4 unicast, IPv6 unicast over the same session. Routes go in with `gobgp global rib`.
import { command, freePort, startDaemon, template, writeConfig } from './harness.ts'
import type { Daemon } from './harness.ts'

export interface GoBgp {
  daemon: Daemon
  apiPort: number
  localAddress: string
  gobgp: (...args: string[]) => Promise<string>
  stop: () => Promise<void>
}

export interface GoBgpOptions {
  /** Where the collector is; in passive mode its address only (it connects to us). */
  collector: { host: string, port: number }
  /** GoBGP's own address. */
  localAddress: string
  /**
   * GoBGP listens on this port and waits for the collector to connect (the collector's active
   * side). GoBGP waits several seconds before its own first connection attempt, so passive
   * mode also keeps the tests short.
   */
  listenPort?: number
  apiPort?: number
  /** Graceful Restart (RFC 4724) for both families, with this Restart Time. */
  gracefulRestartTime?: number
  /** Start with the Restart State bit set (`gobgpd -r`): GoBGP is coming back from a restart. */
  restarting?: boolean
  /** Start with the neighbour administratively down (`gobgp neighbor ADDR enable` brings it up). */
  adminDown?: boolean
}

export async function startGoBgp (runDir: string, options: GoBgpOptions): Promise<GoBgp> {
  const { collector, localAddress, listenPort } = options
  const api = options.apiPort ?? await freePort()
  let config = template('gobgp-e-collector.toml', runDir)
    .replace('neighbor-address = "127.0.0.1"', `neighbor-address = "${collector.host}"`)
    .replace('local-address = "127.0.0.5"', `local-address = "${localAddress}"`)
    .replace('remote-port = 1791', `remote-port = ${collector.port}`)
    .replace('connect-retry = 5', 'connect-retry = 1')
  // IPv6 unicast gets ADD-PATH send too, to see path identifiers in MP_REACH_NLRI.
  config = config.replace('afi-safi-name = "ipv6-unicast"   # IPv6 unicast over this IPv4 session', 'afi-safi-name = "ipv6-unicast"\n    [neighbors.afi-safis.add-paths.config]\n      send-max = 4')
  if (options.gracefulRestartTime !== undefined) {
    const gr = '    [neighbors.afi-safis.mp-graceful-restart.config]\n      enabled = true\n'
    config = config
      .replace('  [neighbors.timers.config]', `  [neighbors.graceful-restart.config]\n    enabled = true\n    restart-time = ${options.gracefulRestartTime}\n  [neighbors.timers.config]`)
      .replace('      afi-safi-name = "ipv4-unicast"\n', '      afi-safi-name = "ipv4-unicast"\n' + gr)
      .replace('      afi-safi-name = "ipv6-unicast"\n', '      afi-safi-name = "ipv6-unicast"\n' + gr)
  }
  if (options.adminDown === true) config = config.replace('    peer-as = 65000\n', '    peer-as = 65000\n    admin-down = true\n')
  if (listenPort !== undefined) {
    config = config
      .replace('\n  port = -1', `\n  port = ${listenPort}\n  local-address-list = ["${localAddress}"]`)
      .replace('passive-mode = false         # default: active', 'passive-mode = true')
  }
  const path = writeConfig(runDir, 'gobgp.toml', config)
  const daemon = startDaemon('gobgpd', runDir, 'gobgpd', ['-f', path, '--api-hosts', `127.0.0.1:${api}`, '--pprof-disable', '-p', ...(options.restarting === true ? ['-r'] : [])])
  const gobgp = async (...args: string[]): Promise<string> => await command('gobgp', ['-p', String(api), ...args])
  // Wait for the API to answer (bounded).
  const deadline = Date.now() + 5000
  for (;;) {
    try {
      await gobgp('global')
      break
    } catch (e) {
      if (Date.now() > deadline || daemon.process.exitCode !== null) throw new Error(`gobgpd API not up: ${(e as Error).message}\n${daemon.log()}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  return { daemon, apiPort: api, localAddress, gobgp, stop: async () => { await daemon.stop() } }
}
