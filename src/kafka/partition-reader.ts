// Reads single-partition topics (the keys' frame topics) at chosen offsets, without a consumer
// group: the matcher reads a key topic's tail to deduplicate, the gateway follows the topics of
// its open sessions. One Fetch request carries many partitions (Kafka's Fetch API, KIP-227
// sessions handled by the client), so a gateway with a thousand sessions polls each broker with
// one request, not a thousand.
import { Consumer } from '@platformatic/kafka'
import { clientOptions } from './kafka-settings.ts'
import type { KafkaSettings } from './kafka-settings.ts'

/** What this module reads of a Fetch response (the client's FetchResponse). */
interface FetchResponse {
  responses: Array<{
    topicId: string
    partitions: Array<{
      errorCode: number
      highWatermark: bigint
      logStartOffset: bigint
      records?: Array<{ firstOffset: bigint, firstTimestamp: bigint, records: Array<{ offsetDelta: number, timestampDelta: bigint, key: Buffer | null, value: Buffer | null, headers: Array<[Buffer | null, Buffer | null]> }> }> | null
    }>
  }>
}

/** One record of a fetched batch. */
export interface FetchedRecord {
  offset: bigint
  /** CreateTime, ms since the epoch. */
  timestamp: number
  key: string | undefined
  /** Null for a tombstone (a compacted topic's deletion marker). */
  value: Buffer | null
  headers: Map<string, string>
}

export interface TopicLocation {
  id: string
  leader: number
  leaderEpoch: number
}

export interface Bounds {
  start: bigint
  end: bigint
}

export interface PartitionFetch {
  topic: string
  offset: bigint
  maxBytes: number
}

export interface PartitionResult {
  topic: string
  /** Kafka error code of the partition, 0 when fine. */
  errorCode: number
  highWatermark: bigint
  logStartOffset: bigint
  records: FetchedRecord[]
}

/** Kafka error codes this module acts on. */
export const KafkaErrors = {
  OFFSET_OUT_OF_RANGE: 1,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  LEADER_NOT_AVAILABLE: 5,
  NOT_LEADER_OR_FOLLOWER: 6,
  FENCED_LEADER_EPOCH: 74,
  UNKNOWN_LEADER_EPOCH: 75,
  UNKNOWN_TOPIC_ID: 100,
  OFFSET_NOT_AVAILABLE: 78
} as const

export class PartitionReader {
  readonly consumer: Consumer
  private readonly locations = new Map<string, TopicLocation>()
  private readonly names = new Map<string, string>()
  /** bounds() calls waiting for this turn's ListOffsets requests. */
  private boundsWanted = new Map<string, Array<{ resolve: (b: Bounds) => void, reject: (e: Error) => void }>>()
  /** The last fetch to each broker: fetches to one broker are made one at a time (one fetch session). */
  private readonly lastFetch = new Map<number, Promise<unknown>>()

  constructor (settings: KafkaSettings, clientId: string) {
    // A consumer that never joins its group: only its metadata, ListOffsets and Fetch are used.
    this.consumer = new Consumer({
      ...clientOptions(settings, clientId),
      groupId: settings.topicPrefix + '.reader',
      autocommit: false,
      isolationLevel: 0
    })
  }

  /** Where the topic's partition 0 is led; cached until `forget` (a fetch saw it move). */
  async locate (topic: string, refresh = false): Promise<TopicLocation> {
    const cached = this.locations.get(topic)
    if (cached !== undefined && !refresh) return cached
    const metadata = await this.consumer.metadata({ topics: [topic], forceUpdate: true, autocreateTopics: false })
    const t = metadata.topics.get(topic)
    if (t === undefined || t.partitions.length === 0) throw new Error(`topic ${topic} has no partition`)
    const p = t.partitions[0]
    if (p.leader < 0) throw new Error(`topic ${topic} has no leader now`)
    const location = { id: t.id, leader: p.leader, leaderEpoch: p.leaderEpoch }
    this.locations.set(topic, location)
    this.names.set(t.id, topic)
    return location
  }

  forget (topic: string): void {
    const l = this.locations.get(topic)
    if (l !== undefined) this.names.delete(l.id)
    this.locations.delete(topic)
  }

  /**
   * The first and the next offset of the topic's partition 0 (equal when it holds nothing). The
   * calls made in one event-loop turn share one pair of ListOffsets requests (a matcher reads a
   * thousand key topics' tails after a rebalance); should that fail, each topic is asked alone.
   */
  async bounds (topic: string): Promise<Bounds> {
    return await new Promise<Bounds>((resolve, reject) => {
      const waiting = this.boundsWanted.get(topic)
      if (waiting !== undefined) waiting.push({ resolve, reject })
      else this.boundsWanted.set(topic, [{ resolve, reject }])
      if (this.boundsWanted.size === 1 && waiting === undefined) setImmediate(() => { this.askBounds() })
    })
  }

  private askBounds (): void {
    const wanted = this.boundsWanted
    this.boundsWanted = new Map()
    const topics = [...wanted.keys()]
    const answer = (topic: string, result: Bounds | Error): void => {
      for (const w of wanted.get(topic) ?? []) {
        if (result instanceof Error) w.reject(result)
        else w.resolve(result)
      }
    }
    const one = async (topic: string): Promise<void> => {
      try {
        const [b] = await this.listBounds([topic])
        answer(topic, b ?? new Error(`no offsets for topic ${topic}`))
      } catch (error) {
        answer(topic, error instanceof Error ? error : new Error(String(error)))
      }
    }
    this.listBounds(topics).then((all) => {
      topics.forEach((topic, i) => { answer(topic, all[i] ?? new Error(`no offsets for topic ${topic}`)) })
    }, () => {
      // One unknown topic fails the whole request: ask again one topic at a time.
      for (const topic of topics) one(topic).catch(() => {})
    })
  }

  private async listBounds (topics: string[]): Promise<Array<Bounds | undefined>> {
    const [earliest, latest] = await Promise.all([
      this.consumer.listOffsets({ topics, timestamp: -2n, isolationLevel: 0 }),
      this.consumer.listOffsets({ topics, timestamp: -1n, isolationLevel: 0 })
    ])
    return topics.map((topic) => {
      const start = earliest.get(topic)?.[0]
      const end = latest.get(topic)?.[0]
      return start === undefined || end === undefined ? undefined : { start, end }
    })
  }

  /**
   * One Fetch to broker `node` for partitions it leads (their locations must be known). Waits up
   * to `maxWaitMs` for at least one byte. Partition errors come back in the results. A reader
   * that long-polls (maxWaitMs > 0) should not be shared with one that needs quick answers.
   */
  async fetch (node: number, partitions: readonly PartitionFetch[], maxWaitMs: number): Promise<PartitionResult[]> {
    // The client keeps one incremental fetch session (KIP-227) a broker: concurrent fetches to the
    // same broker would make each other's session epoch stale, so they take turns.
    const before = this.lastFetch.get(node) ?? Promise.resolve()
    const mine = before.catch(() => {}).then(async () => await this.fetchNow(node, partitions, maxWaitMs))
    this.lastFetch.set(node, mine)
    try {
      return await mine
    } finally {
      if (this.lastFetch.get(node) === mine) this.lastFetch.delete(node)
    }
  }

  private async fetchNow (node: number, partitions: readonly PartitionFetch[], maxWaitMs: number): Promise<PartitionResult[]> {
    const topics = []
    for (const p of partitions) {
      const l = this.locations.get(p.topic)
      if (l === undefined) throw new Error(`topic ${p.topic} not located`)
      topics.push({ topicId: l.id, partitions: [{ partition: 0, currentLeaderEpoch: l.leaderEpoch, fetchOffset: p.offset, lastFetchedEpoch: -1, partitionMaxBytes: p.maxBytes }] })
    }
    let response: FetchResponse
    try {
      response = await this.consumer.fetch({ node, topics, maxWaitTime: maxWaitMs, minBytes: 1, maxBytes: 16 * 1024 * 1024, isolationLevel: 0 })
    } catch (error) {
      // Partition-level errors arrive as a ResponseError that carries the whole response.
      const r = (error as { response?: FetchResponse }).response
      if (r === undefined || !Array.isArray(r.responses)) throw error
      response = r
    }
    const out: PartitionResult[] = []
    for (const t of response.responses) {
      const topic = this.names.get(t.topicId)
      if (topic === undefined) continue
      for (const part of t.partitions) {
        const records: FetchedRecord[] = []
        for (const batch of part.records ?? []) {
          for (const r of batch.records) {
            const headers = new Map<string, string>()
            for (const [k, v] of r.headers) if (k !== null) headers.set(k.toString(), v === null ? '' : v.toString())
            records.push({
              offset: batch.firstOffset + BigInt(r.offsetDelta),
              timestamp: Number(batch.firstTimestamp + r.timestampDelta),
              key: r.key === null ? undefined : r.key.toString(),
              value: r.value,
              headers
            })
          }
        }
        out.push({ topic, errorCode: part.errorCode, highWatermark: part.highWatermark, logStartOffset: part.logStartOffset, records })
      }
    }
    return out
  }

  /** Records of the topic from `from` (inclusive) to `to` (exclusive), read in pieces. */
  async readRange (topic: string, from: bigint, to: bigint): Promise<FetchedRecord[]> {
    const out: FetchedRecord[] = []
    let next = from
    for (let attempt = 0; next < to;) {
      const location = await this.locate(topic, attempt > 0)
      const [result] = await this.fetch(location.leader, [{ topic, offset: next, maxBytes: 1024 * 1024 }], 0)
      if (result === undefined || result.errorCode !== 0) {
        if (++attempt > 5) throw new Error(`cannot read ${topic} at offset ${next}: Kafka error ${result?.errorCode ?? 'no answer'}`)
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt))
        continue
      }
      const records = result.records.filter((r) => r.offset >= next && r.offset < to)
      if (records.length === 0) {
        // Nothing at or after `next` below `to`: the range is shorter than asked (compaction, or a
        // high watermark not yet reached by the replicas).
        if (result.highWatermark <= next) break
        if (++attempt > 5) break
        continue
      }
      out.push(...records)
      next = records[records.length - 1].offset + 1n
    }
    return out
  }

  async close (): Promise<void> {
    await this.consumer.close()
  }
}

/** True when a fetch error means the leader moved or the metadata is stale. */
export function isStaleLeader (code: number): boolean {
  return code === KafkaErrors.NOT_LEADER_OR_FOLLOWER || code === KafkaErrors.LEADER_NOT_AVAILABLE ||
    code === KafkaErrors.FENCED_LEADER_EPOCH || code === KafkaErrors.UNKNOWN_LEADER_EPOCH ||
    code === KafkaErrors.UNKNOWN_TOPIC_OR_PARTITION || code === KafkaErrors.UNKNOWN_TOPIC_ID
}
