// The receive-only BGP route collector: listeners, configured and accepted peers, and the
// record queue every peer writes to. It never advertises a route: it sends OPEN, KEEPALIVE and
// NOTIFICATION only.
//
//   const collector = new Collector({ config })
//   await collector.start()
//   for await (const record of collector.queue) ...
//   collector.routes('192.0.2.0/24')   // what every peer currently announces for a prefix
//   await collector.stop()
import type { Socket } from 'node:net'
import { formatIp, parseIp } from '../../codec/address.ts'
import { ErrorCode } from '../../codec/bgp/constants.ts'
import type { BgpRecord, RecordAttributes, VantagePoint } from '../../record/types.ts'
import { maskPrefix } from '../../record/format.ts'
import { silentLogger } from '../../log.ts'
import type { Logger } from '../../log.ts'
import { RecordQueue } from '../record-queue.ts'
import { AttributeInterner } from './attribute-intern.ts'
import { anyContains, normaliseAddress } from './cidr.ts'
import type { CollectorConfig, ListenAddress } from './collector-config.ts'
import { Listener } from './listener.ts'
import { CeaseSubcode, encodeNotification } from './messages.ts'
import { Peer } from './peer.ts'
import type { PeerContext, PeerStatus } from './peer.ts'
import { dynamicPeer } from './peer-config.ts'

export interface CollectorOptions {
  config: CollectorConfig
  /** Where records go; by default a queue sized by `config.queue`. */
  queue?: RecordQueue<BgpRecord>
  logger?: Logger
}

/** One route of one peer for a prefix, as `Collector.routes` returns it. */
export interface PrefixRoute {
  vp: VantagePoint
  family: string
  prefix: string
  path_id?: number
  next_hop: string | null
  next_hop_ll?: string
  attrs: RecordAttributes
  /** Kept through a Graceful Restart of the peer, not yet confirmed (RFC 4724 §4.2). */
  stale: boolean
}

/** Canonical text of an address (the key of a peer). */
function addressKey (address: string): string {
  const bytes = parseIp(normaliseAddress(address))
  return bytes === null ? address : formatIp(bytes, 0, bytes.length)
}

export class Collector {
  readonly config: CollectorConfig
  readonly queue: RecordQueue<BgpRecord>
  readonly logger: Logger
  readonly interner = new AttributeInterner()
  private readonly peers = new Map<string, Peer>()
  private readonly listener: Listener
  private readonly peerContext: PeerContext
  private running = false
  /** Connections refused (not a peer, not in the accept rule). */
  rejected = 0

  constructor (options: CollectorOptions) {
    this.config = options.config
    this.logger = options.logger ?? silentLogger()
    this.queue = options.queue ?? new RecordQueue<BgpRecord>({ ...options.config.queue, name: 'bgp-collector', logger: this.logger })
    this.listener = new Listener(this.config.listen, (socket) => { this.onInbound(socket) })
    this.peerContext = {
      source: this.config.name,
      localAs: this.config.localAs,
      routerId: this.config.routerId,
      logger: this.logger,
      queue: this.queue,
      interner: this.interner,
      maxPauseMs: this.config.queue.maxPauseMs,
      onIdle: (peer) => {
        if (peer.config.dynamic && this.peers.get(addressKey(peer.config.address)) === peer) this.peers.delete(addressKey(peer.config.address))
      }
    }
    for (const p of this.config.peers) this.peers.set(addressKey(p.address), new Peer({ ...p, address: addressKey(p.address) }, this.peerContext))
  }

  async start (): Promise<void> {
    if (this.running) return
    await this.listener.start()
    this.running = true
    this.logger.info({ listen: this.listening().map((a) => `${a.host}:${a.port}`), peers: this.config.peers.length, accept: this.config.accept.map((c) => c.text), localAs: this.config.localAs, routerId: this.config.routerId }, 'BGP collector started')
    for (const peer of this.peers.values()) peer.start()
  }

  /** Close every session (Cease / Administrative Shutdown), emit their peer-down records, stop listening. */
  async stop (): Promise<void> {
    if (!this.running) return
    this.running = false
    await Promise.all([this.listener.close(), ...[...this.peers.values()].map(async (peer) => { peer.stop() })])
    for (const [key, peer] of this.peers) if (peer.config.dynamic) this.peers.delete(key)
    this.logger.info({ queue: this.queue.stats, rejected: this.rejected }, 'BGP collector stopped')
  }

  listening (): ListenAddress[] {
    return this.listener.bound()
  }

  private onInbound (socket: Socket): void {
    const remote = socket.remoteAddress
    if (remote === undefined || !this.running) {
      socket.destroy()
      return
    }
    const key = addressKey(remote)
    let peer = this.peers.get(key)
    if (peer === undefined && anyContains(this.config.accept, key)) {
      peer = new Peer(dynamicPeer(key, this.config.peerDefaults), this.peerContext)
      this.peers.set(key, peer)
    }
    if (peer === undefined) {
      this.reject(socket, key)
      return
    }
    peer.attach(socket, 'inbound')
  }

  /** RFC 4486 §4: Cease / Connection Rejected, one log line, nothing more. */
  private reject (socket: Socket, address: string): void {
    this.rejected++
    this.logger.warn({ address, port: socket.remotePort }, 'connection rejected: not a configured peer nor in the accept rule')
    socket.on('error', () => {})
    socket.end(encodeNotification(ErrorCode.CEASE, CeaseSubcode.CONNECTION_REJECTED))
    setTimeout(() => { socket.destroy() }, 1000).unref()
  }

  /** What every peer currently announces for `prefix` (bits past the length are ignored). */
  routes (prefix: string): PrefixRoute[] {
    const canonical = maskPrefix(prefix)
    const out: PrefixRoute[] = []
    for (const peer of this.peers.values()) {
      const vp = peer.vantagePoint ?? { ip: peer.config.address, asn: 0 }
      for (const r of peer.lookup(canonical)) {
        const route = { vp, family: r.family, prefix: r.prefix } as PrefixRoute
        if (r.pathId !== undefined) route.path_id = r.pathId
        route.next_hop = r.path.nextHop
        if (r.path.nextHopLl !== undefined) route.next_hop_ll = r.path.nextHopLl
        route.attrs = r.path.attrs
        route.stale = r.stale
        out.push(route)
      }
    }
    return out
  }

  peerStatus (): PeerStatus[] {
    return [...this.peers.values()].map((p) => p.status())
  }

  /** Distinct attribute sets held, across peers. */
  get attributeSets (): number {
    return this.interner.size
  }
}
