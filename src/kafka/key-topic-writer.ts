// The matcher's side of the keys' topics: each frame goes to its key's topic (one partition), so
// that the frame at offset N is the key's seq N + 1 (docs/kafka.md). Records reach the matcher at
// least once (a matcher killed mid-way has its records partitions re-read by another from the last
// committed offset), so the frames of a record may be written a second time; this writer makes
// sure they are not, so that a client sees no duplicate and no gap in seq:
//
// - every frame carries its origin, header `o` = "<records partition>:<record offset>";
// - within one key topic the frames of one records partition are in that partition's order (one
//   writer per partition at a time, at most one produce request in flight for a key topic,
//   idempotent producer);
// - so the last frame of partition p in a key topic holds the highest record of p already
//   matched for that key: a frame of p at or below it is a duplicate and is not written.
//
// What this writer knows of a key topic's tail is forgotten at each rebalance (another member may
// have written for a partition this one now owns) and read again from Kafka the first time the
// key gets a frame of that partition: backwards from the end, until the last frame of p, or a
// frame older than the first record of p this member was handed, less a margin for clock skew
// (frames for records at or after it cannot be older than that record), or the topic's start.
//
// Once a request is answered, a notice on the written topic says which keys' topics grew and where
// they end now, with the frames just written (written-notices.ts): the gateways hand those frames
// to their sessions at once. Notices go out a group at a time (each notice its own request, the
// group sent at once), what is answered meanwhile in the next group; a notice that fails is not
// sent again (the gateways' sweep finds those frames, up to a second later).
import { ProduceAcks, Producer, stringSerializers } from '@platformatic/kafka'
import type { Logger } from '../log.ts'
import { clientOptions } from './kafka-settings.ts'
import type { KafkaSettings } from './kafka-settings.ts'
import type { PartitionReader } from './partition-reader.ts'
import { keyTopic, writtenTopic } from './topics.ts'
import type { TopicAdmin } from './topics.ts'
import { encodeNotices, MAX_FRAME_BYTES_PER_NOTICE } from './written-notices.ts'

/** Where a frame comes from: the record's place on the records topic. */
export interface FrameOrigin {
  partition: number
  offset: number
  /** When the record was published (ms). */
  timestamp: number
}

export interface KeyTopicWriterOptions {
  settings: KafkaSettings
  admin: TopicAdmin
  reader: PartitionReader
  logger: Logger
  clientId: string
  /** Allowed difference between the clocks of collectors and matchers; default 60 s. */
  clockSkewMs?: number
  /** Frames per produce request, at most; default 4,096. */
  batch?: number
  /** Octets of frames per produce request, at most; default 512 KiB (under the brokers' 1 MiB message.max.bytes). */
  batchBytes?: number
  /**
   * Least time between the starts of two produce requests; default 5 ms. Each request costs the
   * broker a pass over the partitions it names: fewer, fuller requests leave it the CPU for the
   * gateways' fetches (a frame waits at most this much longer).
   */
  lingerMs?: number
  /**
   * Produce requests in flight at once; default 2. Two requests in flight never name the same key
   * topic: a key's frames wait for its request to be answered, so they land in order whatever
   * becomes of a request (a failed one sends its keys back to a tail read, see send()).
   */
  maxInFlight?: number
  /**
   * Frames kept for the next notice at most, over all keys, in UTF-16 units (up to 3 octets each);
   * default 8 Mi. While a notice is slow to go, keys beyond it are told by their end only (their
   * sessions read the frames from the key topics).
   */
  maxNoticeFrameBytes?: number
}

export interface KeyTopicWriterStats {
  written: number
  duplicatesSkipped: number
  tailReads: number
  tailRecordsRead: number
  sendErrors: number
  pending: number
  /** Produce requests in flight now, and the most at once since the start. */
  requestsInFlight: number
  peakRequestsInFlight: number
  /** Notices written to the written topic, and those that could not be (each notice is a request of its own). */
  notices: number
  noticeErrors: number
}

interface PendingFrame {
  keyId: string
  value: string
  origin: FrameOrigin
  done: () => void
}

/** A frame admitted for writing: its topic, and its place in the order frames were admitted. */
interface OutgoingFrame extends PendingFrame {
  topic: string
  index: number
}

/** A key's part of the next notice: its topic's end, and frames written just before it. */
interface NoticeInProgress {
  end: bigint
  frames: string[]
  /** Their length in UTF-16 units: at least their octets / 3, enough to bound what is kept. */
  bytes: number
}

/** What is known of one key topic's tail in this generation. */
interface KeyTail {
  generation: number
  /** Highest record offset per records partition among the frames in the topic. */
  last: Map<number, number>
  /** The scan went back to frames this old (ms), or to the topic's start (-Infinity). */
  scannedTo: number
  /** Offset the backwards scan stopped at (frames below it unread). */
  scanFrom: bigint | undefined
  loading: Promise<void> | undefined
  /** Frames waiting for the tail to be read. */
  waiting: PendingFrame[]
}

const SCAN_WINDOW = 2_000n

export class KeyTopicWriter {
  private readonly settings: KafkaSettings
  private readonly admin: TopicAdmin
  private readonly reader: PartitionReader
  private readonly logger: Logger
  private readonly clockSkewMs: number
  private readonly batch: number
  private readonly batchBytes: number
  private readonly lingerMs: number
  private readonly maxInFlight: number
  private readonly maxNoticeFrameBytes: number
  private lastSend = -Infinity
  private readonly producer: Producer<string, string, string, string>
  /** The notices' own connection: a broker answers one connection's requests one at a time, and a notice must not wait behind frames. */
  private readonly noticeProducer: Producer
  private readonly tails = new Map<string, KeyTail>()
  /** First record timestamp of each records partition in this generation. */
  private readonly firstSeen = new Map<number, number>()
  private generation = 0
  private closed = false
  /** Frames enqueued before the last rebalance: a tail read waits until they are written. */
  private enqueuedAtRebalance = 0
  /** Admitted frames not yet in a request, in the order admitted. */
  private outgoing: OutgoingFrame[] = []
  /** The requests in flight: the index of each one's first frame. */
  private readonly inFlight = new Set<number>()
  /** Key topics named by a request in flight. */
  private readonly busyTopics = new Set<string>()
  private peakInFlight = 0
  private scheduled = false
  private retryDelay = 0
  private lastErrorLog = 0
  private idleWaiters: Array<() => void> = []
  /** Frames admitted since the start (the next frame's index). */
  private enqueued = 0
  private writtenWaiters: Array<{ mark: number, resolve: () => void }> = []
  /**
   * Where each key's topic ends after the writes not yet in a notice (bounded by the number of
   * keys), and the frames before that end (bounded by maxNoticeFrameBytes).
   */
  private noticeEnds = new Map<string, NoticeInProgress>()
  private noticeFrameBytes = 0
  private noticeSending = false
  private lastNoticeErrorLog = 0
  private readonly counts = { written: 0, duplicatesSkipped: 0, tailReads: 0, tailRecordsRead: 0, sendErrors: 0, notices: 0, noticeErrors: 0 }

  constructor (options: KeyTopicWriterOptions) {
    this.settings = options.settings
    this.admin = options.admin
    this.reader = options.reader
    this.logger = options.logger
    this.clockSkewMs = options.clockSkewMs ?? 60_000
    this.batch = options.batch ?? 4096
    this.batchBytes = options.batchBytes ?? 512 * 1024
    this.lingerMs = options.lingerMs ?? 5
    this.maxInFlight = options.maxInFlight ?? 2
    this.maxNoticeFrameBytes = options.maxNoticeFrameBytes ?? 8 * 1024 * 1024
    if (!(Number.isInteger(this.maxInFlight) && this.maxInFlight >= 1)) throw new RangeError('maxInFlight must be a positive integer')
    this.producer = new Producer({
      ...clientOptions(options.settings, options.clientId),
      serializers: stringSerializers,
      idempotent: true,
      acks: ProduceAcks.ALL,
      autocreateTopics: false,
      // The client's own retries keep the request's idempotence sequence: a leader moving (a
      // broker lost, ~10 s) is ridden out here, not by sending again.
      retries: 80
    })
    // A notice lost or written twice costs nothing (the sweep, the max of the ends): the leader's
    // word is enough.
    this.noticeProducer = new Producer({
      ...clientOptions(options.settings, options.clientId + '-notices'),
      acks: ProduceAcks.LEADER,
      autocreateTopics: false,
      retries: 3
    })
  }

  get stats (): KeyTopicWriterStats {
    let waiting = 0
    for (const t of this.tails.values()) waiting += t.waiting.length
    return { ...this.counts, pending: this.outgoing.length + waiting, requestsInFlight: this.inFlight.size, peakRequestsInFlight: this.peakInFlight }
  }

  /** The records partitions were reassigned: forget what is known of the key topics' tails. */
  rebalanced (): void {
    this.generation++
    this.enqueuedAtRebalance = this.enqueued
    this.firstSeen.clear()
  }

  /** A record of `partition` published at `timestamp` is being matched (call before its frames). */
  recordSeen (partition: number, timestamp: number): void {
    if (!this.firstSeen.has(partition)) this.firstSeen.set(partition, timestamp)
  }

  /** Write a frame (JSON, without seq) to its key's topic; `done` once it is written or found written already. */
  write (keyId: string, value: string, origin: FrameOrigin, done: () => void): void {
    const frame: PendingFrame = { keyId, value, origin, done }
    let tail = this.tails.get(keyId)
    if (tail === undefined) {
      tail = { generation: -1, last: new Map(), scannedTo: Infinity, scanFrom: undefined, loading: undefined, waiting: [] }
      this.tails.set(keyId, tail)
    }
    if (tail.generation !== this.generation && tail.loading === undefined) {
      tail.generation = this.generation
      tail.last.clear()
      tail.scannedTo = Infinity
      tail.scanFrom = undefined
    }
    if (tail.loading !== undefined || tail.waiting.length > 0 || !this.knows(tail, origin.partition)) {
      tail.waiting.push(frame)
      if (tail.loading === undefined) this.load(keyId, tail)
      return
    }
    this.admit(tail, frame)
  }

  /** Resolves when every frame handed over so far is written (or skipped). */
  async flush (): Promise<void> {
    if (this.closed || this.isIdle()) return
    await new Promise<void>((resolve) => { this.idleWaiters.push(resolve) })
  }

  /** Stop writing (what is not written is left to the next owner of the records). */
  async close (): Promise<void> {
    this.closed = true
    this.wakeIdle()
    await this.producer.close().catch(() => {})
    await this.noticeProducer.close().catch(() => {})
  }

  /** Whether the highest record of `partition` in the key topic is known (found, or known absent). */
  private knows (tail: KeyTail, partition: number): boolean {
    // Read to its start: what is not there was never written.
    if (tail.last.has(partition) || tail.scannedTo === -Infinity) return true
    const first = this.firstSeen.get(partition)
    return first !== undefined && tail.scannedTo <= first - this.clockSkewMs
  }

  private admit (tail: KeyTail, frame: PendingFrame): void {
    const last = tail.last.get(frame.origin.partition)
    if (last !== undefined && frame.origin.offset <= last) {
      this.counts.duplicatesSkipped++
      frame.done()
      return
    }
    tail.last.set(frame.origin.partition, frame.origin.offset)
    this.outgoing.push({ ...frame, topic: keyTopic(this.settings, frame.keyId), index: this.enqueued++ })
    this.schedule()
  }

  /** Read the key topic's tail until every waiting frame's partition is known, then admit them in order. */
  private load (keyId: string, tail: KeyTail): void {
    const generation = this.generation
    tail.loading = (async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          await this.scan(keyId, tail)
          break
        } catch (error) {
          const delay = Math.min(5_000, 100 * 2 ** attempt)
          if (attempt % 10 === 3) this.logger.error({ err: error, keyId }, 'cannot read the key topic\'s tail: retrying (its frames wait)')
          await new Promise((resolve) => setTimeout(resolve, delay))
        }
      }
    })().finally(() => {
      tail.loading = undefined
      if (tail.generation !== generation || generation !== this.generation) {
        // A rebalance while reading: read again for the new generation.
        tail.generation = this.generation
        tail.last.clear()
        tail.scannedTo = Infinity
        tail.scanFrom = undefined
        this.load(keyId, tail)
        return
      }
      // Frames that came while reading may be of partitions the scan was not looking for.
      if (tail.waiting.some((f) => !this.knows(tail, f.origin.partition))) {
        this.load(keyId, tail)
        return
      }
      const waiting = tail.waiting
      tail.waiting = []
      for (const f of waiting) this.admit(tail, f)
      this.checkIdle()
    })
  }

  private async scan (keyId: string, tail: KeyTail): Promise<void> {
    const topic = keyTopic(this.settings, keyId)
    // Our own frames still on their way from before the rebalance must be in the topic before we
    // read it: the records behind them may be handed to us again. (Frames of this key enqueued
    // since wait for this read, so they cannot be among them.)
    await this.writtenUpTo(this.enqueuedAtRebalance)
    this.counts.tailReads++
    const wanted = new Set<number>()
    for (const f of tail.waiting) if (!this.knows(tail, f.origin.partition)) wanted.add(f.origin.partition)
    if (wanted.size === 0) return
    let bounds
    try {
      bounds = await this.reader.bounds(topic)
    } catch {
      // No such topic yet (its key just got prefixes): create it, then it is empty.
      await this.admin.ensureKey(keyId)
      bounds = await this.reader.bounds(topic)
    }
    const { start, end } = bounds
    let pos = tail.scanFrom ?? end
    // Oldest frame time that can matter: the earliest first record of the wanted partitions, less the skew.
    let floor = Infinity
    for (const p of wanted) floor = Math.min(floor, (this.firstSeen.get(p) ?? -Infinity) - this.clockSkewMs)
    while (pos > start && wanted.size > 0 && tail.scannedTo > floor) {
      const from = pos - SCAN_WINDOW > start ? pos - SCAN_WINDOW : start
      const records = await this.reader.readRange(topic, from, pos)
      this.counts.tailRecordsRead += records.length
      for (let i = records.length - 1; i >= 0; i--) {
        const r = records[i]
        const origin = parseOrigin(r.headers.get('o'))
        if (origin !== undefined && !tail.last.has(origin.partition)) {
          tail.last.set(origin.partition, origin.offset)
          wanted.delete(origin.partition)
        }
        tail.scannedTo = Math.min(tail.scannedTo, r.timestamp)
      }
      pos = from
      tail.scanFrom = pos
    }
    if (pos <= start) tail.scannedTo = -Infinity
  }

  private schedule (): void {
    if (this.scheduled || this.inFlight.size >= this.maxInFlight) return
    this.scheduled = true
    const wait = this.lastSend + this.lingerMs - performance.now()
    const go = (): void => {
      this.scheduled = false
      this.send()
    }
    if (wait > 0) setTimeout(go, wait)
    else setImmediate(go)
  }

  private send (): void {
    if (this.closed || this.scheduled || this.inFlight.size >= this.maxInFlight) return
    if (this.outgoing.length === 0) {
      this.checkIdle()
      return
    }
    if (performance.now() - this.lastSend < this.lingerMs) {
      this.schedule()
      return
    }
    const { batch, rest } = takeRequest(this.outgoing, this.busyTopics, this.batch, this.batchBytes)
    // Every frame waits for a request in flight: the answer to it sends again.
    if (batch.length === 0) return
    this.outgoing = rest
    this.lastSend = performance.now()
    const first = batch[0].index
    this.inFlight.add(first)
    if (this.inFlight.size > this.peakInFlight) this.peakInFlight = this.inFlight.size
    const topics = new Set<string>()
    for (const f of batch) topics.add(f.topic)
    for (const topic of topics) this.busyTopics.add(topic)
    const settled = (): void => {
      this.inFlight.delete(first)
      for (const topic of topics) this.busyTopics.delete(topic)
    }
    const messages = batch.map((f) => ({
      topic: f.topic,
      value: f.value,
      headers: { o: String(f.origin.partition) + ':' + String(f.origin.offset) }
    }))
    this.producer.send({ messages }).then((result) => {
      settled()
      this.retryDelay = 0
      this.counts.written += batch.length
      for (const f of batch) f.done()
      this.wakeWritten()
      this.noteWritten(batch, result.offsets)
      this.send()
    }, (error: unknown) => {
      settled()
      this.counts.sendErrors++
      // A failed request may have been written in part, or whole with its answer lost: it is never
      // sent again as it is. Its frames, and the later ones of the same keys, go back to wait for
      // a fresh read of those keys' tails, which admits only what is not there yet. (No other
      // request in flight names these keys.)
      const keys = new Set(batch.map((f) => f.keyId))
      const back: PendingFrame[] = batch.concat(this.outgoing.filter((f) => keys.has(f.keyId)))
      this.outgoing = this.outgoing.filter((f) => !keys.has(f.keyId))
      for (const keyId of keys) {
        const tail = this.tails.get(keyId)
        if (tail === undefined) continue
        tail.last.clear()
        tail.scannedTo = Infinity
        tail.scanFrom = undefined
        tail.waiting = [...back.filter((f) => f.keyId === keyId), ...tail.waiting]
      }
      this.wakeWritten()
      this.retryDelay = Math.min(5_000, this.retryDelay === 0 ? 250 : this.retryDelay * 2)
      const now = Date.now()
      if (now - this.lastErrorLog > 10_000) {
        this.lastErrorLog = now
        this.logger.error({ err: error, frames: back.length, keys: keys.size, retryInMs: this.retryDelay }, 'cannot write frames to the key topics: they wait for those topics to be read again')
      }
      setTimeout(() => {
        if (this.closed) return
        for (const keyId of keys) {
          const tail = this.tails.get(keyId)
          if (tail !== undefined && tail.loading === undefined && tail.waiting.length > 0) this.load(keyId, tail)
        }
      }, this.retryDelay).unref()
      this.send()
    })
    // Room for another request: it starts when the linger allows.
    if (this.inFlight.size < this.maxInFlight && this.outgoing.length > 0) this.schedule()
  }

  /**
   * Where the topics of an answered request end now, and the frames just written there (a topic's
   * frames in a request are in order from the base offset of the answer), for the next notice.
   */
  private noteWritten (batch: readonly OutgoingFrame[], offsets: ReadonlyArray<{ topic: string, offset: bigint }> | undefined): void {
    if (offsets === undefined) return
    const perTopic = new Map<string, { keyId: string, frames: string[], bytes: number }>()
    for (const f of batch) {
      const t = perTopic.get(f.topic)
      if (t === undefined) perTopic.set(f.topic, { keyId: f.keyId, frames: [f.value], bytes: f.value.length })
      else {
        t.frames.push(f.value)
        t.bytes += f.value.length
      }
    }
    for (const { topic, offset } of offsets) {
      const t = perTopic.get(topic)
      if (t === undefined) continue
      const end = offset + BigInt(t.frames.length)
      const known = this.noticeEnds.get(t.keyId)
      if (known !== undefined && known.end >= end) continue
      // Frames that follow on from those already to be told are added to them (as long as they
      // fit in a notice); otherwise the notice tells these only: any run of frames just before
      // the end is right, a session that needs earlier ones reads them from the topic.
      const room = this.maxNoticeFrameBytes - this.noticeFrameBytes
      if (known !== undefined && known.end === offset && known.bytes + t.bytes <= MAX_FRAME_BYTES_PER_NOTICE && t.bytes <= room) {
        known.frames.push(...t.frames)
        known.bytes += t.bytes
        known.end = end
        this.noticeFrameBytes += t.bytes
      } else {
        const carried = t.bytes <= room + (known?.bytes ?? 0)
        this.noticeFrameBytes += (carried ? t.bytes : 0) - (known?.bytes ?? 0)
        this.noticeEnds.set(t.keyId, carried ? { end, frames: t.frames, bytes: t.bytes } : { end, frames: [], bytes: 0 })
      }
    }
    this.sendNotices()
  }

  private sendNotices (): void {
    if (this.noticeSending || this.closed || this.noticeEnds.size === 0) return
    this.noticeSending = true
    const ends = this.noticeEnds
    this.noticeEnds = new Map()
    this.noticeFrameBytes = 0
    const topic = writtenTopic(this.settings)
    const values = encodeNotices(ends)
    // A request a notice, all sent at once on the notices' connection: the messages of one request
    // for one partition form one record batch, which a broker refuses whole over its
    // message.max.bytes (1 MiB by default). A notice alone stays under it (written-notices.ts);
    // the notices after a burst of answers did not (MESSAGE_TOO_LARGE, every key in them left to
    // the sweep).
    this.admin.ensureWritten()
      .then(async () => await Promise.allSettled(values.map(async (value) => await this.noticeProducer.send({ messages: [{ topic, value }] }))))
      .then((outcomes) => {
        let failed = 0
        let error: unknown
        for (const o of outcomes) {
          if (o.status === 'fulfilled') continue
          failed++
          error = o.reason
        }
        this.counts.notices += outcomes.length - failed
        if (failed > 0) this.noticeFailed(error, failed, ends.size)
      }, (error: unknown) => { this.noticeFailed(error, values.length, ends.size) })
      .finally(() => {
        this.noticeSending = false
        this.sendNotices()
      })
  }

  private noticeFailed (error: unknown, notices: number, keys: number): void {
    this.counts.noticeErrors += notices
    const now = Date.now()
    if (now - this.lastNoticeErrorLog > 10_000) {
      this.lastNoticeErrorLog = now
      this.logger.warn({ err: error, notices, keys }, 'cannot write a notice of frames written: the gateways find those frames by their sweep instead')
    }
  }

  /** Index of the first admitted frame not yet written (nor sent back to a tail read). */
  private unfinished (): number {
    let low = this.outgoing.length > 0 ? this.outgoing[0].index : this.enqueued
    for (const first of this.inFlight) if (first < low) low = first
    return low
  }

  /** Resolve the writtenUpTo() waiters whose frames are all written. */
  private wakeWritten (): void {
    if (this.writtenWaiters.length === 0) return
    const low = this.unfinished()
    const ready = this.writtenWaiters.filter((w) => w.mark <= low)
    this.writtenWaiters = this.writtenWaiters.filter((w) => w.mark > low)
    for (const w of ready) w.resolve()
  }

  /** Resolves when every frame admitted before the `mark`-th is written (or sent back to a tail read). */
  private async writtenUpTo (mark: number): Promise<void> {
    if (this.unfinished() >= mark) return
    await new Promise<void>((resolve) => { this.writtenWaiters.push({ mark, resolve }) })
  }

  private isIdle (): boolean {
    if (this.inFlight.size > 0 || this.outgoing.length > 0) return false
    for (const t of this.tails.values()) if (t.loading !== undefined || t.waiting.length > 0) return false
    return true
  }

  private checkIdle (): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return
    this.wakeIdle()
  }

  private wakeIdle (): void {
    const waiters = this.idleWaiters
    this.idleWaiters = []
    for (const w of waiters) w()
  }
}

/**
 * The next produce request out of `outgoing` (frames in the order admitted): frames in that order,
 * none of a topic in `busy` (named by a request in flight), at most `maxFrames` frames and
 * `maxBytes` octets of values (the first frame whatever its size). Once the request is full every
 * later frame stays, so that no frame of a topic passes an earlier one of the same topic.
 */
export function takeRequest<F extends { topic: string, value: string }> (outgoing: readonly F[], busy: ReadonlySet<string>, maxFrames: number, maxBytes: number): { batch: F[], rest: F[] } {
  const batch: F[] = []
  const rest: F[] = []
  let bytes = 0
  let full = false
  for (const f of outgoing) {
    if (full || busy.has(f.topic)) {
      rest.push(f)
      continue
    }
    if (batch.length > 0 && (batch.length >= maxFrames || bytes + f.value.length > maxBytes)) {
      full = true
      rest.push(f)
      continue
    }
    batch.push(f)
    bytes += f.value.length
  }
  return { batch, rest }
}

function parseOrigin (text: string | undefined): { partition: number, offset: number } | undefined {
  if (text === undefined) return undefined
  const colon = text.indexOf(':')
  if (colon < 1) return undefined
  const partition = Number(text.slice(0, colon))
  const offset = Number(text.slice(colon + 1))
  if (!Number.isSafeInteger(partition) || !Number.isSafeInteger(offset)) return undefined
  return { partition, offset }
}
