// The live service's core: records from the bus go through the matcher, each key's frames are
// numbered in its delivery log and pushed to the key's open sessions. It keeps the matcher in
// step with the store: every association is loaded at start, a prefix change (API) is applied at
// once, and the 4-hour rule (store.expireIdle, run every `expiryIntervalMs`) clears the prefixes of
// keys nobody used. Sessions themselves (websocket, leases) belong to the gateway; here they are
// sinks registered per key.
import type { Bus, BusSubscription } from '../bus/bus.ts'
import type { Logger } from '../log.ts'
import { DeliveryLog } from '../matcher/delivery-log.ts'
import type { LoggedFrame, SinceResult } from '../matcher/delivery-log.ts'
import { Matcher } from '../matcher/matcher.ts'
import type { BgpRecord } from '../record/types.ts'
import type { Store } from '../store/types.ts'
import type { FrameBatch } from './ingest/frame-batch.ts'
import type { ServiceMetrics } from './service-metrics.ts'

/** Where a key's frames go: one open session. */
export interface FrameSink {
  /** A newly logged frame of the sink's key. Must not throw nor block. */
  deliver (frame: LoggedFrame): void
}

export interface LiveServiceOptions {
  store: Store
  bus: Bus
  logger: Logger
  metrics?: ServiceMetrics
  matcher?: Matcher
  deliveryLog?: DeliveryLog
  /** The clock; tests inject one. Default `() => new Date()`. */
  now?: () => Date
  /** How often the 4-hour rule runs; default 60 s. 0 disables the timer (call runExpiry yourself). */
  expiryIntervalMs?: number
  /**
   * Told every change of a key's prefixes in this service's matcher (set, cleared by expiry,
   * changed by another process), after it is made: `serve`'s ingest thread keeps its matcher in
   * step with it.
   */
  onPrefixesApplied?: (keyId: string, prefixes: readonly string[]) => void
}

export const DEFAULT_EXPIRY_INTERVAL_MS = 60_000

export class LiveService {
  readonly store: Store
  readonly bus: Bus
  readonly matcher: Matcher
  readonly deliveryLog: DeliveryLog
  readonly now: () => Date
  private readonly logger: Logger
  private readonly metrics: ServiceMetrics | undefined
  private readonly expiryIntervalMs: number
  private readonly onPrefixesApplied: ((keyId: string, prefixes: readonly string[]) => void) | undefined
  private readonly sinks = new Map<string, Set<FrameSink>>()
  private subscription: BusSubscription | undefined
  private expiryTimer: NodeJS.Timeout | undefined
  private expiring: Promise<void> | undefined
  private started = false

  constructor (options: LiveServiceOptions) {
    this.store = options.store
    this.bus = options.bus
    this.logger = options.logger
    this.metrics = options.metrics
    // The store enforces each key's own limit; the matcher must take any list the store holds.
    this.matcher = options.matcher ?? new Matcher({ maxPrefixesPerKey: 100_000 })
    this.deliveryLog = options.deliveryLog ?? new DeliveryLog()
    this.now = options.now ?? (() => new Date())
    this.expiryIntervalMs = options.expiryIntervalMs ?? DEFAULT_EXPIRY_INTERVAL_MS
    this.onPrefixesApplied = options.onPrefixesApplied
  }

  /** Load every association, subscribe to the bus, start the expiry timer. */
  async start (): Promise<void> {
    if (this.started) return
    this.started = true
    const associations = await this.store.listAssociations()
    for (const a of associations) this.applyPrefixes(a.keyId, a.prefixes)
    this.logger.info({ keys: associations.length, associations: this.matcher.stats.associations }, 'associations loaded')
    this.subscription = this.bus.subscribe((delivery) => { this.handle(delivery.record) }, {
      group: 'matcher',
      onError: (error) => { this.logger.error({ err: error }, 'record handling failed') }
    })
    if (this.expiryIntervalMs > 0) {
      this.expiryTimer = setInterval(() => { this.runExpiry().then(async () => { await this.resync() }).catch(() => {}) }, this.expiryIntervalMs)
      this.expiryTimer.unref()
    }
  }

  /**
   * Let the bus deliver everything published so far, then stop taking records and the expiry
   * timer. The bus itself is closed by whoever owns it (before this, to refuse new records).
   */
  async stop (): Promise<void> {
    if (this.expiryTimer !== undefined) clearInterval(this.expiryTimer)
    this.expiryTimer = undefined
    await this.bus.flush()
    await this.expiring
    await this.subscription?.unsubscribe()
    this.subscription = undefined
  }

  /** The key's prefix list changed in the store (API call, expiry): apply it at once. */
  setKeyPrefixes (keyId: string, prefixes: readonly string[]): void {
    this.applyPrefixes(keyId, prefixes)
  }

  /** Apply the key's stored list if the matcher's differs (a change made by another process). Returns whether it did. */
  ensureKeyPrefixes (keyId: string, prefixes: readonly string[]): boolean {
    if (this.matcher.keyPrefixes(keyId).join(',') === prefixes.join(',')) return false
    this.applyPrefixes(keyId, prefixes)
    return true
  }

  /**
   * Bring the matcher in line with the store: changes made by other processes (the keys CLI,
   * other instances on the same PostgreSQL database) are picked up here, on the expiry timer.
   * Returns the number of keys changed.
   */
  async resync (): Promise<number> {
    let changed = 0
    try {
      const stored = await this.store.listAssociations()
      const seen = new Set<string>()
      for (const a of stored) {
        seen.add(a.keyId)
        if (this.ensureKeyPrefixes(a.keyId, a.prefixes)) changed++
      }
      for (const keyId of [...this.matcher.keyIds()]) {
        if (seen.has(keyId)) continue
        this.removeKey(keyId)
        changed++
      }
      if (changed > 0) this.logger.info({ keys: changed }, 'prefix lists changed in the store by another process: applied')
    } catch (error) {
      this.logger.error({ err: error }, 'cannot read the associations from the store')
    }
    return changed
  }

  /** Match one record and deliver its frames (the bus handler; public for replays and tests). */
  handle (record: BgpRecord): void {
    const started = process.hrtime.bigint()
    const frames = this.matcher.match(record)
    const out: Array<[string, LoggedFrame]> = []
    for (const { keyId, text } of frames) out.push([keyId, this.deliveryLog.append(keyId, text)])
    if (this.metrics !== undefined) {
      this.metrics.matchSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9)
      this.metrics.records.inc({ source: record.source })
      if (frames.length > 0) this.metrics.framesMatched.inc(frames.length)
    }
    for (const [keyId, logged] of out) this.deliver(keyId, logged)
  }

  /**
   * Frames matched elsewhere (`serve`'s ingest thread), in match order: number, keep and deliver
   * them as `handle` does its own.
   */
  deliverFrames (frames: FrameBatch): void {
    const out: Array<[string, LoggedFrame]> = []
    const octets = Buffer.from(frames.octets.buffer, frames.octets.byteOffset, frames.octets.byteLength)
    let start = 0
    for (let i = 0; i < frames.keys.length; i++) {
      const end = frames.ends[i]
      out.push([frames.keys[i], this.deliveryLog.appendOctets(frames.keys[i], octets, start, end)])
      start = end
    }
    if (out.length > 0) this.metrics?.framesMatched.inc(out.length)
    for (const [keyId, logged] of out) this.deliver(keyId, logged)
  }

  /**
   * Register a session's sink for the key's frames and, in the same turn of the event loop (so no
   * frame can fall between), answer its resume request: the frames after `since`, or why they
   * cannot be had. Without `since` only live frames follow. Returns the detach function.
   */
  attach (keyId: string, sink: FrameSink, since?: number): { detach: () => void, resume: SinceResult | undefined } {
    const resume = since === undefined ? undefined : this.deliveryLog.since(keyId, since)
    let set = this.sinks.get(keyId)
    if (set === undefined) {
      set = new Set()
      this.sinks.set(keyId, set)
    }
    set.add(sink)
    const detach = (): void => {
      const s = this.sinks.get(keyId)
      if (s === undefined) return
      s.delete(sink)
      if (s.size === 0) this.sinks.delete(keyId)
    }
    return { detach, resume }
  }

  /** Number of sinks (open sessions) of a key. */
  sinkCount (keyId: string): number {
    return this.sinks.get(keyId)?.size ?? 0
  }

  /** The 4-hour rule, once: clear the matcher's copy of every association the store let lapse. */
  async runExpiry (): Promise<number> {
    if (this.expiring !== undefined) {
      await this.expiring
      return 0
    }
    let count = 0
    this.expiring = (async () => {
      try {
        const lapsed = await this.store.expireIdle(this.now())
        for (const a of lapsed) {
          this.removeKey(a.keyId)
          this.logger.info({ keyId: a.keyId, prefixes: a.prefixes.length, idleSince: a.idleSince.toISOString() }, 'key unused for the idle timeout: prefixes cleared')
        }
        count = lapsed.length
        this.metrics?.keysExpired.inc(count)
      } catch (error) {
        this.logger.error({ err: error }, 'idle expiry failed')
      }
    })()
    try {
      await this.expiring
    } finally {
      this.expiring = undefined
    }
    return count
  }

  private deliver (keyId: string, logged: LoggedFrame): void {
    const sinks = this.sinks.get(keyId)
    if (sinks === undefined) return
    for (const sink of sinks) sink.deliver(logged)
  }

  private removeKey (keyId: string): void {
    this.matcher.removeKey(keyId)
    this.onPrefixesApplied?.(keyId, [])
  }

  private applyPrefixes (keyId: string, prefixes: readonly string[]): void {
    try {
      const stored = this.matcher.setKeyPrefixes(keyId, prefixes)
      this.onPrefixesApplied?.(keyId, stored)
    } catch (error) {
      // The store checked the list already; a refusal here is a bug, never the user's input.
      this.logger.error({ err: error, keyId }, 'matcher refused a stored prefix list')
    }
  }
}
