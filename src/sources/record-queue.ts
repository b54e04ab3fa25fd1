// A bounded FIFO between a record source (BGP collector, BMP station) and whoever consumes the
// records. The policy, in order:
//   1. Backpressure: once `length` reaches `highWaterMark`, `aboveHighWaterMark` is true and
//      sources that can (TCP sessions) stop reading their sockets; `onDrain` listeners run once
//      the queue is back down to `lowWaterMark`, and the sources read again.
//   2. Drop: a push when `length` is already `capacity` drops the record. Drops are counted
//      (`stats.dropped`) and logged as a summary at most once per `logIntervalMs`, never silently
//      and never once per record.
// The queue never holds more than `capacity` records, whatever the sources and consumers do.
import { BoundedQueue } from '../bus/bounded-queue.ts'
import type { Logger } from '../log.ts'

export interface RecordQueueOptions {
  /** Records held at most; further pushes are dropped. Default 100000. */
  capacity?: number
  /** Length at which sources are asked to pause. Default capacity / 4. */
  highWaterMark?: number
  /** Length at which paused sources are told to resume. Default highWaterMark / 2. */
  lowWaterMark?: number
  /** Name in log lines. */
  name?: string
  logger?: Logger
  /** Shortest time between two drop summaries. Default 10000 ms. */
  logIntervalMs?: number
}

export interface RecordQueueStats {
  pushed: number
  dropped: number
  /** Largest length seen. */
  peak: number
}

export class RecordQueue<T> {
  readonly capacity: number
  readonly highWaterMark: number
  readonly lowWaterMark: number
  readonly stats: RecordQueueStats = { pushed: 0, dropped: 0, peak: 0 }
  private readonly name: string
  private readonly logger: Logger | undefined
  private readonly logIntervalMs: number
  private readonly items: BoundedQueue<T>
  private above = false
  private readonly drainListeners = new Set<() => void>()
  private waiter: (() => void) | undefined
  private closed = false
  private droppedSinceLog = 0
  private lastLog = 0
  private logTimer: NodeJS.Timeout | undefined

  constructor (options: RecordQueueOptions = {}) {
    this.capacity = options.capacity ?? 100_000
    if (!Number.isInteger(this.capacity) || this.capacity < 1) throw new RangeError('capacity must be a positive integer')
    this.highWaterMark = Math.max(1, Math.min(this.capacity, options.highWaterMark ?? Math.ceil(this.capacity / 4)))
    this.lowWaterMark = Math.min(this.highWaterMark - 1, options.lowWaterMark ?? Math.floor(this.highWaterMark / 2))
    this.name = options.name ?? 'records'
    this.logger = options.logger
    this.logIntervalMs = options.logIntervalMs ?? 10_000
    this.items = new BoundedQueue<T>(this.capacity)
  }

  get length (): number {
    return this.items.length
  }

  /** True from the moment the length reaches the high-water mark until it falls to the low one. */
  get aboveHighWaterMark (): boolean {
    return this.above
  }

  /** Add a record; false when it was dropped because the queue is full (or closed). */
  push (item: T): boolean {
    if (this.closed || !this.items.push(item)) {
      this.countDrop()
      return false
    }
    const size = this.items.length
    this.stats.pushed++
    if (size > this.stats.peak) this.stats.peak = size
    if (size >= this.highWaterMark) this.above = true
    const waiter = this.waiter
    if (waiter !== undefined) {
      this.waiter = undefined
      waiter()
    }
    return true
  }

  /** Take the oldest record, or undefined when empty. */
  shift (): T | undefined {
    const item = this.items.shift()
    if (item === undefined) return undefined
    if (this.above && this.items.length <= this.lowWaterMark) {
      this.above = false
      for (const listener of [...this.drainListeners]) listener()
    }
    return item
  }

  /** Call `listener` each time the queue falls back to the low-water mark. Returns the remover. */
  onDrain (listener: () => void): () => void {
    this.drainListeners.add(listener)
    return () => { this.drainListeners.delete(listener) }
  }

  /** Resolves when a record is there (at once if one is), or when the queue is closed. */
  wait (): Promise<void> {
    if (this.items.length > 0 || this.closed) return Promise.resolve()
    return new Promise((resolve) => {
      const previous = this.waiter
      this.waiter = () => { previous?.(); resolve() }
    })
  }

  /** No more pushes are accepted; consumers get what is left, then the iteration ends. */
  close (): void {
    this.closed = true
    const waiter = this.waiter
    this.waiter = undefined
    waiter?.()
    this.flushDropLog()
  }

  get isClosed (): boolean {
    return this.closed
  }

  async * [Symbol.asyncIterator] (): AsyncGenerator<T> {
    for (;;) {
      const item = this.shift()
      if (item !== undefined) {
        yield item
        continue
      }
      if (this.closed) return
      await this.wait()
    }
  }

  private countDrop (): void {
    this.stats.dropped++
    this.droppedSinceLog++
    const now = Date.now()
    if (now - this.lastLog >= this.logIntervalMs) {
      this.flushDropLog()
    } else if (this.logTimer === undefined) {
      // The summary of this burst is written when the interval is over, even if no drop follows.
      this.logTimer = setTimeout(() => { this.logTimer = undefined; this.flushDropLog() }, this.logIntervalMs - (now - this.lastLog))
      this.logTimer.unref()
    }
  }

  private flushDropLog (): void {
    if (this.logTimer !== undefined) {
      clearTimeout(this.logTimer)
      this.logTimer = undefined
    }
    if (this.droppedSinceLog === 0) return
    this.logger?.warn({ queue: this.name, dropped: this.droppedSinceLog, droppedTotal: this.stats.dropped, capacity: this.capacity },
      'record queue full: records dropped')
    this.droppedSinceLog = 0
    this.lastLog = Date.now()
  }
}
