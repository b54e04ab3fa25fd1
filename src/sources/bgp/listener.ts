// The passive side (RFC 4271 §8.2.2 Active state): TCP listeners on the configured addresses.
// Each accepted socket is handed over as is; the collector decides whether the address is a
// peer (configured or accepted by the accept rule) or gets Cease/Connection Rejected.
import { createServer } from 'node:net'
import type { AddressInfo, Server, Socket } from 'node:net'
import type { ListenAddress } from './collector-config.ts'

export class Listener {
  private readonly servers: Server[] = []
  private readonly addresses: readonly ListenAddress[]
  private readonly onConnection: (socket: Socket) => void

  constructor (addresses: readonly ListenAddress[], onConnection: (socket: Socket) => void) {
    this.addresses = addresses
    this.onConnection = onConnection
  }

  async start (): Promise<void> {
    for (const { host, port } of this.addresses) {
      const server = createServer({ noDelay: true }, (socket) => { this.onConnection(socket) })
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        // ipv6Only keeps `[::]:179` from also taking IPv4 when both are configured.
        server.listen({ host, port, ipv6Only: host === '::' ? false : undefined, backlog: 511 }, () => {
          server.off('error', reject)
          resolve()
        })
      })
      this.servers.push(server)
    }
  }

  /** The bound addresses (ports resolved when 0 was configured). */
  bound (): ListenAddress[] {
    return this.servers.map((s) => {
      const a = s.address() as AddressInfo
      return { host: a.address, port: a.port }
    })
  }

  async close (): Promise<void> {
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => { s.close(() => { resolve() }) })))
    this.servers.length = 0
  }
}
