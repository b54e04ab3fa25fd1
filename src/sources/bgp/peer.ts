// One peer of the collector: its connections (at most one Established, RFC 4271 §6.8 decides
// between two), its Adj-RIB-In, the records it makes, Graceful Restart as the receiving speaker
// (RFC 4724 §4.2), and the active connector when the peer is not passive.
import type { Socket } from 'node:net'
import { ErrorCode } from '../../codec/bgp/constants.ts'
import { familyKey } from '../../codec/bgp/decode-context.ts'
import { isBgpDecodeError } from '../../codec/bgp/errors.ts'
import { encodeMessage } from '../../codec/bgp/message.ts'
import { createDecodeContext } from '../../codec/bgp/decode-context.ts'
import type { OpenMessage, UpdateMessage } from '../../codec/bgp/types.ts'
import { updateToRecord } from '../../record/from-update.ts'
import type { BgpRecord, PeerState, PeerStateRecord, UpdateRecord, VantagePoint, Withdrawal } from '../../record/types.ts'
import type { Logger } from '../../log.ts'
import type { RecordQueue } from '../record-queue.ts'
import { AdjRibIn } from './adj-rib-in.ts'
import type { RemovedRoutes, RibRoute } from './adj-rib-in.ts'
import type { AttributeInterner } from './attribute-intern.ts'
import { Connector } from './connector.ts'
import { CeaseSubcode } from './messages.ts'
import { bgpIdNumber, isRefusal, localOpen, negotiate } from './open-negotiation.ts'
import type { Negotiated } from './open-negotiation.ts'
import { FAMILIES } from './peer-config.ts'
import type { PeerConfig } from './peer-config.ts'
import { Session } from './session.ts'
import type { CloseInfo, Direction, SessionHost } from './session.ts'

/** Withdrawal records made when routes go without an UPDATE carry at most this many prefixes. */
export const WITHDRAWAL_CHUNK = 1000

export interface PeerContext {
  /** `source` of the records. */
  source: string
  localAs: number
  routerId: string
  logger: Logger
  queue: RecordQueue<BgpRecord>
  interner: AttributeInterner
  maxPauseMs: number
  /** The peer has no connection and no routes left (dynamic peers are then forgotten). */
  onIdle: (peer: Peer) => void
}

export interface PeerStatus {
  address: string
  name: string
  dynamic: boolean
  state: string
  asn: number | null
  bgpId: string | null
  families: string[]
  addPath: string[]
  holdTime: number | null
  establishedAt: number | null
  routes: number
  staleRoutes: number
  updates: number
}

function nowUs (): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000)
}

const FAMILY_BY_KEY = new Map<number, string>(Object.entries(FAMILIES).map(([name, f]) => [familyKey(f.afi, f.safi), name]))

export class Peer implements SessionHost {
  readonly config: PeerConfig
  readonly rib: AdjRibIn
  readonly logger: Logger
  readonly maxPauseMs: number
  private readonly ctx: PeerContext
  private readonly sessions = new Set<Session>()
  private current: Session | null = null
  private readonly connector: Connector | null
  private openCache: Uint8Array | undefined
  private vp: VantagePoint | null = null
  private establishedAt: number | null = null
  /** RFC 4724 §4.2 restart timer (waiting for the peer to come back), then the stale timer (waiting for End-of-RIB). */
  private staleTimer: NodeJS.Timeout | undefined
  /** Families whose stale routes go at their End-of-RIB. */
  private readonly awaitingEor = new Set<string>()
  private stopped = false
  updates = 0

  constructor (config: PeerConfig, ctx: PeerContext) {
    this.config = config
    this.ctx = ctx
    this.logger = ctx.logger.child({ peer: config.address })
    this.maxPauseMs = ctx.maxPauseMs
    this.rib = new AdjRibIn(ctx.interner)
    this.connector = config.passive
      ? null
      : new Connector({
        host: config.address,
        port: config.port,
        localAddress: config.localAddress,
        minMs: config.connectRetryMinMs,
        maxMs: config.connectRetryMaxMs,
        logger: this.logger,
        onConnected: (socket) => { this.attach(socket, 'outbound') }
      })
  }

  start (): void {
    this.connector?.start()
  }

  /** Cease / Administrative Shutdown to every connection; the routes go with peer-down records. */
  stop (): void {
    this.stopped = true
    this.connector?.stop()
    for (const s of [...this.sessions]) s.fail(ErrorCode.CEASE, CeaseSubcode.ADMINISTRATIVE_SHUTDOWN, 'collector shutting down')
    if (this.staleTimer !== undefined) clearTimeout(this.staleTimer)
    this.staleTimer = undefined
    this.emitRemoved(this.rib.clear())
  }

  /** Take a TCP connection (accepted or connected) and start its FSM. */
  attach (socket: Socket, direction: Direction): void {
    if (this.stopped) {
      socket.destroy()
      return
    }
    // A second connection from the same side that has not got anywhere replaces the older one
    // (a peer that restarted before we noticed the old connection die).
    for (const other of this.sessions) {
      if (other.direction === direction && other.state !== 'Established') {
        other.fail(ErrorCode.CEASE, CeaseSubcode.CONNECTION_COLLISION_RESOLUTION, 'replaced by a newer connection')
      }
    }
    const session = new Session(socket, direction, this.config.address, this)
    this.sessions.add(session)
    session.start()
  }

  openBytes (): Uint8Array {
    this.openCache ??= encodeMessage(localOpen(this.config, this.ctx.localAs, this.ctx.routerId), createDecodeContext())
    return this.openCache
  }

  checkOpen (s: Session, open: OpenMessage): Negotiated | undefined {
    const result = negotiate(this.config, this.ctx.localAs, this.ctx.routerId, open)
    if (isRefusal(result)) {
      s.fail(result.code, result.subcode, result.message, result.data)
      return undefined
    }
    // RFC 4271 §6.8 connection collision detection, against the other connections of the peer.
    const localId = bgpIdNumber(this.ctx.routerId)
    const remoteId = bgpIdNumber(open.bgpId)
    for (const other of [...this.sessions]) {
      if (other === s || other.isClosed) continue
      if (other.state === 'Established') {
        if (other.negotiated?.gracefulRestart != null) {
          // RFC 4724 §4.2: a new connection from a peer with an Established, restart-capable
          // session means the peer restarted; the old session is treated as ended.
          other.close('peer opened a new connection: restarted (RFC 4724 §4.2)')
          continue
        }
        s.fail(ErrorCode.CEASE, CeaseSubcode.CONNECTION_COLLISION_RESOLUTION, 'a session is already Established')
        return undefined
      }
      if (other.state === 'OpenConfirm') {
        // Keep the connection opened by the speaker with the higher BGP Identifier.
        const keepInitiatedBy: Direction = localId > remoteId ? 'outbound' : 'inbound'
        const loser = s.direction === keepInitiatedBy ? other : s
        loser.fail(ErrorCode.CEASE, CeaseSubcode.CONNECTION_COLLISION_RESOLUTION, `collision with the ${other === loser ? 'newer' : 'older'} connection (RFC 4271 §6.8)`)
        if (loser === s) return undefined
      }
    }
    return result
  }

  onEstablished (s: Session): void {
    const n = s.negotiated as Negotiated
    this.current = s
    this.connector?.reset()
    this.vp = { ip: this.config.address, asn: n.peerAs }
    this.establishedAt = Date.now()
    this.logger.info({ direction: s.direction, asn: n.peerAs, bgpId: n.bgpId, holdTime: n.holdTime, families: n.familyNames, addPath: [...n.ctx.addPath].map((k) => FAMILY_BY_KEY.get(k)), asn4: n.ctx.asn4, extendedMessage: n.ctx.extendedMessage, gracefulRestart: n.gracefulRestart !== null }, 'session established')
    this.emitState('OpenConfirm', 'Established')
    // RFC 4724 §4.1: a restarting peer defers its route selection until it has the End-of-RIB of
    // every peer; we announce nothing, so our initial update is complete at once.
    if (n.gracefulRestart !== null) s.sendEndOfRib([...n.families].map((key) => ({ afi: key >> 8, safi: key & 0xff })))
    if (this.rib.staleSize > 0) this.resumeAfterRestart(n)
  }

  /** RFC 4724 §4.2: the peer is back; keep the stale routes of the families it preserved until their End-of-RIB. */
  private resumeAfterRestart (n: Negotiated): void {
    if (this.staleTimer !== undefined) clearTimeout(this.staleTimer)
    this.staleTimer = undefined
    this.awaitingEor.clear()
    for (const [key, name] of FAMILY_BY_KEY) {
      const preserved = n.gracefulRestart?.families.get(key) === true && n.families.has(key)
      if (preserved) this.awaitingEor.add(name)
      else this.emitRemoved(this.rib.sweepStale(name))
    }
    if (this.rib.staleSize === 0) return
    this.staleTimer = setTimeout(() => {
      this.staleTimer = undefined
      this.logger.info({ stale: this.rib.staleSize }, 'no End-of-RIB in time: stale routes removed')
      this.awaitingEor.clear()
      this.emitRemoved(this.rib.sweepStale())
    }, this.config.maxRestartTime * 1000)
  }

  onUpdate (s: Session, update: UpdateMessage, raw: Uint8Array, timeUs: number): void {
    this.updates++
    let record: UpdateRecord
    try {
      record = updateToRecord(update, { time_us: timeUs, source: this.ctx.source, vp: this.vp as VantagePoint })
    } catch (e) {
      if (!isBgpDecodeError(e)) throw e
      s.fail(e.code, e.subcode, `malformed UPDATE: ${e.message}`, e.data)
      return
    }
    if (record.error !== undefined) {
      this.logger.warn({ action: record.error.action, code: record.error.code, subcode: record.error.subcode, attr: record.error.attr, message: record.error.message }, 'malformed UPDATE handled per RFC 7606')
    }
    if (record.eor !== undefined) {
      this.ctx.queue.push(record)
      if (this.awaitingEor.delete(record.eor)) this.emitRemoved(this.rib.sweepStale(record.eor))
      return
    }
    this.rib.applyUpdate(record, raw, s.negotiated?.ctx)
    this.ctx.queue.push(record)
  }

  onClosed (s: Session, info: CloseInfo): void {
    this.sessions.delete(s)
    const level = info.wasEstablished || info.sent !== undefined || info.received !== undefined ? 'info' : 'debug'
    this.logger[level]({ direction: s.direction, state: info.wasEstablished ? 'Established' : undefined, reason: info.reason }, 'session closed')
    if (s === this.current) {
      this.current = null
      this.establishedAt = null
      this.down(s, info)
    }
    if (!this.stopped && this.sessions.size === 0) this.connector?.retry()
    if (this.sessions.size === 0 && this.rib.size === 0) this.ctx.onIdle(this)
  }

  /** The Established session ended: peer-down record, then the withdrawals it implies. */
  private down (s: Session, info: CloseInfo): void {
    const gr = s.negotiated?.gracefulRestart
    if (info.transportFailure && gr != null && !this.stopped) {
      // RFC 4724 §4.2: keep the routes of the families the peer preserves across its restart,
      // marked stale, for the Restart Time it announced; delete the others.
      const keep = new Set<string>()
      for (const key of gr.families.keys()) {
        const name = FAMILY_BY_KEY.get(key)
        if (name !== undefined) keep.add(name)
      }
      const removed = this.rib.markStale(keep)
      const stale = this.rib.staleSize
      this.emitState('Established', 'Idle', `${info.reason}; graceful restart: ${stale} routes kept stale for up to ${gr.restartTime} s`)
      this.emitRemoved(removed)
      if (this.staleTimer !== undefined) clearTimeout(this.staleTimer)
      this.staleTimer = undefined
      if (stale === 0) return
      this.staleTimer = setTimeout(() => {
        this.staleTimer = undefined
        this.logger.info({ stale: this.rib.staleSize }, 'restart timer expired: stale routes removed')
        this.emitRemoved(this.rib.sweepStale())
        if (this.sessions.size === 0 && this.rib.size === 0) this.ctx.onIdle(this)
      }, gr.restartTime * 1000)
      return
    }
    this.emitState('Established', 'Idle', info.reason)
    if (this.staleTimer !== undefined) clearTimeout(this.staleTimer)
    this.staleTimer = undefined
    this.awaitingEor.clear()
    this.emitRemoved(this.rib.clear())
  }

  private emitState (from: PeerState, to: PeerState, reason?: string): void {
    const record: PeerStateRecord = {
      type: 'peer_state',
      time_us: nowUs(),
      source: this.ctx.source,
      vp: this.vp ?? { ip: this.config.address, asn: this.config.remoteAs === 'any' ? 0 : this.config.remoteAs },
      old_state: from,
      new_state: to
    }
    if (reason !== undefined) record.reason = reason
    this.ctx.queue.push(record)
  }

  /** Withdrawal records (at most WITHDRAWAL_CHUNK prefixes each) for routes removed without an UPDATE. */
  private emitRemoved (removed: RemovedRoutes[]): void {
    if (removed.length === 0) return
    const meta = { time_us: nowUs(), source: this.ctx.source, vp: this.vp ?? { ip: this.config.address, asn: 0 } }
    for (const r of removed) {
      for (let i = 0; i < r.prefixes.length; i += WITHDRAWAL_CHUNK) {
        const w = {} as Withdrawal
        if (r.family !== undefined) w.family = r.family
        w.prefixes = r.prefixes.slice(i, i + WITHDRAWAL_CHUNK)
        if (r.pathIds !== undefined) w.path_ids = r.pathIds.slice(i, i + WITHDRAWAL_CHUNK)
        // Keys in the canonical record order (src/record/types.ts).
        const record: UpdateRecord = { type: 'update', time_us: meta.time_us, source: meta.source, vp: meta.vp, announce: [], withdraw: [w], attrs: {} }
        this.ctx.queue.push(record)
      }
    }
  }

  shouldPause (): boolean {
    return this.ctx.queue.aboveHighWaterMark
  }

  whenDrained (resume: () => void): () => void {
    const remove = this.ctx.queue.onDrain(() => {
      remove()
      resume()
    })
    return remove
  }

  /** Routes of this peer for one canonical prefix. */
  lookup (prefix: string): RibRoute[] {
    return this.rib.lookup(prefix)
  }

  get vantagePoint (): VantagePoint | null {
    return this.vp
  }

  get isIdle (): boolean {
    return this.sessions.size === 0 && this.rib.size === 0
  }

  status (): PeerStatus {
    let state = 'Idle'
    for (const s of this.sessions) if (state === 'Idle' || s.state === 'Established' || (s.state === 'OpenConfirm' && state === 'OpenSent')) state = s.state
    if (state === 'Idle' && this.connector !== null && !this.stopped) state = 'Connect'
    const n = this.current?.negotiated ?? null
    return {
      address: this.config.address,
      name: this.config.name,
      dynamic: this.config.dynamic,
      state,
      asn: this.vp?.asn ?? null,
      bgpId: n?.bgpId ?? null,
      families: n?.familyNames ?? [],
      addPath: n === null ? [] : [...n.ctx.addPath].map((k) => FAMILY_BY_KEY.get(k) ?? String(k)),
      holdTime: n?.holdTime ?? null,
      establishedAt: this.establishedAt,
      routes: this.rib.size - this.rib.staleSize,
      staleRoutes: this.rib.staleSize,
      updates: this.updates
    }
  }
}
