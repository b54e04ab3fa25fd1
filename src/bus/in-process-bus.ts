// The bus of the single-process `serve`: each subscription has its own bounded queue, fed by
// publish and drained by its own loop, one record at a time, in publish order (so per vantage
// point too). Delivery is never synchronous inside publish. A full queue drops the record for that
// subscription only, and counts it; a slow subscriber never blocks a fast one. The loop yields to
// the event loop every `batch` records, or sooner once it has run for `sliceMs`, so that a flood
// of records (or a slow handler) does not starve I/O: socket reads, writes, timers.

import type { BgpRecord } from '../record/types.ts'
import { BoundedQueue } from './bounded-queue.ts'
import { partitionKey } from './bus.ts'
import type { Bus, BusDelivery, BusHandler, BusStats, BusSubscription, SubscribeOptions, SubscriptionStats } from './bus.ts'

export interface InProcessBusOptions {
  /** Default queue bound of a subscription (records); default 65,536. */
  maxQueued?: number
  /** Records handled before the loop yields to the event loop; default 1,024. */
  batch?: number
  /** Time (ms) the loop may run before it yields to the event loop, whatever the batch; default 2. */
  sliceMs?: number
}

const DEFAULT_MAX_QUEUED = 65_536
const DEFAULT_BATCH = 1024
const DEFAULT_SLICE_MS = 2

class Delivery implements BusDelivery {
  readonly record: BgpRecord
  readonly key: string
  readonly offset: number
  private readonly owner: Subscription
  private acked = false

  constructor (record: BgpRecord, key: string, offset: number, owner: Subscription) {
    this.record = record
    this.key = key
    this.offset = offset
    this.owner = owner
  }

  ack (): void {
    if (this.acked) return
    this.acked = true
    this.owner.acknowledged()
  }
}

class Subscription implements BusSubscription {
  readonly group: string
  private readonly bus: InProcessBus
  private readonly handler: BusHandler
  private readonly manual: boolean
  private readonly onError: SubscribeOptions['onError']
  private readonly queue: BoundedQueue<Delivery>
  private readonly batch: number
  private readonly sliceMs: number
  private running = false
  private stopped = false
  private delivered = 0
  private acked = 0
  private dropped = 0
  private handlerErrors = 0
  private runDone: Promise<void> = Promise.resolve()

  constructor (bus: InProcessBus, handler: BusHandler, options: SubscribeOptions, maxQueued: number, batch: number, sliceMs: number) {
    this.bus = bus
    this.handler = handler
    this.group = options.group ?? 'default'
    this.manual = options.ack === 'manual'
    this.onError = options.onError
    this.queue = new BoundedQueue(options.maxQueued ?? maxQueued)
    this.batch = batch
    this.sliceMs = sliceMs
  }

  get stats (): SubscriptionStats {
    return {
      group: this.group,
      delivered: this.delivered,
      acked: this.acked,
      dropped: this.dropped,
      queued: this.queue.length,
      handlerErrors: this.handlerErrors
    }
  }

  get full (): boolean {
    return this.queue.full
  }

  /** Nothing queued, nothing running, everything delivered acknowledged. */
  get idle (): boolean {
    return this.stopped || (this.queue.length === 0 && !this.running && this.acked === this.delivered)
  }

  offer (record: BgpRecord, key: string, offset: number): boolean {
    if (this.stopped) return true
    if (!this.queue.push(new Delivery(record, key, offset, this))) {
      this.dropped++
      return false
    }
    if (!this.running) {
      this.running = true
      this.runDone = new Promise((resolve) => setImmediate(() => { this.run().then(resolve, resolve) }))
    }
    return true
  }

  acknowledged (): void {
    this.acked++
    this.bus.changed()
  }

  async unsubscribe (): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    this.dropped += this.queue.length
    this.queue.clear()
    await this.runDone
    this.bus.detach(this)
  }

  private async run (): Promise<void> {
    let n = 0
    let sliceEnd = performance.now() + this.sliceMs
    try {
      while (!this.stopped) {
        const delivery = this.queue.shift()
        if (delivery === undefined) break
        this.bus.changed()
        this.delivered++
        try {
          const result = this.handler(delivery)
          if (result !== undefined) await result
        } catch (error) {
          this.handlerErrors++
          this.report(error, delivery)
        }
        if (!this.manual) delivery.ack()
        if (++n >= this.batch || performance.now() >= sliceEnd) {
          await new Promise<void>((resolve) => setImmediate(resolve))
          n = 0
          sliceEnd = performance.now() + this.sliceMs
        }
      }
    } finally {
      this.running = false
      this.bus.changed()
    }
  }

  /** Hand a handler error to onError; an onError that throws must not stop the loop (it is counted already). */
  private report (error: unknown, delivery: BusDelivery): void {
    try {
      this.onError?.(error, delivery)
    } catch {}
  }
}

export class InProcessBus implements Bus {
  private readonly maxQueued: number
  private readonly batch: number
  private readonly sliceMs: number
  private readonly subscriptions = new Set<Subscription>()
  private offset = 0
  private dropped = 0
  private rejectedClosed = 0
  private closed = false
  /** Waiters of writable() and flush(), re-checked whenever a queue moves. */
  private waiters: Array<{ ready: () => boolean, resolve: () => void }> = []

  constructor (options: InProcessBusOptions = {}) {
    this.maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED
    this.batch = options.batch ?? DEFAULT_BATCH
    this.sliceMs = options.sliceMs ?? DEFAULT_SLICE_MS
    if (!(this.batch >= 1 && this.sliceMs >= 0)) throw new RangeError('bus batch must be >= 1 and sliceMs >= 0')
  }

  get stats (): BusStats {
    return {
      published: this.offset,
      dropped: this.dropped,
      rejectedClosed: this.rejectedClosed,
      subscriptions: [...this.subscriptions].map((s) => s.stats)
    }
  }

  publish (record: BgpRecord): boolean {
    if (this.closed) {
      this.rejectedClosed++
      return false
    }
    const offset = this.offset++
    const key = partitionKey(record)
    let ok = true
    for (const sub of this.subscriptions) if (!sub.offer(record, key, offset)) ok = false
    if (!ok) this.dropped++
    return ok
  }

  writable (): Promise<void> {
    return this.wait(() => this.closed || ![...this.subscriptions].some((s) => s.full))
  }

  subscribe (handler: BusHandler, options: SubscribeOptions = {}): BusSubscription {
    if (this.closed) throw new Error('bus is closed')
    const sub = new Subscription(this, handler, options, this.maxQueued, this.batch, this.sliceMs)
    this.subscriptions.add(sub)
    return sub
  }

  flush (): Promise<void> {
    return this.wait(() => [...this.subscriptions].every((s) => s.idle))
  }

  async close (): Promise<void> {
    this.closed = true
    this.changed()
    await this.flush()
    for (const sub of [...this.subscriptions]) await sub.unsubscribe()
  }

  /** @internal A queue moved or a record was acknowledged: wake the waiters whose condition holds. */
  changed (): void {
    if (this.waiters.length === 0) return
    const still: typeof this.waiters = []
    for (const w of this.waiters) {
      if (w.ready()) w.resolve()
      else still.push(w)
    }
    this.waiters = still
  }

  /** @internal */
  detach (sub: Subscription): void {
    this.subscriptions.delete(sub)
    this.changed()
  }

  private wait (ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve()
    return new Promise((resolve) => { this.waiters.push({ ready, resolve }) })
  }
}
