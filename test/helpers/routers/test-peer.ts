// A small BGP speaker written with our own codec, for tests that need many peers or exact
// control over what goes on the wire (garbage, Graceful Restart, replay). It connects to the
// collector, exchanges OPENs, sends UPDATEs, and records every message it receives.
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { parseIp } from '../../../src/codec/address.ts'
import { AS_TRANS } from '../../../src/codec/bgp/constants.ts'
import { createDecodeContext, familyKey } from '../../../src/codec/bgp/decode-context.ts'
import type { DecodeContext } from '../../../src/codec/bgp/decode-context.ts'
import { BgpMessageSplitter } from '../../../src/codec/bgp/framing.ts'
import { decodeMessage, encodeMessage } from '../../../src/codec/bgp/message.ts'
import type { BgpMessage, Capability, OpenMessage, PathAttribute, UpdateMessage } from '../../../src/codec/bgp/types.ts'

export interface TestPeerOptions {
  host: string
  port: number
  localAddress?: string
  asn: number
  bgpId: string
  holdTime?: number
  /** Capabilities to announce; default IPv4+IPv6 unicast, 4-octet AS, ADD-PATH send for both. */
  capabilities?: Capability[]
  /** Answer the collector's KEEPALIVEs (default true). */
  keepalives?: boolean
}

export function defaultCapabilities (asn: number, addPath = true): Capability[] {
  const caps: Capability[] = [
    { kind: 'multiprotocol', afi: 1, safi: 1, reserved: 0 },
    { kind: 'multiprotocol', afi: 2, safi: 1, reserved: 0 },
    { kind: 'four-octet-as', asn }
  ]
  if (addPath) caps.push({ kind: 'add-path', families: [{ afi: 1, safi: 1, sendReceive: 2 }, { afi: 2, safi: 1, sendReceive: 2 }] })
  return caps
}

export class TestPeer {
  readonly socket: Socket
  readonly received: BgpMessage[] = []
  ctx: DecodeContext = createDecodeContext()
  remoteOpen: OpenMessage | null = null
  closed = false
  private readonly splitter = new BgpMessageSplitter({ extendedMessage: true })
  private readonly waiters = new Set<() => void>()
  private keepaliveTimer: NodeJS.Timeout | undefined

  private constructor (socket: Socket) {
    this.socket = socket
    socket.on('data', (chunk: Buffer) => {
      for (const raw of this.splitter.push(chunk)) this.received.push(decodeMessage(raw, this.ctx))
      this.wake()
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      this.closed = true
      if (this.keepaliveTimer !== undefined) clearInterval(this.keepaliveTimer)
      this.wake()
    })
  }

  private wake (): void {
    for (const w of [...this.waiters]) w()
  }

  /** Wrap a connection the test accepted (the collector connected to us). */
  static fromSocket (socket: Socket): TestPeer {
    return new TestPeer(socket)
  }

  /** Send our OPEN (the first half of establishing). */
  sendOpen (options: Pick<TestPeerOptions, 'asn' | 'bgpId' | 'holdTime' | 'capabilities'>): void {
    const capabilities = options.capabilities ?? defaultCapabilities(options.asn)
    this.send({ type: 'open', version: 4, myAs: options.asn > 0xffff ? AS_TRANS : options.asn, holdTime: options.holdTime ?? 30, bgpId: options.bgpId, parameters: [{ kind: 'capabilities', capabilities }], extendedParameters: false })
  }

  /** Open a TCP connection only (no OPEN sent). */
  static async tcp (options: Pick<TestPeerOptions, 'host' | 'port' | 'localAddress'>): Promise<TestPeer> {
    const socket = connect({ host: options.host, port: options.port, localAddress: options.localAddress })
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    return new TestPeer(socket)
  }

  /** Connect and reach Established (OPEN, OPEN, KEEPALIVE, KEEPALIVE). */
  static async establish (options: TestPeerOptions, timeoutMs = 5000): Promise<TestPeer> {
    const peer = await TestPeer.tcp(options)
    try {
      const holdTime = options.holdTime ?? 30
      const capabilities = options.capabilities ?? defaultCapabilities(options.asn)
      peer.send({ type: 'open', version: 4, myAs: options.asn > 0xffff ? AS_TRANS : options.asn, holdTime, bgpId: options.bgpId, parameters: [{ kind: 'capabilities', capabilities }], extendedParameters: false })
      const open = await peer.waitFor((m) => m.type === 'open', timeoutMs) as OpenMessage
      peer.remoteOpen = open
      peer.ctx = negotiatedContext(capabilities, open)
      peer.send({ type: 'keepalive' })
      await peer.waitFor((m) => m.type === 'keepalive', timeoutMs)
      const hold = Math.min(holdTime, open.holdTime)
      if (hold > 0 && options.keepalives !== false) {
        peer.keepaliveTimer = setInterval(() => { peer.send({ type: 'keepalive' }) }, hold * 1000 / 3)
      }
      return peer
    } catch (e) {
      peer.destroy()
      throw e
    }
  }

  send (msg: BgpMessage): void {
    this.socket.write(encodeMessage(msg, this.ctx))
  }

  sendRaw (bytes: Uint8Array): void {
    this.socket.write(bytes)
  }

  /** Resolve with the first received message matching `test` (already received ones count). */
  async waitFor (test: (m: BgpMessage) => boolean, timeoutMs = 5000): Promise<BgpMessage> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.received.find(test)
      if (found !== undefined) return found
      if (this.closed) throw new Error('connection closed while waiting for a message')
      const left = deadline - Date.now()
      if (left <= 0) throw new Error('timed out waiting for a message')
      await new Promise<void>((resolve) => {
        const done = (): void => { clearTimeout(t); this.waiters.delete(done); resolve() }
        const t = setTimeout(done, left)
        this.waiters.add(done)
      })
    }
  }

  /** Resolve when the connection is closed by the other side. */
  async waitClosed (timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the connection to close')
      await new Promise<void>((resolve) => {
        const done = (): void => { clearTimeout(t); this.waiters.delete(done); resolve() }
        const t = setTimeout(done, deadline - Date.now())
        this.waiters.add(done)
      })
    }
  }

  /** Close without NOTIFICATION (a crash, as far as the collector can tell). */
  destroy (): void {
    if (this.keepaliveTimer !== undefined) clearInterval(this.keepaliveTimer)
    this.socket.destroy()
  }
}

function negotiatedContext (ours: Capability[], theirs: OpenMessage): DecodeContext {
  const remote: Capability[] = []
  for (const p of theirs.parameters) if (p.kind === 'capabilities') remote.push(...p.capabilities)
  const asn4 = ours.some((c) => c.kind === 'four-octet-as') && remote.some((c) => c.kind === 'four-octet-as')
  const addPath = new Set<number>()
  const ourAddPath = ours.find((c) => c.kind === 'add-path')
  const theirAddPath = remote.find((c) => c.kind === 'add-path')
  if (ourAddPath?.kind === 'add-path' && theirAddPath?.kind === 'add-path') {
    for (const f of ourAddPath.families) {
      const other = theirAddPath.families.find((g) => g.afi === f.afi && g.safi === f.safi)
      // RFC 7911 §5: we send path ids when we can send and they can receive.
      if ((f.sendReceive & 2) !== 0 && other !== undefined && (other.sendReceive & 1) !== 0) addPath.add(familyKey(f.afi, f.safi))
    }
  }
  const extendedMessage = ours.some((c) => c.kind === 'extended-message') && remote.some((c) => c.kind === 'extended-message')
  return createDecodeContext({ asn4, addPath, extendedMessage })
}

export interface RouteSpec {
  prefixes: string[]
  pathIds?: number[]
  nextHop: string
  asPath: number[]
  med?: number
  communities?: Array<[number, number]>
  largeCommunities?: Array<[number, number, number]>
}

/** An UPDATE announcing IPv4 prefixes (NLRI field) or IPv6 ones (MP_REACH_NLRI). */
export function announceUpdate (spec: RouteSpec): UpdateMessage {
  const ipv6 = spec.prefixes[0].includes(':')
  const attributes: PathAttribute[] = [
    { kind: 'origin', code: 1, flags: 0x40, origin: 0 },
    { kind: 'as-path', code: 2, flags: 0x40, segments: [{ type: 2, asns: spec.asPath }], asnSize: 4 }
  ]
  if (!ipv6) attributes.push({ kind: 'next-hop', code: 3, flags: 0x40, nextHop: spec.nextHop })
  if (spec.med !== undefined) attributes.push({ kind: 'med', code: 4, flags: 0x80, med: spec.med })
  if (spec.communities !== undefined) attributes.push({ kind: 'communities', code: 8, flags: 0xc0, communities: spec.communities.map(([a, b]) => ((a << 16) | b) >>> 0) })
  if (spec.largeCommunities !== undefined) attributes.push({ kind: 'large-communities', code: 32, flags: 0xc0, values: spec.largeCommunities.flat() })
  const list = { afi: ipv6 ? 2 : 1, safi: 1, prefixes: spec.prefixes, pathIds: spec.pathIds ?? null }
  if (ipv6) {
    const nh = parseIp(spec.nextHop) as Uint8Array
    attributes.push({ kind: 'mp-reach', code: 14, flags: 0x80, afi: 2, safi: 1, nextHops: [spec.nextHop], nextHopBytes: nh, reserved: 0, nlri: list, nlriBytes: new Uint8Array(0), abbreviated: false })
  }
  return { type: 'update', withdrawn: { afi: 1, safi: 1, prefixes: [], pathIds: spec.pathIds === undefined ? null : [] }, attributes, nlri: ipv6 ? { afi: 1, safi: 1, prefixes: [], pathIds: null } : list }
}

/** An UPDATE withdrawing IPv4 (Withdrawn Routes) or IPv6 (MP_UNREACH_NLRI) prefixes. */
export function withdrawUpdate (prefixes: string[], pathIds?: number[]): UpdateMessage {
  const ipv6 = prefixes[0].includes(':')
  const list = { afi: ipv6 ? 2 : 1, safi: 1, prefixes, pathIds: pathIds ?? null }
  const empty = { afi: 1, safi: 1, prefixes: [], pathIds: null }
  if (!ipv6) return { type: 'update', withdrawn: list, attributes: [], nlri: empty }
  return { type: 'update', withdrawn: empty, attributes: [{ kind: 'mp-unreach', code: 15, flags: 0x80, afi: 2, safi: 1, withdrawn: list, withdrawnBytes: new Uint8Array(0) }], nlri: empty }
}

/** End-of-RIB (RFC 4724 §2) for IPv4 unicast (empty UPDATE) or another family (empty MP_UNREACH_NLRI). */
export function endOfRibUpdate (afi = 1, safi = 1): UpdateMessage {
  const empty = { afi: 1, safi: 1, prefixes: [], pathIds: null }
  if (afi === 1 && safi === 1) return { type: 'update', withdrawn: empty, attributes: [], nlri: empty }
  return { type: 'update', withdrawn: empty, attributes: [{ kind: 'mp-unreach', code: 15, flags: 0x80, afi, safi, withdrawn: { afi, safi, prefixes: [], pathIds: null }, withdrawnBytes: new Uint8Array(0) }], nlri: empty }
}
