// One BGP connection: the TCP socket, framing (RFC 4271 §4.1), the hold and keepalive timers
// (§4.4, §10), and the FSM of fsm.ts. What the session learns goes to its host (the peer):
// the OPEN to check, UPDATEs, Established, and the end of the connection.
//
// Timers are cheap at high message rates: the hold timer is not re-armed per message; it fires
// at the deadline and re-arms itself from the time of the last message received.
import type { Socket } from 'node:net'
import { ErrorCode, HEADER_LENGTH, MessageType } from '../../codec/bgp/constants.ts'
import { createDecodeContext } from '../../codec/bgp/decode-context.ts'
import type { DecodeContext } from '../../codec/bgp/decode-context.ts'
import { ErrorAction, isBgpDecodeError } from '../../codec/bgp/errors.ts'
import { BgpMessageSplitter } from '../../codec/bgp/framing.ts'
import { decodeMessage } from '../../codec/bgp/message.ts'
import type { NotificationMessage, OpenMessage, UpdateMessage } from '../../codec/bgp/types.ts'
import type { Logger } from '../../log.ts'
import { onHoldTimerExpired, onMessage, onTcpEstablished } from './fsm.ts'
import type { FsmState } from './fsm.ts'
import { KEEPALIVE, encodeEndOfRib, encodeNotification, notificationName } from './messages.ts'
import type { Negotiated } from './open-negotiation.ts'

export type Direction = 'inbound' | 'outbound'

export interface CloseInfo {
  reason: string
  /** The session had reached Established. */
  wasEstablished: boolean
  /** The NOTIFICATION we sent, if any. */
  sent: NotificationMessage | undefined
  /** The NOTIFICATION the peer sent, if any. */
  received: NotificationMessage | undefined
  /** The connection ended without any NOTIFICATION (RFC 4724 §4.2: the peer may be restarting). */
  transportFailure: boolean
}

export interface SessionHost {
  readonly logger: Logger
  /** Our OPEN, encoded. */
  openBytes (): Uint8Array
  /**
   * RFC 4271 §6.2 checks and §6.8 collision detection of a received OPEN. Returns the
   * negotiated parameters, or undefined after having closed the session (with `fail`).
   */
  checkOpen (s: Session, open: OpenMessage): Negotiated | undefined
  onEstablished (s: Session): void
  /** One UPDATE of an Established session; `raw` is the whole message. */
  onUpdate (s: Session, update: UpdateMessage, raw: Uint8Array, timeUs: number): void
  onClosed (s: Session, info: CloseInfo): void
  /** True when the record queue wants sources to stop reading (backpressure). */
  shouldPause (): boolean
  /** Call `resume` once the queue has room again; returns a canceller. */
  whenDrained (resume: () => void): () => void
  /** Longest time to stay paused, ms. */
  readonly maxPauseMs: number
}

const PRE_OPEN_CONTEXT = createDecodeContext()
/** Wait for a NOTIFICATION to be flushed before destroying the socket, at most this long. */
const CLOSE_LINGER_MS = 1000

function nowUs (): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000)
}

export class Session {
  state: FsmState = 'Active'
  readonly socket: Socket
  readonly direction: Direction
  readonly remoteAddress: string
  readonly remotePort: number
  negotiated: Negotiated | null = null
  remoteOpen: OpenMessage | null = null
  /** Messages received, for stats. */
  messagesIn = 0
  updatesIn = 0
  private readonly host: SessionHost
  private readonly splitter = new BgpMessageSplitter()
  private ctx: DecodeContext = PRE_OPEN_CONTEXT
  private holdTimeS = 0
  private holdTimer: NodeJS.Timeout | undefined
  private keepaliveTimer: NodeJS.Timeout | undefined
  private lastReceived = 0
  private paused = false
  private pauseTimer: NodeJS.Timeout | undefined
  private cancelDrain: (() => void) | undefined
  /** The pause bound was hit: read on (records may drop) until the queue drains. */
  private overrun = false
  /** Messages read but not handled yet when the session paused. */
  private backlog: { messages: Uint8Array[], from: number, timeUs: number } | undefined
  private closed = false
  private received: NotificationMessage | undefined

  constructor (socket: Socket, direction: Direction, remoteAddress: string, host: SessionHost) {
    this.socket = socket
    this.direction = direction
    this.remoteAddress = remoteAddress
    this.remotePort = socket.remotePort ?? 0
    this.host = host
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => { this.onData(chunk) })
    socket.on('error', (err) => { this.close(`socket error: ${err.message}`) })
    socket.on('end', () => { this.close('connection closed by peer') })
    socket.on('close', () => { this.close('connection closed') })
  }

  /** TCP is up: start the FSM (RFC 4271 §8.2.2 Event 16/17). */
  start (): void {
    onTcpEstablished(this)
  }

  setState (state: FsmState): void {
    this.host.logger.debug({ peer: this.remoteAddress, direction: this.direction, from: this.state, to: state }, 'session state')
    this.state = state
  }

  sendOpen (): void {
    this.write(this.host.openBytes())
  }

  sendKeepalive (): void {
    this.write(KEEPALIVE)
  }

  /** RFC 4724 §2: our (empty) initial routing update is complete, for each family. */
  sendEndOfRib (families: Iterable<{ afi: number, safi: number }>): void {
    for (const { afi, safi } of families) this.write(encodeEndOfRib(afi, safi))
  }

  private write (bytes: Uint8Array): void {
    if (!this.closed && this.socket.writable) this.socket.write(bytes)
  }

  acceptOpen (open: OpenMessage): boolean {
    this.remoteOpen = open
    const negotiated = this.host.checkOpen(this, open)
    if (negotiated === undefined) return false
    this.negotiated = negotiated
    this.ctx = negotiated.ctx
    // RFC 8654 §4: longer messages are allowed once both sides announced the capability.
    this.splitter.extendedMessage = negotiated.ctx.extendedMessage
    return true
  }

  negotiatedHoldTime (): number {
    return this.negotiated?.holdTime ?? 0
  }

  currentHoldTime (): number {
    return this.holdTimeS
  }

  established (): void {
    this.host.onEstablished(this)
  }

  takeUpdate (update: UpdateMessage, raw?: Uint8Array, timeUs?: number): void {
    // RFC 7606 §2 session reset: the error cannot be confined to the UPDATE.
    const error = update.error
    if (error !== undefined && error.action === ErrorAction.SESSION_RESET) {
      this.fail(error.code, error.subcode, `malformed UPDATE: ${error.message}`, error.data)
      return
    }
    this.updatesIn++
    this.host.onUpdate(this, update, raw ?? new Uint8Array(0), timeUs ?? nowUs())
  }

  /** RFC 4271 §4.2, §10: hold timer of `seconds` (0: none). */
  startHoldTimer (seconds: number): void {
    this.holdTimeS = seconds
    this.lastReceived = performance.now()
    if (this.holdTimer !== undefined) clearTimeout(this.holdTimer)
    this.holdTimer = undefined
    if (seconds > 0) this.armHoldTimer(seconds * 1000)
  }

  private armHoldTimer (ms: number): void {
    this.holdTimer = setTimeout(() => { this.onHoldTimer() }, Math.max(1, ms))
  }

  private onHoldTimer (): void {
    this.holdTimer = undefined
    if (this.closed) return
    // A paused socket is our doing, not the peer's silence: the clock restarts on resume.
    const elapsed = performance.now() - this.lastReceived
    if (this.paused || elapsed < this.holdTimeS * 1000) {
      this.armHoldTimer(this.paused ? this.holdTimeS * 1000 : this.holdTimeS * 1000 - elapsed)
      return
    }
    onHoldTimerExpired(this)
  }

  /** RFC 4271 §10: KEEPALIVE every hold time / 3 once the OPEN is accepted; none with hold time 0. */
  startKeepaliveTimer (): void {
    const hold = this.negotiatedHoldTime()
    if (hold === 0 || this.keepaliveTimer !== undefined) return
    this.keepaliveTimer = setInterval(() => { this.sendKeepalive() }, Math.max(1000, Math.floor(hold * 1000 / 3)))
  }

  private onData (chunk: Buffer): void {
    if (this.closed) return
    this.lastReceived = performance.now()
    const messages = this.frame(chunk)
    if (messages === undefined) return
    if (this.paused) {
      // Data already on its way when the socket paused: kept, in order, after the backlog.
      const b = this.backlog
      this.backlog = b === undefined ? { messages, from: 0, timeUs: nowUs() } : { messages: b.messages.slice(b.from).concat(messages), from: 0, timeUs: b.timeUs }
      return
    }
    this.handle(messages, 0, nowUs())
  }

  /** Whole messages of a chunk; undefined after a header error (RFC 4271 §6.1), the session then closed. */
  private frame (chunk: Buffer): Uint8Array[] | undefined {
    try {
      return this.splitter.push(chunk)
    } catch (e) {
      if (isBgpDecodeError(e)) this.fail(e.code, e.subcode, `bad message header: ${e.message}`, e.data)
      else this.fail(ErrorCode.CEASE, 0, `framing failed: ${(e as Error).message}`)
      return undefined
    }
  }

  /**
   * Handle messages[from...]. When the record queue goes above its high-water mark, the rest is
   * kept and the socket paused: the queue never gets more than one message's records past the mark.
   */
  private handle (messages: Uint8Array[], from: number, timeUs: number): void {
    for (let i = from; i < messages.length; i++) {
      if (this.closed) return
      const raw = messages[i]
      this.messagesIn++
      try {
        if (this.state === 'Established' && raw[HEADER_LENGTH - 1] === MessageType.UPDATE) {
          // Fast path: most messages of a session are UPDATEs.
          this.takeUpdate(decodeMessage(raw, this.ctx) as UpdateMessage, raw, timeUs)
        } else {
          onMessage(this, decodeMessage(raw, this.ctx))
        }
      } catch (e) {
        if (isBgpDecodeError(e)) {
          this.fail(e.code, e.subcode, `malformed ${messageName(raw)}: ${e.message}`, e.data)
        } else {
          this.host.logger.error({ peer: this.remoteAddress, err: e }, 'internal error handling a message')
          this.fail(ErrorCode.CEASE, 0, `internal error: ${(e as Error).message}`)
        }
        return
      }
      if (!this.paused && !this.overrun && this.state === 'Established' && this.host.shouldPause()) {
        if (i + 1 < messages.length) this.backlog = { messages, from: i + 1, timeUs }
        this.pause()
        return
      }
    }
  }

  /** Stop reading the socket until the record queue drains, or `maxPauseMs` passes. */
  private pause (): void {
    this.paused = true
    this.socket.pause()
    this.cancelDrain = this.host.whenDrained(() => { this.resume() })
    if (this.host.maxPauseMs > 0) {
      this.pauseTimer = setTimeout(() => {
        this.pauseTimer = undefined
        this.host.logger.warn({ peer: this.remoteAddress, ms: this.host.maxPauseMs }, 'record queue still full: reading again, records may be dropped')
        // Read without pausing until the queue is back to its low-water mark.
        this.overrun = true
        this.cancelDrain?.()
        this.cancelDrain = this.host.whenDrained(() => {
          this.cancelDrain = undefined
          this.overrun = false
        })
        this.resume(false)
      }, this.host.maxPauseMs)
    }
  }

  private resume (cancelDrain = true): void {
    if (!this.paused) return
    this.paused = false
    if (cancelDrain) {
      this.cancelDrain?.()
      this.cancelDrain = undefined
    }
    if (this.pauseTimer !== undefined) clearTimeout(this.pauseTimer)
    this.pauseTimer = undefined
    this.lastReceived = performance.now()
    const backlog = this.backlog
    this.backlog = undefined
    if (backlog !== undefined) this.handle(backlog.messages, backlog.from, backlog.timeUs)
    if (!this.closed && !this.paused) this.socket.resume()
  }

  get isPaused (): boolean {
    return this.paused
  }

  /** Send a NOTIFICATION (RFC 4271 §6) and close. */
  fail (code: number, subcode: number, reason: string, data?: Uint8Array): void {
    if (this.closed) return
    const sent: NotificationMessage = { type: 'notification', code, subcode, data: data ?? new Uint8Array(0) }
    this.write(encodeNotification(code, subcode, sent.data))
    this.close(`sent NOTIFICATION ${notificationName(code, subcode)}: ${reason}`, { sent })
  }

  /** Close the connection (at once, or after flushing a NOTIFICATION already written). */
  close (reason: string, options: { sent?: NotificationMessage, received?: NotificationMessage } = {}): void {
    if (options.received !== undefined) this.received = options.received
    if (this.closed) return
    this.closed = true
    const wasEstablished = this.state === 'Established'
    this.setState('Idle')
    if (this.holdTimer !== undefined) clearTimeout(this.holdTimer)
    if (this.keepaliveTimer !== undefined) clearInterval(this.keepaliveTimer)
    if (this.pauseTimer !== undefined) clearTimeout(this.pauseTimer)
    this.cancelDrain?.()
    this.holdTimer = this.keepaliveTimer = this.pauseTimer = undefined
    if (options.sent !== undefined && !this.socket.destroyed) {
      // Let the NOTIFICATION leave before the connection goes (RFC 4271 §6: "sent ... then closed").
      this.socket.end()
      setTimeout(() => { this.socket.destroy() }, CLOSE_LINGER_MS).unref()
    } else {
      this.socket.destroy()
    }
    this.host.onClosed(this, {
      reason,
      wasEstablished,
      sent: options.sent,
      received: this.received,
      transportFailure: options.sent === undefined && this.received === undefined
    })
  }

  get isClosed (): boolean {
    return this.closed
  }
}

function messageName (raw: Uint8Array): string {
  const names = ['message', 'OPEN', 'UPDATE', 'NOTIFICATION', 'KEEPALIVE', 'ROUTE-REFRESH']
  return names[raw[HEADER_LENGTH - 1]] ?? 'message'
}
