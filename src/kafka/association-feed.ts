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
import { isStaleLeader } from './partition-reader.ts'
import type { PartitionReader } from './partition-reader.ts'
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
  private readonly options: AssociationFollowerOptions
  private readonly topic: string
  private next = 0n
  private stopped = false
  private loop: Promise<void> | undefined
  private caughtUp: (() => void) | undefined
  /** Resolves once the topic has been read up to its end as it was at start. */
  readonly ready: Promise<void>
  applied = 0

  constructor (options: AssociationFollowerOptions) {
    this.options = options
    this.topic = associationsTopic(options.settings)
    this.ready = new Promise((resolve) => { this.caughtUp = resolve })
  }

  start (): void {
    this.loop = this.run()
  }

  async stop (): Promise<void> {
    this.stopped = true
    this.caughtUp?.()
    await this.loop
  }

  private async run (): Promise<void> {
    const { reader, logger } = this.options
    let target: bigint | undefined
    let failures = 0
    while (!this.stopped) {
      try {
        const location = await reader.locate(this.topic, failures > 0)
        if (target === undefined) {
          const b = await reader.bounds(this.topic)
          target = b.end
          this.next = b.start
        }
        if (this.next >= target) this.caughtUp?.()
        const [result] = await reader.fetch(location.leader, [{ topic: this.topic, offset: this.next, maxBytes: 4 * 1024 * 1024 }], this.options.maxWaitMs ?? 500)
        if (result === undefined) continue
        if (result.errorCode !== 0) {
          if (isStaleLeader(result.errorCode)) reader.forget(this.topic)
          if (result.errorCode === 1) this.next = (await reader.bounds(this.topic)).start
          throw new Error(`Kafka error ${result.errorCode} reading ${this.topic}`)
        }
        failures = 0
        for (const r of result.records) {
          if (r.offset < this.next) continue
          this.next = r.offset + 1n
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
          this.options.onChange(r.key, prefixes)
        }
      } catch (error) {
        failures++
        if (failures === 1 || failures % 20 === 0) logger.warn({ err: error, failures }, 'cannot read the associations topic: retrying')
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 100 * 2 ** Math.min(failures, 6))))
      }
    }
  }
}
