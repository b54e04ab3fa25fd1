// The main thread's side of `serve`'s ingest thread (ingest-worker.ts): starts the worker with the
// sources' settings and every key's prefixes, hands each batch of frames to `onFrames` (then
// acknowledges it) and the records' counts to `onRecords`, forwards prefix changes, keeps the
// sources' counters for /metrics, and stops the worker draining: every record the sources
// accepted is matched and its frames handed over before `stop` resolves.
import { Worker } from 'node:worker_threads'
import type { ListenAddress } from '../../sources/bgp/collector-config.ts'
import type { FrameBatch } from './frame-batch.ts'
import { ACK_EVERY } from './messages.ts'
import type { FromIngest, IngestStats, IngestWorkerData, RecordCounts, ToIngest } from './messages.ts'

export interface IngestThreadOptions {
  data: IngestWorkerData
  /** A batch of frames, in match order. */
  onFrames: (frames: FrameBatch) => void
  /** Records matched since the last call (they come up to a second late: with frames, or with the sources' counters). */
  onRecords: (counts: RecordCounts) => void
  /** The worker ended without being asked (an error in it): the service cannot go on. */
  onFailure: (error: Error) => void
}

const EMPTY_STATS: IngestStats = { busPublished: 0, busDropped: 0, busQueued: 0, queueLength: 0, queueDropped: 0, bmpRouters: 0 }

export class IngestThread {
  /** The latest counters of the sources, as the worker last sent them. */
  stats: IngestStats = EMPTY_STATS
  bgp: ListenAddress[] = []
  bmp: { host: string, port: number } | undefined
  private readonly worker: Worker
  private readonly options: IngestThreadOptions
  private stopped: Promise<number> | undefined
  private resolveStopped: ((records: number) => void) | undefined
  private ended = false
  private started = false
  private failed = false
  /** Batches taken since the last acknowledgement. */
  private taken = 0

  /** Resolves once the worker's sources listen; rejects when they cannot (the worker has ended). */
  readonly ready: Promise<void>

  /**
   * Start the worker. Prefix changes may be sent at once: they reach the worker after the
   * associations it starts with, in order.
   */
  constructor (options: IngestThreadOptions) {
    this.options = options
    const worker = new Worker(new URL('./ingest-worker-entry.ts', import.meta.url), { workerData: options.data })
    this.worker = worker
    this.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (m: FromIngest) => {
        if (m.type === 'started') {
          this.bgp = m.bgp
          this.bmp = m.bmp
          this.started = true
          resolve()
        } else if (m.type === 'start-failed') {
          reject(new Error(m.message))
        } else {
          this.take(m)
        }
      })
      worker.on('error', (err) => {
        reject(err)
        this.fail(err)
      })
      worker.on('exit', (code) => {
        this.ended = true
        reject(new Error(`the ingest thread exited (${code}) before it started`))
        if (this.resolveStopped === undefined) this.fail(new Error(`the ingest thread exited (${code})`))
        else this.resolveStopped(0)
      })
    })
  }

  /** A key's prefixes changed (API, expiry, another process): match the next records with these. */
  setKeyPrefixes (keyId: string, prefixes: readonly string[]): void {
    this.send({ type: 'prefixes', keyId, prefixes: [...prefixes] })
  }

  /**
   * Stop the sources (BGP sessions get a Cease; their peer-down records still flow), match what
   * they accepted, hand over the last frames, end the thread. Resolves with the records matched.
   */
  async stop (): Promise<number> {
    this.stopped ??= (async () => {
      if (this.ended) return 0
      const records = await new Promise<number>((resolve) => {
        this.resolveStopped = resolve
        this.send({ type: 'stop' })
      })
      // The worker ends by itself once its last log lines are out; it is cut after a second.
      const exited = new Promise<void>((resolve) => { this.worker.once('exit', () => { resolve() }) })
      const cut = setTimeout(() => { this.worker.terminate().catch(() => {}) }, 1000)
      if (!this.ended) await exited
      clearTimeout(cut)
      return records
    })()
    return await this.stopped
  }

  private take (m: FromIngest): void {
    if (m.type === 'frames') {
      if (m.stats !== undefined) this.stats = m.stats
      if (m.records !== undefined) this.options.onRecords(m.records)
      this.options.onFrames(m.frames)
      if (++this.taken === ACK_EVERY) {
        this.send({ type: 'ack', batches: this.taken })
        this.taken = 0
      }
    } else if (m.type === 'stats') {
      this.stats = m.stats
      if (m.records !== undefined) this.options.onRecords(m.records)
    } else if (m.type === 'stopped') {
      this.stats = m.stats
      this.resolveStopped?.(m.records)
    }
  }

  private send (m: ToIngest): void {
    if (!this.ended) this.worker.postMessage(m)
  }

  private fail (error: Error): void {
    if (!this.started || this.resolveStopped !== undefined || this.failed) return
    this.failed = true
    this.options.onFailure(error)
  }
}
