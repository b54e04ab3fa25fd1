// The `matcher` role: a member of the matchers' consumer group over the records topic. Each record
// goes through the trie of every association (src/matcher), and each key's frames go to the key's
// topic (key-topic-writer.ts, which numbers them by offset and skips what a previous owner of the
// partition wrote already). A record is acknowledged, and its offset committed, once all its
// frames are on the brokers: a matcher killed at any point loses nothing and, once its partitions
// are re-read by another member, duplicates nothing.
//
// The trie follows the associations: loaded from the database at start, kept current by the
// associations topic (association-feed.ts), compared with the database every minute.
import type { KafkaBus } from '../bus/kafka-bus.ts'
import type { BusDelivery, BusSubscription } from '../bus/bus.ts'
import type { Logger } from '../log.ts'
import { Matcher } from '../matcher/matcher.ts'
import type { ServiceMetrics } from '../service/service-metrics.ts'
import type { Store } from '../store/types.ts'
import { AssociationFollower } from './association-feed.ts'
import { KeyTopicWriter } from './key-topic-writer.ts'
import { PartitionReader } from './partition-reader.ts'
import type { TopicAdmin } from './topics.ts'

export interface KafkaMatcherOptions {
  store: Store
  bus: KafkaBus
  reader: PartitionReader
  admin: TopicAdmin
  logger: Logger
  clientId: string
  metrics?: ServiceMetrics
  /** How often the trie is compared with the database; default 60 s, 0 never. */
  resyncIntervalMs?: number
}

export class KafkaMatcher {
  readonly matcher = new Matcher({ maxPrefixesPerKey: 100_000 })
  readonly writer: KeyTopicWriter
  private readonly options: KafkaMatcherOptions
  private readonly logger: Logger
  private readonly follower: AssociationFollower
  private readonly followerReader: PartitionReader
  private subscription: BusSubscription | undefined
  private resyncTimer: NodeJS.Timeout | undefined

  constructor (options: KafkaMatcherOptions) {
    this.options = options
    this.logger = options.logger
    this.writer = new KeyTopicWriter({
      settings: options.bus.settings,
      admin: options.admin,
      reader: options.reader,
      logger: options.logger,
      clientId: options.clientId
    })
    // The follower long-polls: a reader of its own, so that tail reads never wait behind it.
    this.followerReader = new PartitionReader(options.bus.settings, options.clientId + '-associations')
    this.follower = new AssociationFollower({
      settings: options.bus.settings,
      reader: this.followerReader,
      logger: options.logger,
      onChange: (keyId, prefixes) => { this.apply(keyId, prefixes) }
    })
  }

  async start (): Promise<void> {
    await this.options.admin.ensureRecords()
    await this.options.admin.ensureAssociations()
    await this.resync()
    // Keys whose prefixes were set without the api role (keys CLI) have no topic yet: make them
    // all now, in a few requests, rather than one at a time on their first frames.
    const created = await this.options.admin.ensureKeys(this.matcher.keyIds())
    if (created > 0) this.logger.info({ topics: created }, 'key topics created')
    this.follower.start()
    await this.follower.ready
    this.logger.info({ keys: this.matcher.stats.keys, associations: this.matcher.stats.associations }, 'associations loaded')
    this.subscription = this.options.bus.subscribe((d) => { this.handle(d) }, {
      group: 'matcher',
      ack: 'manual',
      onRebalance: () => { this.writer.rebalanced() },
      drain: async () => { await this.writer.flush() },
      onError: (error) => { this.logger.error({ err: error }, 'record handling failed') }
    })
    const interval = this.options.resyncIntervalMs ?? 60_000
    if (interval > 0) {
      this.resyncTimer = setInterval(() => { this.resync().catch(() => {}) }, interval)
      this.resyncTimer.unref()
    }
  }

  /** Stop taking records; write the frames of those taken, commit, leave the group. */
  async stop (): Promise<void> {
    clearInterval(this.resyncTimer)
    await this.subscription?.unsubscribe()
    // The subscription drained the writer (bounded); what is still unwritten is left to the
    // records' next reader: their offsets were not committed.
    await this.writer.close()
    await this.follower.stop()
    await this.followerReader.close().catch(() => {})
  }

  /** Bring the trie in line with the database. Returns the number of keys changed. */
  async resync (): Promise<number> {
    let changed = 0
    try {
      const stored = await this.options.store.listAssociations()
      const seen = new Set<string>()
      for (const a of stored) {
        seen.add(a.keyId)
        if (this.matcher.keyPrefixes(a.keyId).join(',') !== a.prefixes.join(',')) {
          this.apply(a.keyId, a.prefixes)
          changed++
        }
      }
      for (const keyId of [...this.matcher.keyIds()]) {
        if (seen.has(keyId)) continue
        this.matcher.removeKey(keyId)
        changed++
      }
    } catch (error) {
      this.logger.error({ err: error }, 'cannot read the associations from the database')
    }
    return changed
  }

  private apply (keyId: string, prefixes: readonly string[]): void {
    try {
      if (prefixes.length === 0) this.matcher.removeKey(keyId)
      else this.matcher.setKeyPrefixes(keyId, prefixes)
    } catch (error) {
      this.logger.error({ err: error, keyId }, 'matcher refused a prefix list')
    }
  }

  private handle (delivery: BusDelivery): void {
    const started = process.hrtime.bigint()
    const partition = delivery.partition ?? 0
    const timestamp = delivery.timestamp ?? Date.now()
    this.writer.recordSeen(partition, timestamp)
    const frames = this.matcher.match(delivery.record)
    const metrics = this.options.metrics
    if (metrics !== undefined) {
      metrics.kafkaStageDelay.observe({ stage: 'taken' }, Math.max(0, Date.now() - timestamp) / 1000)
      metrics.matchSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9)
      metrics.records.inc({ source: delivery.record.source })
      if (frames.length > 0) metrics.framesMatched.inc(frames.length)
    }
    if (frames.length === 0) {
      delivery.ack()
      return
    }
    let left = frames.length
    const done = (): void => {
      if (--left !== 0) return
      delivery.ack()
      metrics?.kafkaStageDelay.observe({ stage: 'written' }, Math.max(0, Date.now() - timestamp) / 1000)
    }
    const origin = { partition, offset: delivery.offset, timestamp }
    for (const { keyId, text } of frames) this.writer.write(keyId, text, origin, done)
  }
}
