// Follows a one-partition topic with long-polling fetches until stopped: the associations (a
// matcher reads them all from the start) and the written notices (a gateway reads what comes after
// it started). The reader must be the follower's own: its fetches wait at the broker (up to
// `maxWaitMs`), and fetches to one broker take turns (partition-reader.ts).
//
// Errors never end the loop: the leader is looked up again, and after an offset fell out of the
// topic's range (retention) reading goes on from where the topic starts or ends now, per `from`.
import type { Logger } from '../log.ts'
import { isStaleLeader, KafkaErrors } from './partition-reader.ts'
import type { FetchedRecord, PartitionReader } from './partition-reader.ts'

export interface TopicFollowerOptions {
  reader: PartitionReader
  topic: string
  logger: Logger
  /** Read from the topic's start, or only what is written after the follower started. */
  from: 'start' | 'end'
  /** The records of one fetch, in offset order. */
  onRecords: (records: FetchedRecord[]) => void
  /** What the warning says cannot be read, e.g. "the associations topic". */
  what: string
  /** Longest wait of one fetch; default 500 ms. */
  maxWaitMs?: number
  /** Octets per fetch; default 4 MiB. */
  maxBytes?: number
}

export class TopicFollower {
  private readonly options: TopicFollowerOptions
  private next = 0n
  private stopped = false
  private loop: Promise<void> | undefined
  private caughtUp: (() => void) | undefined
  /**
   * Resolves once the follower knows where it reads from and has read up to the topic's end as it
   * was then (at once for `from: 'end'`).
   */
  readonly ready: Promise<void>

  constructor (options: TopicFollowerOptions) {
    this.options = options
    this.ready = new Promise((resolve) => { this.caughtUp = resolve })
  }

  start (): void {
    this.loop ??= this.run()
  }

  async stop (): Promise<void> {
    this.stopped = true
    this.caughtUp?.()
    await this.loop
  }

  private async run (): Promise<void> {
    const { reader, logger, topic } = this.options
    let target: bigint | undefined
    let failures = 0
    while (!this.stopped) {
      try {
        const location = await reader.locate(topic, failures > 0)
        if (target === undefined) {
          const b = await reader.bounds(topic)
          target = b.end
          this.next = this.options.from === 'start' ? b.start : b.end
        }
        if (this.next >= target) this.caughtUp?.()
        const [result] = await reader.fetch(location.leader, [{ topic, offset: this.next, maxBytes: this.options.maxBytes ?? 4 * 1024 * 1024 }], this.options.maxWaitMs ?? 500)
        if (result === undefined) continue
        if (result.errorCode !== 0) {
          if (isStaleLeader(result.errorCode)) reader.forget(topic)
          if (result.errorCode === KafkaErrors.OFFSET_OUT_OF_RANGE) {
            const b = await reader.bounds(topic)
            this.next = this.options.from === 'start' ? b.start : b.end
          }
          throw new Error(`Kafka error ${result.errorCode} reading ${topic}`)
        }
        failures = 0
        const records = result.records.filter((r) => r.offset >= this.next)
        if (records.length === 0) continue
        this.next = records[records.length - 1].offset + 1n
        this.options.onRecords(records)
      } catch (error) {
        failures++
        if (failures === 1 || failures % 20 === 0) logger.warn({ err: error, failures }, `cannot read ${this.options.what}: retrying`)
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 100 * 2 ** Math.min(failures, 6))))
      }
    }
  }
}
