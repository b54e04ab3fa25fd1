// One router's BMP session: one TCP connection (RFC 7854 §3.3), one codec session state, so
// that what a Peer Up negotiated (4-octet AS, ADD-PATH) decodes that router's Route Monitoring
// messages and nobody else's. BMP is one-way (§3.3): the station never writes to the socket.
//
// Faults stay inside the connection: a framing error (the stream is lost, framing.ts) closes
// it with a log line; a message that fails to decode is logged, counted and skipped, and the
// next one is read. Buffering is bounded by the splitter (largest message plus one chunk).

import type { Socket } from 'node:net'
import { createBmpSplitter } from '../../codec/bmp/framing.ts'
import type { BmpSplitter } from '../../codec/bmp/framing.ts'
import { decodeBmpMessage } from '../../codec/bmp/message.ts'
import { peerView } from '../../codec/bmp/per-peer-header.ts'
import type { BmpMessage } from '../../codec/bmp/types.ts'
import { isBmpDecodeError } from '../../codec/bmp/errors.ts'
import { createBmpSession } from '../../codec/bmp/session-state.ts'
import type { BmpSession } from '../../codec/bmp/session-state.ts'
import { InitiationTlvType, TerminationTlvType } from '../../codec/bmp/constants.ts'
import { terminationReason } from '../../codec/bmp/termination.ts'
import { tlvText } from '../../codec/bmp/tlv.ts'
import { toHex } from '../../record/format.ts'
import type { BgpRecord } from '../../record/types.ts'
import type { Logger } from '../../log.ts'
import { withoutAddPath } from './add-path-fallback.ts'
import { createRouterIdentity, messageRecords } from './message-records.ts'
import type { RouterIdentity } from './message-records.ts'
import { routerAddress } from './router-identity.ts'
import { createCounters } from './station-stats.ts'
import type { BmpCounters } from './station-stats.ts'

/** Decode errors logged one by one per connection; after that, one line per LOG_EVERY. */
const LOG_FIRST_ERRORS = 10
const LOG_EVERY = 1000
const EMPTY = { bytes: new Uint8Array(0), receivedUs: 0 }

export interface RouterConnectionOptions {
  socket: Socket
  id: number
  /** The `source` of every record. */
  source: string
  logger: Logger
  /** Hand a record on; false when it was dropped (the queue counts and logs drops). */
  emit: (record: BgpRecord) => boolean
  maxMessageLength: number
  /** True while the station holds the routers back (record queue above its high-water mark). */
  isPaused: () => boolean
  /** Called once, when the socket has closed. */
  onClose: (connection: RouterConnection) => void
}

/** What the station shows of a connection. */
export interface RouterConnectionInfo {
  id: number
  /** The router: address the session comes from, port, sysName (Initiation) and AS once known. */
  ip: string
  port: number
  name?: string
  asn?: number
  connectedAt: Date
  /** Monitored peers currently up (Peer Up seen, no Peer Down since). */
  peersUp: number
  /** A Termination message was received (RFC 7854 §4.5). */
  terminated: boolean
  counters: BmpCounters
}

export class RouterConnection {
  readonly id: number
  readonly counters: BmpCounters = createCounters()
  readonly connectedAt = new Date()
  readonly identity: RouterIdentity
  readonly socket: Socket
  private readonly session: BmpSession = createBmpSession()
  private readonly splitter: BmpSplitter
  private readonly logger: Logger
  private readonly emit: (record: BgpRecord) => boolean
  private readonly isPaused: () => boolean
  private backlog: Array<{ bytes: Uint8Array, receivedUs: number }> = []
  private backlogHead = 0
  private closed = false
  /** A message (decodable or not) was read. */
  private started = false

  constructor (options: RouterConnectionOptions) {
    this.id = options.id
    this.socket = options.socket
    this.emit = options.emit
    this.isPaused = options.isPaused
    this.identity = createRouterIdentity(options.source, routerAddress(options.socket.remoteAddress))
    this.logger = options.logger.child({ conn: this.id, router: this.identity.ip, routerPort: options.socket.remotePort })
    this.splitter = createBmpSplitter({ maxMessageLength: options.maxMessageLength })
    const socket = options.socket
    socket.setKeepAlive(true, 30_000)
    socket.on('data', (chunk: Buffer) => { this.onData(chunk) })
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.logger.info({ err: err.message, code: err.code }, 'BMP connection error')
    })
    socket.on('close', () => {
      this.closed = true
      this.logger.info({ counters: this.counters, pending: this.splitter.pending() }, 'BMP router disconnected')
      options.onClose(this)
    })
    this.logger.info('BMP router connected')
  }

  info (): RouterConnectionInfo {
    const info: RouterConnectionInfo = {
      id: this.id,
      ip: this.identity.ip,
      port: this.socket.remotePort ?? 0,
      connectedAt: this.connectedAt,
      peersUp: this.session.peers.size,
      terminated: this.session.terminated,
      counters: this.counters
    }
    if (this.identity.name !== undefined) info.name = this.identity.name
    if (this.identity.asn !== undefined) info.asn = this.identity.asn
    return info
  }

  /** Close the connection (the router will reconnect and start a fresh session). */
  close (): void {
    if (!this.closed) this.socket.destroy()
  }

  private onData (chunk: Buffer): void {
    if (this.closed || this.socket.destroyed) return
    this.counters.bytes += chunk.length
    let messages: Uint8Array[]
    try {
      messages = this.splitter.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length))
    } catch (err) {
      // RFC 7854 §4.1 gives no marker to resynchronise on: the stream is lost, close it.
      const e = err as Error
      this.logger.warn({ err: e.message, bytes: isBmpDecodeError(err) ? toHex(err.bytes) : undefined },
        'BMP framing error: closing the connection')
      this.socket.destroy()
      return
    }
    const receivedUs = Date.now() * 1000
    for (const bytes of messages) this.backlog.push({ bytes, receivedUs })
    this.drain()
  }

  /**
   * Decode the messages split but not yet read, until none is left or the station pauses. The
   * backlog holds at most what one read from the socket brought (the socket is paused while
   * it is not empty), so it is bounded like the splitter's buffer.
   */
  drain (): void {
    while (this.backlogHead < this.backlog.length) {
      if (this.socket.destroyed) break
      if (this.isPaused()) {
        this.socket.pause()
        return
      }
      const { bytes, receivedUs } = this.backlog[this.backlogHead]
      this.backlog[this.backlogHead++] = EMPTY
      this.onMessage(bytes, receivedUs)
    }
    this.backlog = []
    this.backlogHead = 0
  }

  private onMessage (bytes: Uint8Array, receivedUs: number): void {
    const first = !this.started
    this.started = true
    let msg: BmpMessage
    try {
      msg = decodeBmpMessage(bytes, this.session)
    } catch (err) {
      if (!isBmpDecodeError(err)) {
        this.logger.error({ err }, 'BMP station fault: closing the connection')
        this.socket.destroy()
        return
      }
      // The framing is intact (the splitter delimited the message): skip this one message.
      const n = ++this.counters.decodeErrors
      if (n <= LOG_FIRST_ERRORS || n % LOG_EVERY === 0) {
        this.logger.warn({ err: err.message, messageType: err.messageType, bytes: toHex(err.bytes), decodeErrors: n },
          'BMP message skipped: it does not decode')
      }
      return
    }
    this.counters.messages[msg.kind]++
    if (msg.kind === 'route-monitoring') {
      const again = withoutAddPath(bytes, msg)
      if (again !== null) {
        if (this.counters.addPathFallbacks++ === 0) {
          this.logger.info({ peer: msg.peer.address, view: peerView(msg.peer) },
            'BMP Route Monitoring without the negotiated ADD-PATH path identifiers: read without them')
        }
        msg = again
      }
    }
    // RFC 7854 §4.3: the Initiation message MUST be the first one; we read on regardless.
    if (first && msg.kind !== 'initiation') this.logger.warn({ kind: msg.kind }, 'BMP session did not start with an Initiation message')
    if (msg.kind === 'termination') {
      this.logger.info({ reason: terminationReason(msg), text: tlvText(msg.tlvs, TerminationTlvType.STRING) }, 'BMP router terminated the session')
    } else if (msg.kind === 'unknown') {
      this.logger.debug({ type: msg.type }, 'BMP message of unknown type skipped')
    }
    let records: BgpRecord[]
    try {
      records = messageRecords(msg, this.identity, this.counters, receivedUs)
    } catch (err) {
      this.logger.error({ err, kind: msg.kind }, 'BMP station fault: message skipped')
      return
    }
    if (msg.kind === 'initiation') {
      this.logger.info({ sysName: this.identity.name, sysDescr: tlvText(msg.tlvs, InitiationTlvType.SYS_DESCR) }, 'BMP Initiation')
    }
    for (const record of records) {
      if (record.type === 'update') this.counters.updateRecords++
      else this.counters.peerStateRecords++
      if (!this.emit(record)) this.counters.droppedRecords++
    }
  }
}
