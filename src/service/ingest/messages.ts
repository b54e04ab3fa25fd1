// The messages between `serve`'s main thread and its ingest thread (ingest-worker.ts): the worker
// runs the sources (BGP collector, BMP station), their bus and a matcher, and hands the main
// thread each key's frames as text; the main thread keeps the store, the API, the delivery log
// and the websocket sessions, and tells the worker every change of a key's prefixes.
import type { CollectorConfig, ListenAddress } from '../../sources/bgp/collector-config.ts'
import type { LogLevel } from '../serve-config.ts'
import type { FrameBatch } from './frame-batch.ts'

/** Batches of frames the main thread may hold unacknowledged before the worker waits (a turn of its bus, ~2 ms of records, each). */
export const MAX_UNACKED = 64
/** The main thread acknowledges batches this many at a time: a message each way per batch would cost both threads a wake-up. */
export const ACK_EVERY = 16

/** What the worker is started with (structured-cloned into it). */
export interface IngestWorkerData {
  collector: CollectorConfig
  /** The BMP station's listen address; undefined when disabled. */
  listenBmp: string | undefined
  /** Every key's prefixes at the start. */
  associations: Array<[string, string[]]>
  logLevel: LogLevel
  /** Fields of every log line (service, version). */
  logBase: Record<string, unknown>
}

/** The sources' counters, read by the main thread's /metrics. */
export interface IngestStats {
  busPublished: number
  busDropped: number
  busQueued: number
  queueLength: number
  queueDropped: number
  bmpRouters: number
}

/** Records matched since the last counts went: by source, and each one's matching time (seconds). */
export interface RecordCounts {
  sources: Record<string, number>
  matchSeconds: Float64Array
}

export type FromIngest =
  | { type: 'started', bgp: ListenAddress[], bmp: { host: string, port: number } | undefined }
  | { type: 'start-failed', message: string }
  /**
   * The frames of one turn of the worker's bus, in match order (`octets` transferred, not
   * copied), with the counts of the records matched since the last counts went. A turn whose
   * records made no frame (most turns: most records concern no key) sends nothing: its counts
   * wait for the next batch, or go with `stats`. The main thread acknowledges batches, several
   * at a time (`ack`). `stats` come with one batch in a few (every 250 ms at most).
   */
  | { type: 'frames', frames: FrameBatch, records: RecordCounts | undefined, stats: IngestStats | undefined }
  /** The sources' counters, and the record counts waiting, when no batch went for a while. */
  | { type: 'stats', stats: IngestStats, records: RecordCounts | undefined }
  | { type: 'stopped', records: number, stats: IngestStats }

export type ToIngest =
  | { type: 'prefixes', keyId: string, prefixes: string[] }
  /** The main thread has taken this many more batches of frames. */
  | { type: 'ack', batches: number }
  | { type: 'stop' }
