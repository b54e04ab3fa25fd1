// Active connections to one peer (RFC 4271 §8.2.2 Connect state): connect, and after a failure
// or the end of a session wait the ConnectRetryTimer, doubled after each failed attempt from
// `minMs` up to `maxMs` (exponential backoff), with the jitter of RFC 4271 §10 (a random factor
// from 0.75 to 1) so that many peers do not retry in step.
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import type { Logger } from '../../log.ts'

export interface ConnectorOptions {
  host: string
  port: number
  localAddress: string | undefined
  minMs: number
  maxMs: number
  logger: Logger
  /** A TCP connection is up; the caller makes a session of it. */
  onConnected: (socket: Socket) => void
  /** Connect timeout, ms; default maxMs capped at 30 s. */
  connectTimeoutMs?: number
}

/** The delay before attempt `n` (0-based) of the backoff, before jitter. */
export function backoffDelay (attempt: number, minMs: number, maxMs: number): number {
  return Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30))
}

export class Connector {
  private readonly options: ConnectorOptions
  private attempt = 0
  private timer: NodeJS.Timeout | undefined
  private pending: Socket | undefined
  private stopped = true

  constructor (options: ConnectorOptions) {
    this.options = options
  }

  /** Start connecting now. */
  start (): void {
    this.stopped = false
    this.attempt = 0
    this.schedule(0)
  }

  stop (): void {
    this.stopped = true
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    this.pending?.destroy()
    this.pending = undefined
  }

  /** A session reached Established: the next retry starts from the shortest delay again. */
  reset (): void {
    this.attempt = 0
  }

  /** Try again after the current backoff delay (a session ended, or an attempt failed). */
  retry (): void {
    if (this.stopped || this.timer !== undefined || this.pending !== undefined) return
    const base = backoffDelay(this.attempt, this.options.minMs, this.options.maxMs)
    this.attempt++
    this.schedule(Math.round(base * (0.75 + Math.random() * 0.25)))
  }

  private schedule (ms: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = setTimeout(() => { this.timer = undefined; this.connectNow() }, ms)
  }

  private connectNow (): void {
    if (this.stopped) return
    const { host, port, localAddress, logger } = this.options
    const socket = connect({ host, port, localAddress, timeout: this.options.connectTimeoutMs ?? Math.min(this.options.maxMs, 30_000) })
    this.pending = socket
    const fail = (why: string): void => {
      if (this.pending !== socket) return
      this.pending = undefined
      socket.destroy()
      logger.debug({ peer: host, port, why }, 'connect failed')
      this.retry()
    }
    socket.once('timeout', () => { fail('timeout') })
    socket.once('error', (err) => { fail(err.message) })
    socket.once('connect', () => {
      if (this.pending !== socket) return
      this.pending = undefined
      socket.setTimeout(0)
      socket.removeAllListeners('timeout')
      socket.removeAllListeners('error')
      this.options.onConnected(socket)
    })
  }
}
