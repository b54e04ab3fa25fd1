// One open websocket stream: the key's frames, in seq order, written with a bound on what may wait.
//
// Flow control: frames are handed to the socket while fewer than `maxBufferedBytes` octets handed
// to it are still unwritten (counted with ws's write callbacks); the rest wait in the session's
// queue. When the queue would hold more than `maxQueuedBytes` the client is a slow consumer: the
// queue is dropped (counted), an error frame with the last seq handed to the socket is sent
// after what is already on its way, and the connection is closed with 4030; a client that does not
// even read the close is cut off after `closeTimeoutMs`. So a slow client never holds more than
// the two bounds in memory and never slows the others: delivery to every session is synchronous
// and never waits.
//
// Keepalive: a ping every `pingIntervalMs`; a client that has not answered the previous ping by
// the next one is dead and its connection is cut. The store's session lease is renewed every
// `renewIntervalMs` (the key stays in use while the session is open). A lease the store no longer
// knows is opened again while the client is connected (renewals came late, a reaper removed it),
// unless the store refuses (the key revoked, its prefixes gone, another session in the slot): that
// error ends the session.
// Both timers first fire at a random point of their first period, then every period: sessions
// opened together (a restart, a bench) would otherwise ping and renew all at once, a burst of
// synchronous store calls and socket writes that delays every frame behind it.
import type { Duplex } from 'node:stream'
import type { WebSocket } from 'ws'
import { ServiceError, SlowConsumerError } from '../errors.ts'
import type { Logger } from '../log.ts'
import type { LoggedFrame } from '../matcher/delivery-log.ts'
import type { FrameSink } from '../service/live-service.ts'
import type { ServiceMetrics } from '../service/service-metrics.ts'
import type { Store } from '../store/types.ts'
import { errorFrame } from './control-frames.ts'

/** Frames are UTF-8 octets sent as text messages (RFC 6455 section 5.6), not binary ones. */
const TEXT = { binary: false } as const

export interface SessionLimits {
  /** Octets handed to the socket and not yet written, at most; default 1 MiB. */
  maxBufferedBytes: number
  /** Octets of frames waiting behind them, at most, before the client is a slow consumer; default 8 MiB. */
  maxQueuedBytes: number
  /** Ping period; default 30 s. */
  pingIntervalMs: number
  /** Lease renewal period; default 30 s (the store's lease is 90 s). */
  renewIntervalMs: number
  /** How long a closing connection may take before it is cut; default 5 s. */
  closeTimeoutMs: number
}

export const DEFAULT_SESSION_LIMITS: Readonly<SessionLimits> = {
  maxBufferedBytes: 1024 * 1024,
  maxQueuedBytes: 8 * 1024 * 1024,
  pingIntervalMs: 30_000,
  renewIntervalMs: 30_000,
  closeTimeoutMs: 5_000
}

export type CloseReason = 'client' | 'slow_consumer' | 'dead_peer' | 'lease_lost' | 'shutdown' | 'error'

export interface StreamSessionOptions {
  ws: WebSocket
  /**
   * The connection's socket (the one handed to the upgrade), when known: it is corked on the
   * first frame written in a turn of the event loop and uncorked at the end of that turn, so that
   * the frames of one bus batch (or one replay) go out in one write instead of one write each.
   */
  socket?: Duplex
  keyId: string
  sessionId: string
  store: Store
  /** Renews this session's lease; default: the store, one transaction each (a gateway shares a LeaseRenewer). */
  renewLease?: (sessionId: string) => Promise<Date | null>
  now: () => Date
  logger: Logger
  metrics: ServiceMetrics | undefined
  limits: SessionLimits
  /** Called once, when the connection is gone and the store's session is closed. */
  onClosed: (session: StreamSession) => void
}

export class StreamSession implements FrameSink {
  readonly keyId: string
  /** The store's session; a new one after a lapsed lease is opened again (renew). */
  sessionId: string
  /** Seq of the last frame handed to the socket (0 before the first). */
  lastSeq = 0
  private readonly ws: WebSocket
  private readonly socket: Duplex | undefined
  private corked = false
  private readonly store: Store
  private readonly renewLease: (sessionId: string) => Promise<Date | null>
  private readonly now: () => Date
  private readonly logger: Logger
  private readonly metrics: ServiceMetrics | undefined
  private readonly limits: SessionLimits
  private readonly onClosed: (session: StreamSession) => void
  private queue: LoggedFrame[] = []
  private queueHead = 0
  private queuedBytes = 0
  private inFlightBytes = 0
  private alive = true
  private closing = false
  private renewing = false
  private closeReason: CloseReason = 'client'
  private readonly pingTimer: SpreadTimer
  private readonly renewTimer: SpreadTimer
  private cutTimer: NodeJS.Timeout | undefined
  private drainWaiters: Array<() => void> = []
  /** Resolves when the connection is closed and the store's session with it. */
  readonly closed: Promise<void>

  constructor (options: StreamSessionOptions) {
    this.ws = options.ws
    this.socket = options.socket
    this.keyId = options.keyId
    this.sessionId = options.sessionId
    this.store = options.store
    this.now = options.now
    this.renewLease = options.renewLease ?? (async (id) => await this.store.renewSession(id, this.now()))
    this.logger = options.logger
    this.metrics = options.metrics
    this.limits = options.limits
    this.onClosed = options.onClosed
    this.ws.on('pong', () => { this.alive = true })
    this.ws.on('error', (err) => { this.logger.debug({ err }, 'websocket error') })
    this.pingTimer = new SpreadTimer(() => { this.keepalive() }, this.limits.pingIntervalMs)
    this.renewTimer = new SpreadTimer(() => { this.renew().catch(() => {}) }, this.limits.renewIntervalMs)
    this.closed = new Promise((resolve) => {
      this.ws.once('close', (code) => {
        this.pingTimer.clear()
        this.renewTimer.clear()
        if (this.cutTimer !== undefined) clearTimeout(this.cutTimer)
        const dropped = this.queue.length - this.queueHead
        this.queue = []
        this.queueHead = 0
        this.queuedBytes = 0
        this.wakeDrainWaiters()
        this.metrics?.sessionsClosed.inc({ reason: this.closeReason })
        this.logger.info({ code, reason: this.closeReason, lastSeq: this.lastSeq, dropped }, 'stream closed')
        this.store.closeSession(this.sessionId, this.now())
          .catch((err: unknown) => { this.logger.error({ err }, 'cannot close the session in the store') })
          .finally(() => {
            this.onClosed(this)
            resolve()
          })
      })
    })
  }

  /** A frame of the key (from the live service, or a replay): send it, queue it, or give up on the client. */
  deliver (frame: LoggedFrame, replay = false): void {
    if (this.closing) return
    const size = frame.bytes.length
    if (this.queueHead === this.queue.length && this.inFlightBytes < this.limits.maxBufferedBytes) {
      this.write(frame)
      return
    }
    if (!replay && this.queuedBytes + size > this.limits.maxQueuedBytes) {
      this.slowConsumer(1)
      return
    }
    this.queue.push(frame)
    this.queuedBytes += size
  }

  /** Octets of frames waiting behind the socket (not yet handed to it). */
  get backlogBytes (): number {
    return this.queuedBytes
  }

  /** Send a frame that is not in the delivery log (a gap frame). */
  sendControl (text: string): void {
    if (this.closing) return
    this.cork()
    this.inFlightBytes += text.length
    this.ws.send(text, (err) => { this.written(text.length, err) })
  }

  /** Send an error frame, then close with the error's code. */
  fail (error: ServiceError, reason: CloseReason, extra: Record<string, number | string> = {}): void {
    if (this.closing) return
    this.ws.send(errorFrame(error, extra))
    this.close(error.wsCloseCode, error.closeReason(), reason)
  }

  /** Resolves once every queued frame is handed to the socket and written (or the session is gone). */
  async drained (): Promise<void> {
    if (this.isDrained()) return
    await new Promise<void>((resolve) => { this.drainWaiters.push(resolve) })
  }

  /** Close the connection (a normal close frame); cut it if the client does not answer in time. */
  close (code: number, text: string, reason: CloseReason): void {
    if (this.closing) return
    this.closing = true
    this.closeReason = reason
    this.ws.close(code, text)
    this.cutTimer = setTimeout(() => { this.ws.terminate() }, this.limits.closeTimeoutMs)
    this.cutTimer.unref()
  }

  private isDrained (): boolean {
    return this.ws.readyState === this.ws.CLOSED || (this.queueHead === this.queue.length && this.inFlightBytes === 0)
  }

  private write (frame: LoggedFrame): void {
    const size = frame.bytes.length
    this.inFlightBytes += size
    this.lastSeq = frame.seq
    this.metrics?.framesSent.inc()
    this.cork()
    this.ws.send(frame.bytes, TEXT, (err) => { this.written(size, err) })
  }

  /** Hold the socket's writes until the end of this turn (the frames written in it go out in one writev). */
  private cork (): void {
    const socket = this.socket
    if (this.corked || socket === undefined) return
    this.corked = true
    socket.cork()
    process.nextTick(() => {
      this.corked = false
      socket.uncork()
    })
  }

  private written (size: number, err: Error | undefined | null): void {
    this.inFlightBytes -= size
    if (err != null) return
    this.pump()
    if (this.drainWaiters.length > 0 && this.isDrained()) this.wakeDrainWaiters()
  }

  private pump (): void {
    while (this.queueHead < this.queue.length && this.inFlightBytes < this.limits.maxBufferedBytes && !this.closing) {
      const frame = this.queue[this.queueHead]
      this.queueHead++
      this.queuedBytes -= frame.bytes.length
      this.write(frame)
    }
    if (this.queueHead === this.queue.length) {
      this.queue = []
      this.queueHead = 0
    } else if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead)
      this.queueHead = 0
    }
  }

  private slowConsumer (extra: number): void {
    const dropped = this.queue.length - this.queueHead + extra
    this.queue = []
    this.queueHead = 0
    this.queuedBytes = 0
    this.metrics?.slowConsumerDrops.inc(dropped)
    this.logger.warn({ lastSeq: this.lastSeq, dropped, buffered: this.inFlightBytes }, 'slow consumer: closing the stream')
    this.fail(new SlowConsumerError(), 'slow_consumer', { last_seq: this.lastSeq })
  }

  private keepalive (): void {
    if (!this.alive) {
      this.closeReason = 'dead_peer'
      this.closing = true
      this.logger.info('no pong to the last ping: connection cut')
      this.ws.terminate()
      return
    }
    this.alive = false
    this.ws.ping()
  }

  private async renew (): Promise<void> {
    // One renewal at a time: a late one overlapping the next would open the session twice.
    if (this.closing || this.renewing) return
    this.renewing = true
    try {
      const until = await this.renewLease(this.sessionId)
      if (until !== null || this.closing) return
      // The store no longer has the session: the key was revoked, or the lease lapsed (renewals
      // late: a busy store or gateway) and a reaper removed it. The client is still here, so the
      // session is opened again unless the store refuses (the key revoked, its prefixes gone,
      // another session of the key opened since): then that error closes the stream.
      const lapsed = this.sessionId
      const opened = await this.store.openSession(this.keyId, this.now())
      // The connection closed meanwhile: its close handler closed the lapsed session, not this one.
      if (this.ws.readyState === this.ws.CLOSED) {
        await this.store.closeSession(opened.sessionId, this.now())
        return
      }
      this.sessionId = opened.sessionId
      this.metrics?.sessionsReopened.inc()
      this.logger.warn({ lapsed, sessionId: opened.sessionId }, 'the session\'s lease had lapsed in the store (renewals late): opened again')
    } catch (err) {
      if (err instanceof ServiceError && err.code !== 'INTERNAL') {
        this.logger.info({ code: err.code }, 'the session is gone from the store and cannot be opened again')
        this.fail(err, 'lease_lost')
        return
      }
      this.logger.error({ err }, 'cannot renew the session lease')
    } finally {
      this.renewing = false
    }
  }

  private wakeDrainWaiters (): void {
    const waiters = this.drainWaiters
    this.drainWaiters = []
    for (const w of waiters) w()
  }
}

/**
 * Calls `fn` every `periodMs`, the first time at a random point of the first period (uniform in
 * [0, periodMs)), so that the timers of many sessions opened at once spread over the period.
 */
export class SpreadTimer {
  private timer: NodeJS.Timeout

  constructor (fn: () => void, periodMs: number, random: () => number = Math.random) {
    this.timer = setTimeout(() => {
      this.timer = setInterval(fn, periodMs)
      fn()
    }, Math.floor(random() * periodMs))
  }

  clear (): void {
    // clearTimeout clears an interval too (Node's timers are one kind).
    clearTimeout(this.timer)
  }
}
