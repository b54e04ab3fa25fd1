// Every key's prefix list on the compacted associations topic: the api role writes a key's list
// each time it changes (a tombstone when it is emptied: cleared by the 4-hour rule, set empty,
// key revoked), and every matcher follows the topic from its start, so that a change reaches
// each matcher's trie within one fetch round trip, wherever the matchers run. The database stays
// the reference: matchers load it at start and compare with it every minute (missed messages,
// keys changed with the keys CLI).
import { ProduceAcks, Producer, stringSerializers } from '@platformatic/kafka'
import type { Logger } from '../log.ts'
import { clientOptions } from './kafka-settings.ts'
import type { KafkaSettings } from './kafka-settings.ts'
import type { PartitionReader } from './partition-reader.ts'
import { TopicFollower } from './topic-follower.ts'
import { associationsTopic } from './topics.ts'

export class AssociationPublisher {
  private readonly producer: Producer<string, string, string, string>
  private readonly topic: string

  constructor (settings: KafkaSettings, clientId: string) {
    this.topic = associationsTopic(settings)
    this.producer = new Producer({
      ...clientOptions(settings, clientId),
      serializers: stringSerializers,
      idempotent: true,
      acks: ProduceAcks.ALL,
      autocreateTopics: false,
      retries: 80
    })
  }

  /** Publish a key's list (empty: a tombstone). Resolves once every in-sync replica has it. */
  async publish (keyId: string, prefixes: readonly string[]): Promise<void> {
    // A null value is the tombstone compaction removes; the serializer passes undefined through as null.
    const value = prefixes.length === 0 ? undefined : JSON.stringify(prefixes)
    await this.producer.send({ messages: [{ topic: this.topic, key: keyId, value }] })
  }

  async close (): Promise<void> {
    await this.producer.close().catch(() => {})
  }
}

export interface AssociationFollowerOptions {
  settings: KafkaSettings
  reader: PartitionReader
  logger: Logger
  /** A key's list as published (empty for a tombstone). */
  onChange: (keyId: string, prefixes: string[]) => void
  /** Longest wait of one fetch; default 500 ms. */
  maxWaitMs?: number
}

/** Follows the associations topic from its start until `stop`. */
export class AssociationFollower {
  private readonly follower: TopicFollower
  /** Resolves once the topic has been read up to its end as it was at start. */
  readonly ready: Promise<void>
  applied = 0

  constructor (options: AssociationFollowerOptions) {
    const { logger } = options
    this.follower = new TopicFollower({
      reader: options.reader,
      topic: associationsTopic(options.settings),
      logger,
      from: 'start',
      what: 'the associations topic',
      ...(options.maxWaitMs === undefined ? {} : { maxWaitMs: options.maxWaitMs }),
      onRecords: (records) => {
        for (const r of records) {
          if (r.key === undefined) continue
          let prefixes: string[] = []
          if (r.value !== null && r.value.length > 0) {
            try {
              const parsed: unknown = JSON.parse(r.value.toString())
              if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === 'string')) throw new TypeError('not a list of prefixes')
              prefixes = parsed as string[]
            } catch (error) {
              logger.error({ err: error, keyId: r.key, offset: String(r.offset) }, 'an association on the topic is not a prefix list: skipped')
              continue
            }
          }
          this.applied++
          options.onChange(r.key, prefixes)
        }
      }
    })
    this.ready = this.follower.ready
  }

  start (): void {
    this.follower.start()
  }

  async stop (): Promise<void> {
    await this.follower.stop()
  }
}
