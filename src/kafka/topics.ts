// The topics of a Kafka deployment (docs/kafka.md has their settings and why):
//
//   <prefix>.records        normalised records (JSON), keyed by vantage point: per-VP order holds.
//                           Many partitions (matchers share them), deleted after a short retention.
//   <prefix>.associations   each key's prefix list, keyed by key id; compacted, a tombstone when
//                           the key has no prefixes: the matchers' copy of every association.
//   <prefix>.key.<key id>   one key's frames (JSON without `seq`), one partition, so that the
//                           frame at offset N is the key's seq N + 1; kept for the key retention.
//   <prefix>.written        notices from the matchers: which key topics got frames, up to which
//                           offset (written-notices.ts), so that a gateway fetches those topics and
//                           not all its sessions' topics over and over. One partition, short-lived.
import { Admin } from '@platformatic/kafka'
import { clientOptions } from './kafka-settings.ts'
import type { KafkaSettings } from './kafka-settings.ts'

export function recordsTopic (settings: KafkaSettings): string {
  return settings.topicPrefix + '.records'
}

export function associationsTopic (settings: KafkaSettings): string {
  return settings.topicPrefix + '.associations'
}

export function writtenTopic (settings: KafkaSettings): string {
  return settings.topicPrefix + '.written'
}

export function keyTopic (settings: KafkaSettings, keyId: string): string {
  return settings.topicPrefix + '.key.' + keyId
}

/** The key id of a key topic's name, or undefined when `topic` is not one. */
export function keyIdOfTopic (settings: KafkaSettings, topic: string): string | undefined {
  const prefix = settings.topicPrefix + '.key.'
  return topic.startsWith(prefix) ? topic.slice(prefix.length) : undefined
}

interface TopicSpec {
  partitions: number
  configs: Record<string, string>
}

function recordsSpec (settings: KafkaSettings): TopicSpec {
  return {
    partitions: settings.recordPartitions,
    configs: { 'cleanup.policy': 'delete', 'retention.ms': String(settings.recordRetentionMs), 'min.insync.replicas': minIsr(settings) }
  }
}

function associationsSpec (settings: KafkaSettings): TopicSpec {
  return {
    partitions: 1,
    configs: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '60000', 'min.insync.replicas': minIsr(settings) }
  }
}

function keySpec (settings: KafkaSettings): TopicSpec {
  return {
    partitions: 1,
    configs: {
      'cleanup.policy': 'delete',
      'retention.ms': String(settings.keyRetentionMs),
      // A key's log is bounded in bytes as well as in time (as serve's delivery log is).
      'retention.bytes': String(64 * 1024 * 1024),
      'segment.ms': String(Math.min(settings.keyRetentionMs, 3_600_000)),
      'min.insync.replicas': minIsr(settings),
      'message.timestamp.type': 'CreateTime',
      // Offset and time index entries, one per 16 KiB of log instead of the default 4 KiB. A broker
      // leading a thousand key partitions spends its produce time writing index entries, each a
      // store into a memory-mapped file (measured at 4 KiB: requests to ~800 key topics took
      // 1-2.7 s, in OffsetIndex.append/TimeIndex.maybeAppend). Sparser is not better: every fetch
      // of new frames finds its start by reading the batch headers from the entry before it, one
      // read each (FileRecords.searchForOffsetFromPosition), so with 1 MiB a gateway's fetches
      // scanned whole segments of small batches. bench:kafka, 2 matchers, 10,000 UPDATE/s, two
      // runs each (docs/benchmarks.md): broker 0.59 core at 16 KiB, 0.67-0.68 at 64 KiB,
      // 0.75-0.79 at 1 MiB.
      'index.interval.bytes': String(16 * 1024),
      // Segments of 16 MiB (the default is 1 GiB), so that retention.bytes bounds a busy key's log
      // (a segment is deleted whole, the active one never), and index files of 16 KiB (default 10
      // MiB): at most ~1,024 entries of each index per segment at one per 16 KiB of log, 8 KiB of
      // offset index and 12 KiB of time index (a full index only rolls the segment early). A
      // broker creates each index file at its full size, sparse, and maps it; the first store into
      // a page faults it in, and the kernel reads ahead around it up to the device's read_ahead_kb
      // (8 MiB on the test machine), zeroing that much of the file's holes in the request thread.
      // With 10 MiB files, a thousand new key topics (a deployment's start, every hourly roll) put
      // up to 0.88 of the broker's core in that zeroing (perf: 43 % of the machine's samples,
      // kernel memset under filemap_fault, the broker's request threads) and bench:kafka's warm-up
      // took 65 - 69 s to drain; at 16 KiB 6 - 8 s (docs/benchmarks.md, stop 19).
      'segment.bytes': String(16 * 1024 * 1024),
      'segment.index.bytes': String(16 * 1024)
    }
  }
}

function writtenSpec (settings: KafkaSettings): TopicSpec {
  // Read as it is written: a gateway that misses notices (stopped, or behind) finds the frames by
  // its periodic sweep of every session's topic, so old notices are of no use to anyone. They
  // carry a copy of every frame: kept a minute, in segments that roll each minute or 64 MiB, so
  // that the broker's retention check (log.retention.check.interval.ms) can drop them soon.
  return {
    partitions: 1,
    configs: {
      'cleanup.policy': 'delete',
      'retention.ms': '60000',
      'segment.ms': '60000',
      'segment.bytes': String(64 * 1024 * 1024),
      'min.insync.replicas': minIsr(settings)
    }
  }
}

function minIsr (settings: KafkaSettings): string {
  // With the broker's default replication we cannot know it: leave the broker's min.insync.replicas.
  return settings.replication >= 3 ? '2' : '1'
}

/** Creates topics (those that exist are left as they are). */
export class TopicAdmin {
  private readonly admin: Admin
  private readonly settings: KafkaSettings
  private readonly known = new Set<string>()

  constructor (settings: KafkaSettings, clientId: string) {
    this.settings = settings
    this.admin = new Admin(clientOptions(settings, clientId))
  }

  async ensureRecords (): Promise<void> {
    await this.ensure(recordsTopic(this.settings), recordsSpec(this.settings))
  }

  async ensureAssociations (): Promise<void> {
    await this.ensure(associationsTopic(this.settings), associationsSpec(this.settings))
  }

  async ensureWritten (): Promise<void> {
    await this.ensure(writtenTopic(this.settings), writtenSpec(this.settings))
  }

  async ensureKey (keyId: string): Promise<void> {
    await this.ensure(keyTopic(this.settings, keyId), keySpec(this.settings))
  }

  /**
   * Creates the topics of many keys at once (a matcher's start: keys that got prefixes without the
   * api role, e.g. through the keys CLI, would otherwise each wait for their topic on the first
   * frame). Those that exist are left as they are.
   */
  async ensureKeys (keyIds: Iterable<string>): Promise<number> {
    const wanted = [...new Set([...keyIds].map((id) => keyTopic(this.settings, id)))].filter((t) => !this.known.has(t))
    if (wanted.length === 0) return 0
    const existing = new Set(await this.admin.listTopics({ includeInternals: false }))
    const missing = wanted.filter((t) => !existing.has(t))
    for (const t of wanted) if (existing.has(t)) this.known.add(t)
    const spec = keySpec(this.settings)
    for (let i = 0; i < missing.length; i += 500) {
      const chunk = missing.slice(i, i + 500)
      await this.create(chunk, spec)
      for (const t of chunk) this.known.add(t)
    }
    return missing.length
  }

  /** Deletes key topics; returns the names deleted. */
  async deleteKeyTopics (keyIds: readonly string[]): Promise<string[]> {
    const topics = keyIds.map((id) => keyTopic(this.settings, id))
    if (topics.length === 0) return []
    await this.admin.deleteTopics({ topics })
    for (const t of topics) this.known.delete(t)
    return topics
  }

  /** The key ids that have a topic. */
  async listKeyTopics (): Promise<string[]> {
    const topics = await this.admin.listTopics({ includeInternals: false })
    const out: string[] = []
    for (const t of topics) {
      const id = keyIdOfTopic(this.settings, t)
      if (id !== undefined) out.push(id)
    }
    return out
  }

  async close (): Promise<void> {
    await this.admin.close()
  }

  private async ensure (topic: string, spec: TopicSpec): Promise<void> {
    if (this.known.has(topic)) return
    await this.create([topic], spec)
    this.known.add(topic)
  }

  private async create (topics: string[], spec: TopicSpec): Promise<void> {
    try {
      await this.admin.createTopics({
        topics,
        partitions: spec.partitions,
        replicas: this.settings.replication,
        configs: Object.entries(spec.configs).map(([name, value]) => ({ name, value }))
      })
    } catch (error) {
      // Another process may have created some of them meanwhile: only that error is not one.
      if (!onlyKafkaError(error, 36)) throw error
    }
    await this.visible(topics)
  }

  /**
   * Wait (up to 30 s) until every broker's metadata has the topics with a leader: right after
   * CreateTopics, requests naming them fail as unknown for a while (ListOffsets for a thousand
   * new key topics took 24 s of retries instead of 0.7 s).
   */
  private async visible (topics: string[]): Promise<void> {
    const deadline = Date.now() + 30_000
    let missing = topics
    while (missing.length > 0 && Date.now() < deadline) {
      try {
        const metadata = await this.admin.metadata({ topics: missing, forceUpdate: true, autocreateTopics: false })
        missing = missing.filter((t) => !(metadata.topics.get(t)?.partitions.every((p) => p.leader >= 0) ?? false))
      } catch {
        // Unknown topics fail the whole request: keep waiting.
      }
      if (missing.length > 0) await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}

/** True when every Kafka protocol error in `error` (itself or those it wraps) has this code. */
function onlyKafkaError (error: unknown, code: number): boolean {
  const codes: unknown[] = []
  const seen = new Set<unknown>()
  const walk = (e: unknown): void => {
    if (typeof e !== 'object' || e === null || seen.has(e)) return
    seen.add(e)
    const o = e as { apiCode?: unknown, errorCode?: unknown, errors?: unknown[], cause?: unknown }
    if (typeof o.apiCode === 'number' && o.apiCode !== 0) codes.push(o.apiCode)
    else if (typeof o.errorCode === 'number' && o.errorCode !== 0) codes.push(o.errorCode)
    if (Array.isArray(o.errors)) o.errors.forEach(walk)
    walk(o.cause)
  }
  walk(error)
  return codes.length > 0 && codes.every((c) => c === code)
}
