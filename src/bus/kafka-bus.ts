// The bus over Kafka (bus.ts has the contract): records are published to the records topic as
// JSON, keyed by vantage point (`partitionKey`), so that each vantage point's records stay in one
// partition and in order; a subscription is a member of a consumer group over that topic.
//
// Publishing: an idempotent producer with acks=all (no record is written twice by the producer's
// own retries, none is acknowledged before every in-sync replica has it). Records wait in one
// bounded queue and go out in batches (at most 512 KiB of JSON for any one partition, a request
// at most every 5 ms), one request in flight, so their order holds across retries. A failed request is retried with backoff for as long as it takes (a broker restarting,
// a leader moving); meanwhile the queue fills, `writable()` holds the sources back (BGP sessions
// stop reading their sockets) and past the bound records are dropped and counted.
//
// Consuming: at least once. A partition's offset is committed only up to its first record not yet
// acknowledged, so that a consumer killed mid-way has its partitions re-read from there by
// another member of the group; handlers must tolerate a record seen twice (the matcher role
// deduplicates its frames, src/kafka/key-topic-writer.ts). Records not yet acknowledged are
// bounded: past `maxUnacked` the subscription stops pulling until acknowledgements catch up.
import { randomBytes } from 'node:crypto'
import { Consumer, defaultPartitioner, ProduceAcks, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka'
import type { MessagesStream } from '@platformatic/kafka'
import { clientOptions } from '../kafka/kafka-settings.ts'
import type { KafkaSettings } from '../kafka/kafka-settings.ts'
import { recordsTopic } from '../kafka/topics.ts'
import type { Logger } from '../log.ts'
import { parseRecord, recordToJson } from '../record/json.ts'
import type { BgpRecord } from '../record/types.ts'
import { partitionKey } from './bus.ts'
import type { Bus, BusDelivery, BusHandler, BusStats, BusSubscription, SubscribeOptions, SubscriptionStats } from './bus.ts'

export interface KafkaBusOptions {
  settings: KafkaSettings
  logger: Logger
  /** Names this process to the brokers (client id); default 'bgproutes-live'. */
  clientId?: string
  /** Records waiting to be published, at most; default 65,536. */
  maxQueued?: number
  /** Records per produce request, at most; default 4,096. */
  batch?: number
  /**
   * Octets of JSON per partition in one produce request, at most; default 512 KiB (the brokers
   * refuse a partition's record batch over their message.max.bytes, 1 MiB by default, whatever
   * it compresses to).
   */
  batchBytes?: number
  /** Least time between the starts of two produce requests (fewer, fuller requests); default 5 ms. */
  lingerMs?: number
  /** Consumer group session timeout: how long a dead member holds its partitions; default 10 s. */
  sessionTimeoutMs?: number
  /** How long `close()` keeps trying to publish what is queued; default 30 s. */
  closeTimeoutMs?: number
}

export interface KafkaSubscribeOptions extends SubscribeOptions {
  /** At unsubscribe, after the last record is handed over and before the last commit: finish what was handed over. */
  drain?: () => Promise<void>
  /** Called when this member's partitions change (a rebalance): what it knew of other partitions may be stale. */
  onRebalance?: (partitions: number[]) => void
  /** Records handed over and not yet acknowledged, at most; default 20,000. */
  maxUnacked?: number
}

const DEFAULT_MAX_QUEUED = 65_536
const DEFAULT_BATCH = 4096
/** Octets of JSON in one produce request, at most (the brokers' socket.request.max.bytes is 100 MiB). */
const MAX_REQUEST_BYTES = 8 * 1024 * 1024
const COMMIT_INTERVAL_MS = 200
/** Partition-key hashes kept (vantage points: a collector has tens, a route server a few thousand). */
const MAX_KEY_HASHES = 65_536

export class KafkaBus implements Bus {
  readonly settings: KafkaSettings
  private readonly logger: Logger
  private readonly clientId: string
  private readonly topic: string
  private readonly maxQueued: number
  private readonly batch: number
  private readonly batchBytes: number
  private readonly lingerMs: number
  private lastSend = -Infinity
  private readonly sessionTimeoutMs: number
  private readonly closeTimeoutMs: number
  private producer: Producer<string, string, string, string> | undefined
  /** Records to publish, each with its key's hash: its partition is hash % the topic's partition count. */
  private queue: Array<{ key: string, value: string, id: string, hash: number }> = []
  /** The records topic's partition count, read once (changing it reorders vantage points: restart the collectors). */
  private partitions: number | undefined
  /** Names this bus's records (header `id` = instance:counter) so that a copy written twice is known. */
  private readonly instance = randomBytes(6).toString('hex')
  private counter = 0
  private head = 0
  private sending = false
  private flushScheduled = false
  private retryDelay = 0
  private lastErrorLog = 0
  private closed = false
  private published = 0
  private dropped = 0
  private rejectedClosed = 0
  private sendErrors = 0
  private writableWaiters: Array<() => void> = []
  private idleWaiters: Array<() => void> = []
  private readonly subscriptions = new Set<KafkaSubscription>()
  /** Each partition key's hash: the keys are vantage points, few and long-lived; the hash (murmur2) was ~3 % of a collector's time. */
  private readonly keyHashes = new Map<string, number>()

  constructor (options: KafkaBusOptions) {
    this.settings = options.settings
    this.logger = options.logger
    this.clientId = options.clientId ?? 'bgproutes-live'
    this.topic = recordsTopic(options.settings)
    this.maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED
    this.batch = options.batch ?? DEFAULT_BATCH
    this.batchBytes = options.batchBytes ?? 512 * 1024
    this.lingerMs = options.lingerMs ?? 5
    this.sessionTimeoutMs = options.sessionTimeoutMs ?? 10_000
    this.closeTimeoutMs = options.closeTimeoutMs ?? 30_000
  }

  get stats (): BusStats & { sendErrors: number, queued: number } {
    return {
      published: this.published,
      dropped: this.dropped,
      rejectedClosed: this.rejectedClosed,
      sendErrors: this.sendErrors,
      queued: this.queue.length - this.head,
      subscriptions: [...this.subscriptions].map((s) => s.stats)
    }
  }

  publish (record: BgpRecord): boolean {
    if (this.closed) {
      this.rejectedClosed++
      return false
    }
    if (this.queue.length - this.head >= this.maxQueued) {
      this.dropped++
      return false
    }
    const key = partitionKey(record)
    // The client's own partitioner, computed here so that a request can be bounded per partition.
    let hash = this.keyHashes.get(key)
    if (hash === undefined) {
      // Bounded: a collector with more vantage points than this only hashes some of them again.
      if (this.keyHashes.size >= MAX_KEY_HASHES) this.keyHashes.clear()
      hash = defaultPartitioner(undefined as never, Buffer.from(key))
      this.keyHashes.set(key, hash)
    }
    this.queue.push({ key, value: recordToJson(record), id: this.instance + ':' + String(this.counter++), hash })
    this.scheduleFlush()
    return true
  }

  async writable (): Promise<void> {
    if (this.closed || this.queue.length - this.head < this.maxQueued) return
    await new Promise<void>((resolve) => { this.writableWaiters.push(resolve) })
  }

  subscribe (handler: BusHandler, options: KafkaSubscribeOptions = {}): BusSubscription {
    const sub = new KafkaSubscription(this, handler, options, this.logger)
    this.subscriptions.add(sub)
    sub.start()
    return sub
  }

  /** Resolves when every record published so far is on the brokers (acknowledged by all in-sync replicas). */
  async flush (): Promise<void> {
    if (this.isIdle()) return
    await new Promise<void>((resolve) => { this.idleWaiters.push(resolve) })
  }

  /** Refuse new records, publish the queued ones (up to the close timeout), stop the subscriptions. */
  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.wakeWritable()
    let timer: NodeJS.Timeout | undefined
    const timedOut = await Promise.race([
      this.flush().then(() => false),
      new Promise<boolean>((resolve) => { timer = setTimeout(() => { resolve(true) }, this.closeTimeoutMs) })
    ])
    clearTimeout(timer)
    if (timedOut) {
      const lost = this.queue.length - this.head
      this.logger.error({ lost }, 'Kafka bus closed with records not published: the brokers did not take them in time')
    }
    await Promise.all([...this.subscriptions].map(async (s) => { await s.unsubscribe() }))
    await this.producer?.close().catch(() => {})
  }

  /** @internal */
  consumerFor (group: string): Consumer<string, string, string, string> {
    return new Consumer({
      ...clientOptions(this.settings, this.clientId),
      groupId: this.settings.topicPrefix + '.' + group,
      deserializers: stringDeserializers,
      autocommit: false,
      sessionTimeout: this.sessionTimeoutMs,
      heartbeatInterval: Math.max(500, Math.floor(this.sessionTimeoutMs / 5)),
      rebalanceTimeout: Math.max(this.sessionTimeoutMs, 10_000),
      maxWaitTime: 500,
      isolationLevel: 0
    })
  }

  /** @internal */
  get recordsTopic (): string {
    return this.topic
  }

  /** @internal */
  unsubscribed (sub: KafkaSubscription): void {
    this.subscriptions.delete(sub)
  }

  private isIdle (): boolean {
    return this.queue.length === this.head && !this.sending
  }

  private scheduleFlush (): void {
    if (this.flushScheduled || this.sending) return
    this.flushScheduled = true
    const wait = this.lastSend + this.lingerMs - performance.now()
    const go = (): void => {
      this.flushScheduled = false
      this.send()
    }
    if (wait > 0) setTimeout(go, wait)
    else setImmediate(go)
  }

  private send (): void {
    if (this.sending || this.flushScheduled) return
    if (this.queue.length === this.head) {
      this.wakeIdle()
      return
    }
    if (performance.now() - this.lastSend < this.lingerMs) {
      this.scheduleFlush()
      return
    }
    this.lastSend = performance.now()
    this.producer ??= new Producer({
      ...clientOptions(this.settings, this.clientId),
      serializers: stringSerializers,
      idempotent: true,
      acks: ProduceAcks.ALL,
      compression: 'lz4',
      autocreateTopics: false,
      // The client's own retries keep the request's idempotence sequence, so a leader moving (a
      // broker lost: ~10 s) is ridden out without a record written twice. Sending the batch again
      // ourselves (below, after these) can write twice the part that had gone through.
      retries: 80
    })
    const partitions = this.partitions
    if (partitions === undefined) {
      this.readPartitions(this.producer)
      return
    }
    // Up to `batch` records, up to `batchBytes` of them in any one partition, in queue order.
    const last = Math.min(this.queue.length, this.head + this.batch)
    const perPartition = new Map<number, number>()
    let end = this.head
    for (let total = 0; end < last; end++) {
      const q = this.queue[end]
      const p = q.hash % partitions
      const bytes = (perPartition.get(p) ?? 0) + q.value.length
      if (end > this.head && (bytes > this.batchBytes || total + q.value.length > MAX_REQUEST_BYTES)) break
      perPartition.set(p, bytes)
      total += q.value.length
    }
    const batch = this.queue.slice(this.head, end)
    this.sending = true
    this.producer.send({ messages: batch.map((m) => ({ topic: this.topic, key: m.key, value: m.value, headers: { id: m.id }, partition: m.hash % partitions })) }).then(() => {
      this.sending = false
      this.retryDelay = 0
      this.head = end
      this.published += batch.length
      if (this.head > 4096 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head)
        this.head = 0
      }
      this.wakeWritable()
      this.send()
    }, (error: unknown) => {
      this.retryLater(error, 'cannot publish records to Kafka: retrying (records wait in the bounded queue)')
    })
  }

  /** A request failed: send again after a backoff (logged at most every 10 s). */
  private retryLater (error: unknown, message: string): void {
    this.sending = false
    this.sendErrors++
    this.retryDelay = Math.min(5_000, this.retryDelay === 0 ? 250 : this.retryDelay * 2)
    const now = Date.now()
    if (now - this.lastErrorLog > 10_000) {
      this.lastErrorLog = now
      this.logger.error({ err: error, topic: this.topic, queued: this.queue.length - this.head, retryInMs: this.retryDelay }, message)
    }
    setTimeout(() => { this.send() }, this.retryDelay).unref()
  }

  /** Read the records topic's partition count, then send (retried with backoff, as a failed send). */
  private readPartitions (producer: Producer<string, string, string, string>): void {
    this.sending = true
    producer.metadata({ topics: [this.topic] }).then((metadata) => {
      const count = metadata.topics.get(this.topic)?.partitionsCount ?? 0
      if (count < 1) throw new Error(`topic ${this.topic} has no partition`)
      this.partitions = count
      this.sending = false
      this.send()
    }).catch((error: unknown) => {
      this.retryLater(error, 'cannot read the records topic\'s partitions: retrying (records wait in the bounded queue)')
    })
  }

  private wakeWritable (): void {
    if (!this.closed && this.queue.length - this.head >= this.maxQueued) return
    const waiters = this.writableWaiters
    this.writableWaiters = []
    for (const w of waiters) w()
  }

  private wakeIdle (): void {
    const waiters = this.idleWaiters
    this.idleWaiters = []
    for (const w of waiters) w()
  }
}

/** Per partition: offsets handed over, in order, with whether each is acknowledged. */
interface PartitionProgress {
  offsets: bigint[]
  acked: boolean[]
  head: number
  /** Entries cut from the front so far: entry i (absolute) is at index i - base. */
  base: number
  leaderEpoch: number
  /** Offset to commit next time (the first not acknowledged), and the one last committed. */
  commitable: bigint | undefined
  committed: bigint | undefined
}

/** Records of a partition handed over and not acknowledged. */
function pendingOf (pr: PartitionProgress): number {
  let n = 0
  for (let i = pr.head; i < pr.acked.length; i++) if (!pr.acked[i]) n++
  return n
}

class KafkaSubscription implements BusSubscription {
  readonly group: string
  private readonly bus: KafkaBus
  private readonly handler: BusHandler
  private readonly manual: boolean
  private readonly options: KafkaSubscribeOptions
  private readonly logger: Logger
  private readonly maxUnacked: number
  private consumer: Consumer<string, string, string, string> | undefined
  private stream: MessagesStream<string, string, string, string> | undefined
  private readonly progress = new Map<number, PartitionProgress>()
  /** Partitions of the last assignment (undefined before the first). */
  private assigned: Set<number> | undefined
  private generation = 0
  private unacked = 0
  private ackWaiter: (() => void) | undefined
  private commitTimer: NodeJS.Timeout | undefined
  private committing: Promise<void> | undefined
  private commitFailures = 0
  private stopped = false
  private loop: Promise<void> = Promise.resolve()
  private delivered = 0
  private acked = 0
  private handlerErrors = 0
  private badRecords = 0
  private duplicates = 0
  /** Per records partition and publishing bus: the highest record counter seen. */
  private readonly lastIds = new Map<string, number>()

  constructor (bus: KafkaBus, handler: BusHandler, options: KafkaSubscribeOptions, logger: Logger) {
    this.bus = bus
    this.handler = handler
    this.group = options.group ?? 'default'
    this.manual = options.ack === 'manual'
    this.options = options
    this.logger = logger.child({ group: this.group })
    this.maxUnacked = options.maxUnacked ?? 20_000
  }

  get stats (): SubscriptionStats & { badRecords: number, duplicates: number } {
    return {
      group: this.group,
      delivered: this.delivered,
      acked: this.acked,
      dropped: 0,
      queued: this.unacked,
      handlerErrors: this.handlerErrors,
      badRecords: this.badRecords,
      duplicates: this.duplicates
    }
  }

  start (): void {
    this.loop = this.runUntilStopped()
    this.commitTimer = setInterval(() => { this.commit().catch(() => {}) }, COMMIT_INTERVAL_MS)
    this.commitTimer.unref()
  }

  async unsubscribe (): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    clearInterval(this.commitTimer)
    this.ackWaiter?.()
    await this.stream?.close().catch(() => {})
    await this.loop
    // Bounded: a drain that cannot finish (the brokers gone) must not keep the process alive.
    if (this.options.drain !== undefined) {
      let timer: NodeJS.Timeout | undefined
      await Promise.race([this.options.drain().catch(() => {}), new Promise((resolve) => { timer = setTimeout(resolve, 30_000) })])
      clearTimeout(timer)
    }
    await this.committing
    await this.commit().catch(() => {})
    await this.consumer?.close().catch(() => {})
    this.bus.unsubscribed(this)
  }

  /**
   * Consume until unsubscribed. A consumer that fails for good (the brokers unreachable past the
   * client's retries) is closed and a new one joins the group after a backoff: its partitions are
   * read again from their committed offsets, which at least once allows.
   */
  private async runUntilStopped (): Promise<void> {
    for (let failures = 0; !this.stopped;) {
      try {
        await this.run()
        failures = 0
      } catch (error) {
        if (this.stopped) return
        failures++
        const delay = Math.min(10_000, 500 * 2 ** Math.min(failures - 1, 5))
        this.logger.error({ err: error, retryInMs: delay }, 'Kafka subscription failed: joining the group again')
        const consumer = this.consumer
        this.consumer = undefined
        this.stream = undefined
        for (const pr of this.progress.values()) this.unacked -= pendingOf(pr)
        this.progress.clear()
        this.lastIds.clear()
        this.assigned = undefined
        await consumer?.close(true).catch(() => {})
        await new Promise((resolve) => setTimeout(resolve, delay))
      }
    }
  }

  private async run (): Promise<void> {
    const consumer = this.bus.consumerFor(this.group)
    this.consumer = consumer
    consumer.on('consumer:group:join', (payload) => {
      this.generation++
      const mine = new Set<number>()
      for (const a of payload.assignments ?? []) if (a.topic === this.bus.recordsTopic) for (const p of a.partitions) mine.add(p)
      this.assigned = mine
      // Partitions that went to another member: what is pending there will be re-read by it. The
      // ones kept are read again from their committed offset (the client does so after every
      // rebalance): those records come a second time and are appended to the partition's
      // progress; the commit point still never passes a record not acknowledged (it may move
      // back, which only means more to re-read after a crash).
      for (const [p, pr] of [...this.progress]) {
        if (mine.has(p)) continue
        this.unacked -= pendingOf(pr)
        this.progress.delete(p)
      }
      for (const source of [...this.lastIds.keys()]) if (!mine.has(Number(source.slice(0, source.indexOf('|'))))) this.lastIds.delete(source)
      this.wakeAckWaiter()
      this.logger.info({ partitions: [...mine].sort((a, b) => a - b), generation: this.generation }, 'records partitions assigned')
      this.options.onRebalance?.([...mine])
    })
    const stream = await consumer.consume({ topics: [this.bus.recordsTopic], mode: 'committed', fallbackMode: 'earliest', autocommit: false })
    this.stream = stream
    if (this.stopped) {
      await stream.close()
      return
    }
    for await (const message of stream) {
      if (this.stopped) break
      const partition = message.partition
      // Fetched before a rebalance took the partition away: its new owner reads it.
      if (this.assigned !== undefined && !this.assigned.has(partition)) continue
      let pr = this.progress.get(partition)
      if (pr === undefined) {
        pr = { offsets: [], acked: [], head: 0, base: 0, leaderEpoch: message.leaderEpoch, commitable: undefined, committed: undefined }
        this.progress.set(partition, pr)
      }
      pr.leaderEpoch = message.leaderEpoch
      const index = pr.base + pr.offsets.length
      pr.offsets.push(message.offset)
      pr.acked.push(false)
      this.unacked++
      this.delivered++
      const entry = pr
      let done = false
      const ack = (): void => {
        if (done) return
        done = true
        this.acked++
        // A partition taken away since: its progress is gone, nothing to record.
        if (this.progress.get(partition) !== entry) return
        entry.acked[index - entry.base] = true
        this.unacked--
        this.advance(entry)
        if (this.unacked < this.maxUnacked / 2) this.wakeAckWaiter()
      }
      // A copy of a record the bus wrote twice (a produce request that failed in part was sent
      // again), or one read again after a rebalance (then the first delivery is still on its way
      // and holds the commit point): skipped.
      const id = message.headers.get('id')
      const colon = id === undefined ? -1 : id.lastIndexOf(':')
      if (id !== undefined && colon > 0) {
        const source = String(partition) + '|' + id.slice(0, colon)
        const counter = Number(id.slice(colon + 1))
        const last = this.lastIds.get(source)
        if (last !== undefined && counter <= last) {
          this.duplicates++
          ack()
          continue
        }
        this.lastIds.set(source, counter)
      }
      let record: BgpRecord
      try {
        record = parseRecord(message.value)
      } catch (error) {
        this.badRecords++
        this.logger.error({ err: error, partition, offset: String(message.offset) }, 'a record on the records topic is not a record: skipped')
        ack()
        continue
      }
      const delivery: BusDelivery = { record, key: message.key, offset: Number(message.offset), partition, timestamp: Number(message.timestamp), ack }
      try {
        const result = this.handler(delivery)
        if (result instanceof Promise) await result
        if (!this.manual) ack()
      } catch (error) {
        this.handlerErrors++
        this.options.onError?.(error, delivery)
        ack()
      }
      if (this.unacked >= this.maxUnacked) await new Promise<void>((resolve) => { this.ackWaiter = resolve })
    }
    // The stream ended without an error: closed by unsubscribe, or by the client (reported as one).
    if (!this.stopped) throw new Error('the records stream ended')
  }

  private wakeAckWaiter (): void {
    const w = this.ackWaiter
    this.ackWaiter = undefined
    w?.()
  }

  /** Move the partition's commit point past its acknowledged head. */
  private advance (pr: PartitionProgress): void {
    while (pr.head < pr.offsets.length && pr.acked[pr.head]) pr.head++
    pr.commitable = pr.head < pr.offsets.length ? pr.offsets[pr.head] : pr.offsets[pr.offsets.length - 1] + 1n
    if (pr.head > 1024 && pr.head * 2 > pr.offsets.length) {
      pr.offsets = pr.offsets.slice(pr.head)
      pr.acked = pr.acked.slice(pr.head)
      pr.base += pr.head
      pr.head = 0
    }
  }

  private async commit (): Promise<void> {
    if (this.committing !== undefined) return
    const consumer = this.consumer
    if (consumer === undefined) return
    const offsets = []
    for (const [partition, pr] of this.progress) {
      if (pr.commitable === undefined || pr.commitable === pr.committed) continue
      offsets.push({ topic: this.bus.recordsTopic, partition, offset: pr.commitable, leaderEpoch: pr.leaderEpoch, pr, value: pr.commitable })
    }
    if (offsets.length === 0) return
    this.committing = (async () => {
      try {
        await consumer.commit({ offsets: offsets.map(({ topic, partition, offset, leaderEpoch }) => ({ topic, partition, offset, leaderEpoch })) })
        for (const o of offsets) o.pr.committed = o.value
        this.commitFailures = 0
      } catch (error) {
        // A rebalance in progress or a partition just taken away: the next round commits what is
        // ours. Failures that go on (a second's worth) are worth a warning: nothing is lost, but
        // a crash now would mean more records to read again.
        this.commitFailures++
        if (this.commitFailures % 5 === 0) this.logger.warn({ err: error, failures: this.commitFailures }, 'offset commits keep failing')
        else this.logger.debug({ err: error }, 'offset commit failed')
      } finally {
        this.committing = undefined
      }
    })()
    await this.committing
  }
}
