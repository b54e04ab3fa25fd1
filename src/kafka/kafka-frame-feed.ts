// The frame feed of the `gateway` role: a session reads its key's topic, where the frame at offset
// N is seq N + 1 (key-topic-writer.ts). So `since` is an offset, and a client resumes from Kafka
// whichever gateway it reconnects to, with no gap and no duplicate while the frames are retained;
// past retention a gap frame says what is gone, as in `serve`.
//
// One fetch loop per broker polls the partitions of every open session that broker leads, in one
// request. A session is polled only while fewer than `maxBacklogBytes` of its frames wait behind
// its socket: a slow client falls behind in Kafka, not in this process's memory, and is never
// dropped for being slow (at worst its frames age out of retention and it gets a gap frame).
import type { FeedSink, FrameFeed } from '../gateway/frame-feed.ts'
import { gapFrame } from '../gateway/control-frames.ts'
import type { GapReason } from '../gateway/control-frames.ts'
import type { Logger } from '../log.ts'
import { withSeq } from '../matcher/delivery-log.ts'
import type { ServiceMetrics } from '../service/service-metrics.ts'
import type { KafkaSettings } from './kafka-settings.ts'
import { isStaleLeader, KafkaErrors } from './partition-reader.ts'
import type { PartitionReader, PartitionResult } from './partition-reader.ts'
import { keyTopic } from './topics.ts'
import type { TopicAdmin } from './topics.ts'

export interface KafkaFrameFeedOptions {
  settings: KafkaSettings
  reader: PartitionReader
  admin: TopicAdmin
  logger: Logger
  metrics?: ServiceMetrics
  /** Longest wait of one fetch; default 200 ms (a new session's first poll waits at most this). */
  maxWaitMs?: number
  /**
   * Least time between the starts of two fetches to one broker; default 25 ms. Under load a fetch
   * comes back at once with the few frames written since the last one: each fetch costs the
   * broker a pass over every followed partition, so fetching less often, with more in each,
   * leaves it the CPU to take the matchers' writes (a frame waits at most this much longer).
   */
  fetchIntervalMs?: number
  /** A session is not polled while this many octets wait in it; default 1 MiB. */
  maxBacklogBytes?: number
  /** Octets fetched per partition per request; default 512 KiB. */
  partitionMaxBytes?: number
}

interface Subscription {
  topic: string
  sink: FeedSink
  since: number | undefined
  /** Offset of the next frame this session gets. */
  next: bigint
  closed: boolean
}

export class KafkaFrameFeed implements FrameFeed {
  private readonly settings: KafkaSettings
  private readonly reader: PartitionReader
  private readonly admin: TopicAdmin
  private readonly logger: Logger
  private readonly metrics: ServiceMetrics | undefined
  private readonly maxWaitMs: number
  private readonly fetchIntervalMs: number
  private readonly maxBacklogBytes: number
  private readonly partitionMaxBytes: number
  private readonly byTopic = new Map<string, Set<Subscription>>()
  /** Leader of each followed topic; topics without one are being located. */
  private readonly leaders = new Map<string, number>()
  private readonly loops = new Map<number, Promise<void>>()
  private readonly relocating = new Set<string>()
  private readonly checkingRange = new Set<string>()
  private stopped = false
  private lastErrorLog = 0

  constructor (options: KafkaFrameFeedOptions) {
    this.settings = options.settings
    this.reader = options.reader
    this.admin = options.admin
    this.logger = options.logger
    this.metrics = options.metrics
    this.maxWaitMs = options.maxWaitMs ?? 200
    this.fetchIntervalMs = options.fetchIntervalMs ?? 25
    this.maxBacklogBytes = options.maxBacklogBytes ?? 1024 * 1024
    this.partitionMaxBytes = options.partitionMaxBytes ?? 512 * 1024
  }

  get sessions (): number {
    let n = 0
    for (const s of this.byTopic.values()) n += s.size
    return n
  }

  async subscribe (keyId: string, sink: FeedSink, since: number | undefined): Promise<() => void> {
    const topic = keyTopic(this.settings, keyId)
    await this.admin.ensureKey(keyId)
    const location = await this.reader.locate(topic)
    const { start, end } = await this.reader.bounds(topic)
    const sub: Subscription = { topic, sink, since, next: end, closed: false }
    if (since !== undefined) {
      const asked = BigInt(since)
      if (asked > end) this.gap(sub, 'reset', start, end)
      else if (asked < start) this.gap(sub, 'too_old', start, end)
      else sub.next = asked
    }
    let set = this.byTopic.get(topic)
    if (set === undefined) {
      set = new Set()
      this.byTopic.set(topic, set)
    }
    set.add(sub)
    if (!this.leaders.has(topic)) this.leaders.set(topic, location.leader)
    this.ensureLoop(this.leaders.get(topic) ?? location.leader)
    return () => {
      sub.closed = true
      const s = this.byTopic.get(topic)
      if (s === undefined) return
      s.delete(sub)
      if (s.size === 0) {
        this.byTopic.delete(topic)
        this.leaders.delete(topic)
      }
    }
  }

  /** Stop polling; sessions get nothing more from this feed. */
  async stop (): Promise<void> {
    this.stopped = true
    await Promise.all([...this.loops.values()])
  }

  /**
   * Frames `start + 1 ..` follow instead of what was asked: say so, and start there. `since` is
   * the last seq the session has: the one asked for at first, then the last one delivered.
   */
  private gap (sub: Subscription, reason: GapReason, start: bigint, end: bigint, since = sub.since ?? 0): void {
    sub.sink.sendControl(gapFrame(reason, since, Number(start) + 1, Number(end)))
    this.metrics?.resumeGaps.inc({ reason })
    sub.next = start
  }

  private ensureLoop (node: number): void {
    if (this.loops.has(node) || this.stopped) return
    const loop = this.poll(node).finally(() => {
      this.loops.delete(node)
      // Topics that moved here while the loop was ending.
      if (!this.stopped && [...this.leaders.values()].includes(node)) this.ensureLoop(node)
    })
    this.loops.set(node, loop)
  }

  private async poll (node: number): Promise<void> {
    let failures = 0
    let lastFetch = -Infinity
    while (!this.stopped) {
      const parts = []
      let led = 0
      for (const [topic, leader] of this.leaders) {
        if (leader !== node) continue
        led++
        const subs = this.byTopic.get(topic)
        if (subs === undefined) continue
        let offset: bigint | undefined
        for (const s of subs) {
          if (s.closed || s.sink.backlogBytes >= this.maxBacklogBytes) continue
          if (offset === undefined || s.next < offset) offset = s.next
        }
        if (offset !== undefined) parts.push({ topic, offset, maxBytes: this.partitionMaxBytes })
      }
      if (led === 0) return
      if (parts.length === 0) {
        await sleep(10)
        continue
      }
      let results: PartitionResult[]
      const wait = lastFetch + this.fetchIntervalMs - performance.now()
      if (wait > 0) await sleep(wait)
      lastFetch = performance.now()
      try {
        results = await this.reader.fetch(node, parts, this.maxWaitMs)
        failures = 0
      } catch (error) {
        failures++
        this.logError(error, node, parts.length)
        // The broker may be gone: find each topic's leader again.
        for (const p of parts) this.relocate(p.topic)
        await sleep(Math.min(2_000, 50 * 2 ** Math.min(failures, 6)))
        continue
      }
      for (const r of results) this.take(r)
    }
  }

  private take (result: PartitionResult): void {
    const subs = this.byTopic.get(result.topic)
    if (subs === undefined) return
    if (result.errorCode === KafkaErrors.OFFSET_OUT_OF_RANGE) {
      // The answer carries no offsets (-1): ask where the topic starts and ends now.
      this.outOfRange(result.topic)
      return
    }
    if (result.errorCode !== 0) {
      if (isStaleLeader(result.errorCode)) this.relocate(result.topic)
      return
    }
    // A session whose backlog is full takes nothing now (even when another session of the key
    // made this fetch): it is fetched from its own next offset once it has room.
    const open = [...subs].filter((s) => !s.closed && s.sink.backlogBytes < this.maxBacklogBytes)
    const now = Date.now()
    for (const r of result.records) {
      if (r.value === null || r.value.length < 2) continue
      this.metrics?.kafkaStageDelay.observe({ stage: 'fetched' }, Math.max(0, now - r.timestamp) / 1000)
      const seq = Number(r.offset) + 1
      let bytes: Buffer | undefined
      for (const s of open) {
        if (r.offset !== s.next) continue
        bytes ??= withSeq(seq, r.value)
        s.next = r.offset + 1n
        s.sink.deliver({ seq, bytes }, true)
      }
    }
  }

  /** Sessions of the topic whose next offset is out of its range: frames aged out, or the topic was recreated. */
  private outOfRange (topic: string): void {
    if (this.checkingRange.has(topic)) return
    this.checkingRange.add(topic)
    this.reader.bounds(topic).then(({ start, end }) => {
      for (const s of this.byTopic.get(topic) ?? []) {
        if (s.closed) continue
        if (s.next < start) this.gap(s, 'too_old', start, end, Number(s.next))
        else if (s.next > end) this.gap(s, 'reset', start, end, Number(s.next))
      }
    }, (error: unknown) => {
      this.logError(error, -1, 1)
    }).finally(() => { this.checkingRange.delete(topic) })
  }

  /** Find the topic's leader again (it moved, or its broker is gone) and poll it there. */
  private relocate (topic: string): void {
    if (this.relocating.has(topic)) return
    this.relocating.add(topic)
    this.leaders.set(topic, -1)
    this.reader.forget(topic)
    const attempt = async (n: number): Promise<void> => {
      if (this.stopped || !this.byTopic.has(topic)) return
      try {
        const location = await this.reader.locate(topic, true)
        if (!this.byTopic.has(topic)) return
        this.leaders.set(topic, location.leader)
        this.ensureLoop(location.leader)
      } catch {
        await sleep(Math.min(2_000, 100 * 2 ** Math.min(n, 5)))
        await attempt(n + 1)
      }
    }
    attempt(0).finally(() => { this.relocating.delete(topic) }).catch(() => {})
  }

  private logError (error: unknown, node: number, partitions: number): void {
    const now = Date.now()
    if (now - this.lastErrorLog < 10_000) return
    this.lastErrorLog = now
    this.logger.warn({ err: error, node, partitions }, 'cannot fetch the keys\' frames from a broker: finding the leaders again')
  }
}

async function sleep (ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms))
}
