// The topics of a Kafka deployment (docs/kafka.md has their settings and why):
//
//   <prefix>.records        normalised records (JSON), keyed by vantage point: per-VP order holds.
//                           Many partitions (matchers share them), deleted after a short retention.
//   <prefix>.associations   each key's prefix list, keyed by key id; compacted, a tombstone when
//                           the key has no prefixes: the matchers' copy of every association.
//   <prefix>.key.<key id>   one key's frames (JSON without `seq`), one partition, so that the
//                           frame at offset N is the key's seq N + 1; kept for the key retention.
import { Admin } from '@platformatic/kafka'
import { clientOptions } from './kafka-settings.ts'
import type { KafkaSettings } from './kafka-settings.ts'

export function recordsTopic (settings: KafkaSettings): string {
  return settings.topicPrefix + '.records'
}

export function associationsTopic (settings: KafkaSettings): string {
  return settings.topicPrefix + '.associations'
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
      'message.timestamp.type': 'CreateTime'
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

  async ensureKey (keyId: string): Promise<void> {
    await this.ensure(keyTopic(this.settings, keyId), keySpec(this.settings))
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
    try {
      await this.admin.createTopics({
        topics: [topic],
        partitions: spec.partitions,
        replicas: this.settings.replication,
        configs: Object.entries(spec.configs).map(([name, value]) => ({ name, value }))
      })
    } catch (error) {
      if (!isTopicExists(error)) throw error
    }
    this.known.add(topic)
  }
}

/** True for Kafka's TOPIC_ALREADY_EXISTS (36), however the client wrapped it. */
export function isTopicExists (error: unknown): boolean {
  return hasKafkaError(error, 36)
}

/** True when `error`, or one it wraps, is the Kafka protocol error with this code. */
export function hasKafkaError (error: unknown, code: number): boolean {
  const seen = new Set<unknown>()
  const walk = (e: unknown): boolean => {
    if (typeof e !== 'object' || e === null || seen.has(e)) return false
    seen.add(e)
    const o = e as { apiCode?: unknown, errorCode?: unknown, errors?: unknown[], cause?: unknown }
    if (o.apiCode === code || o.errorCode === code) return true
    if (Array.isArray(o.errors) && o.errors.some(walk)) return true
    return walk(o.cause)
  }
  return walk(error)
}
