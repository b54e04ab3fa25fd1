// The frame feed of the `gateway` role: a session reads its key's topic, where the frame at offset
// N is seq N + 1 (key-topic-writer.ts). So `since` is an offset, and a client resumes from Kafka
// whichever gateway it reconnects to, with no gap and no duplicate while the frames are retained;
// past retention a gap frame says what is gone, as in `serve`.
//
// With `notices` (the gateway role), the matchers' notices on the written topic (written-notices.ts)
// carry the frames just written and where each key's topic now ends: a session whose next frame
// is the first of those takes them from the notice. One fetch loop per broker fetches, in one
// request, the partitions that broker leads of the sessions still short of a noticed end (behind,
// held back by their backlog, or the notice carried no frames), plus every session's topic once
// per `sweepIntervalMs` (what a lost notice would leave). Without notices, every session's topic
// at every fetch (the sweep at each `fetchIntervalMs`, each fetch waiting at the broker for new
// frames). Notices spare the broker most of the work: each fetch costs it a look at every
// partition named, and a gateway with a thousand sessions fetching all of them 40 times a second
// took nearly half of a broker's CPU (docs/benchmarks.md, stops 16 and 17).
//
// A session is fetched for only while fewer than `maxBacklogBytes` of its frames wait behind its
// socket: a slow client falls behind in Kafka, not in this process's memory, and is never dropped
// for being slow (at worst its frames age out of retention and it gets a gap frame).
import type { FeedSink, FrameFeed } from '../gateway/frame-feed.ts'
import { gapFrame } from '../gateway/control-frames.ts'
import type { GapReason } from '../gateway/control-frames.ts'
import type { Logger } from '../log.ts'
import { withSeq } from '../matcher/delivery-log.ts'
import type { ServiceMetrics } from '../service/service-metrics.ts'
import type { KafkaSettings } from './kafka-settings.ts'
import { isStaleLeader, KafkaErrors } from './partition-reader.ts'
import type { FetchedRecord, PartitionReader, PartitionResult } from './partition-reader.ts'
import { TopicFollower } from './topic-follower.ts'
import { keyTopic, writtenTopic } from './topics.ts'
import type { TopicAdmin } from './topics.ts'
import { parseNotice } from './written-notices.ts'

export interface KafkaFrameFeedOptions {
  settings: KafkaSettings
  reader: PartitionReader
  admin: TopicAdmin
  logger: Logger
  metrics?: ServiceMetrics
  /**
   * A reader of its own for following the written topic (its fetches wait at the broker): fetch
   * the topics the notices name. Without it every session's topic is fetched at every fetch.
   */
  notices?: PartitionReader
  /** With notices: how often every session's topic is fetched all the same; default 1,000 ms. */
  sweepIntervalMs?: number
  /** Without notices: longest wait of one fetch at the broker; default 200 ms. */
  maxWaitMs?: number
  /**
   * Least time between the starts of two fetches to one broker; default 5 ms with notices, 25 ms
   * without. Without notices, a fetch under load comes back at once with the few frames written
   * since the last one, and each costs the broker a pass over every session's partition: fetching
   * less often, with more in each, leaves it the CPU to take the matchers' writes.
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
  private readonly sweepIntervalMs: number
  private readonly follower: TopicFollower | undefined
  /** Topics a notice says end past what some session of them has: the end noticed. */
  private readonly noticed = new Map<string, bigint>()
  /** The idle fetch loops' wake-ups, by broker. */
  private readonly wakers = new Map<number, () => void>()
  private readonly counts = { notices: 0, noticedFrames: 0, sweeps: 0, sweptFrames: 0 }
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
    this.fetchIntervalMs = options.fetchIntervalMs ?? (options.notices === undefined ? 25 : 5)
    this.sweepIntervalMs = options.notices === undefined ? this.fetchIntervalMs : options.sweepIntervalMs ?? 1_000
    // With notices a fetch is for frames known to be there: it need not wait at the broker (and a
    // waiting fetch would hold up the next, fetches to one broker taking turns).
    this.maxWaitMs = options.notices === undefined ? options.maxWaitMs ?? 200 : 0
    if (options.notices !== undefined) {
      this.follower = new TopicFollower({
        reader: options.notices,
        topic: writtenTopic(this.settings),
        logger: this.logger,
        from: 'end',
        what: 'the matchers\' notices (the written topic): sessions get their frames at the next sweep',
        onRecords: (records) => { this.takeNotices(records) }
      })
    }
    this.maxBacklogBytes = options.maxBacklogBytes ?? 1024 * 1024
    this.partitionMaxBytes = options.partitionMaxBytes ?? 512 * 1024
  }

  /** Notices read, and the frames from them sessions took; fetches of every session's topic, and frames that only such a fetch found. */
  get stats (): { notices: number, noticedFrames: number, sweeps: number, sweptFrames: number } {
    return { ...this.counts }
  }

  /** Follow the matchers' notices (with `notices`); until then frames come at the sweeps. */
  start (): void {
    const follower = this.follower
    if (follower === undefined) return
    this.admin.ensureWritten().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'cannot create the written topic (the matchers create it too): following it all the same')
    }).finally(() => { follower.start() })
  }

  /** Resolves once notices are followed from the written topic's end (at once without notices). */
  get noticesFollowed (): Promise<void> {
    return this.follower?.ready ?? Promise.resolve()
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
    // Resuming: the frames after `since` are there now, whatever the notices say.
    if (sub.next < end) this.notice(topic, end)
    this.ensureLoop(this.leaders.get(topic) ?? location.leader)
    return () => {
      sub.closed = true
      const s = this.byTopic.get(topic)
      if (s === undefined) return
      s.delete(sub)
      if (s.size === 0) {
        this.byTopic.delete(topic)
        this.leaders.delete(topic)
        this.noticed.delete(topic)
      }
    }
  }

  /** Stop fetching; sessions get nothing more from this feed. */
  async stop (): Promise<void> {
    this.stopped = true
    for (const wake of this.wakers.values()) wake()
    await Promise.all([...this.loops.values(), this.follower?.stop()])
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
    let nextSweep = -Infinity
    while (!this.stopped) {
      const sweep = performance.now() >= nextSweep
      const parts = []
      /** Topics fetched because of a notice (frames found in the others are counted as swept). */
      const byNotice = new Set<string>()
      let led = 0
      // Between sweeps only the noticed topics can have something to fetch: a fetch for a notice
      // does not walk every session's topic.
      for (const topic of sweep ? this.leaders.keys() : this.noticed.keys()) {
        if (this.leaders.get(topic) !== node) continue
        led++
        const offset = this.nextOffset(topic)
        if (offset === undefined) continue
        const end = this.noticed.get(topic)
        if (end !== undefined && end > offset) byNotice.add(topic)
        else if (!sweep) continue
        parts.push({ topic, offset, maxBytes: this.partitionMaxBytes })
      }
      // Whether this broker still leads a topic of a session is known at the sweeps.
      if (sweep && led === 0) return
      if (parts.length === 0) {
        // Nothing to take now: until a notice, the next sweep, or 10 ms (a full backlog drains).
        // (The sweep may have come due since `sweep` was set: never a negative timeout, which Node
        // warns of on stderr.)
        await this.idle(node, sweep ? 10 : Math.max(0, Math.min(10, nextSweep - performance.now())))
        continue
      }
      const wait = lastFetch + this.fetchIntervalMs - performance.now()
      if (wait > 0) await sleep(wait)
      lastFetch = performance.now()
      if (sweep) {
        nextSweep = lastFetch + this.sweepIntervalMs
        this.counts.sweeps++
      }
      let results: PartitionResult[]
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
      for (const r of results) {
        const taken = this.take(r)
        if (this.follower !== undefined && !byNotice.has(r.topic)) this.counts.sweptFrames += taken
      }
      // A noticed topic stays noticed until its sessions have all it was noticed to hold, those
      // held back by their backlog included (they are fetched for once they have room).
      for (const topic of byNotice) {
        const end = this.noticed.get(topic)
        const offset = this.nextOffset(topic, true)
        if (end !== undefined && (offset === undefined || offset >= end)) this.noticed.delete(topic)
      }
    }
  }

  /** The lowest next offset of the topic's open sessions that can take frames now (or `held` too: whatever their backlog). */
  private nextOffset (topic: string, held = false): bigint | undefined {
    const subs = this.byTopic.get(topic)
    if (subs === undefined) return undefined
    let offset: bigint | undefined
    for (const s of subs) {
      if (s.closed || (!held && s.sink.backlogBytes >= this.maxBacklogBytes)) continue
      if (offset === undefined || s.next < offset) offset = s.next
    }
    return offset
  }

  /**
   * Notices read from the written topic: the frames they carry go to the sessions they follow on
   * from; the topics of sessions still short of a noticed end (behind, or held back by their
   * backlog) get fetched.
   */
  private takeNotices (records: readonly FetchedRecord[]): void {
    for (const r of records) {
      if (r.value === null) continue
      const keys = parseNotice(r.value)
      if (keys instanceof Error) {
        this.logError(new Error(`a notice on the written topic (offset ${r.offset}) is not one: ${keys.message}`), -1, 0)
        continue
      }
      this.counts.notices++
      for (const { keyId, end, frames } of keys) {
        const topic = keyTopic(this.settings, keyId)
        const subs = this.byTopic.get(topic)
        if (subs === undefined) continue
        if (frames.length > 0) {
          const open = this.takers(subs)
          // The notice was produced just after its frames were written: the stage's start for them.
          const delay = Math.max(0, Date.now() - r.timestamp) / 1000
          let offset = end - BigInt(frames.length)
          for (const value of frames) {
            this.metrics?.kafkaStageDelay.observe({ stage: 'fetched' }, delay)
            if (this.offer(open, offset++, value)) this.counts.noticedFrames++
          }
        }
        const next = this.nextOffset(topic, true)
        if (next !== undefined && next < end) this.notice(topic, end)
        else if ((this.noticed.get(topic) ?? end) <= end) this.noticed.delete(topic)
      }
    }
  }

  /** The topic ends at `end` at least: fetch it (its broker's loop is woken if idle). */
  private notice (topic: string, end: bigint): void {
    const known = this.noticed.get(topic)
    if (known !== undefined && known >= end) return
    this.noticed.set(topic, end)
    const leader = this.leaders.get(topic)
    if (leader === undefined) return
    const wake = this.wakers.get(leader)
    if (wake !== undefined) {
      this.wakers.delete(leader)
      wake()
    }
  }

  /** Wait `ms`, or less if a notice (or stop) wakes the broker's loop. */
  private async idle (node: number, ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        if (this.wakers.get(node) === done) this.wakers.delete(node)
        resolve()
      }, ms)
      const done = (): void => {
        clearTimeout(timer)
        resolve()
      }
      this.wakers.set(node, done)
    })
  }

  /** Hand a fetched partition's frames to the sessions waiting for them; returns how many frames were taken. */
  private take (result: PartitionResult): number {
    const subs = this.byTopic.get(result.topic)
    if (subs === undefined) return 0
    if (result.errorCode === KafkaErrors.OFFSET_OUT_OF_RANGE) {
      // The answer carries no offsets (-1): ask where the topic starts and ends now.
      this.outOfRange(result.topic)
      return 0
    }
    if (result.errorCode !== 0) {
      if (isStaleLeader(result.errorCode)) this.relocate(result.topic)
      return 0
    }
    const open = this.takers(subs)
    const now = Date.now()
    let taken = 0
    for (const r of result.records) {
      if (r.value === null) continue
      this.metrics?.kafkaStageDelay.observe({ stage: 'fetched' }, Math.max(0, now - r.timestamp) / 1000)
      if (this.offer(open, r.offset, r.value)) taken++
    }
    return taken
  }

  /**
   * The sessions that take frames now. One whose backlog is full takes nothing (even when another
   * session of the key made the fetch, or a notice carries its frames): it is fetched from its own
   * next offset once it has room.
   */
  private takers (subs: ReadonlySet<Subscription>): Subscription[] {
    return [...subs].filter((s) => !s.closed && s.sink.backlogBytes < this.maxBacklogBytes)
  }

  /** The frame at `offset` (seq offset + 1) to each session whose next frame it is; true if one took it. */
  private offer (sessions: readonly Subscription[], offset: bigint, value: Buffer): boolean {
    if (value.length < 2) return false
    const seq = Number(offset) + 1
    let bytes: Buffer | undefined
    for (const s of sessions) {
      if (offset !== s.next) continue
      bytes ??= withSeq(seq, value)
      s.next = offset + 1n
      s.sink.deliver({ seq, bytes }, true)
    }
    return bytes !== undefined
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
