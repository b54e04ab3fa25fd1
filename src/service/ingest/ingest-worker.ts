// The ingest thread of `serve` (docs/serve.md, "Threads"): the BGP collector and the BMP station,
// their record queue, a bus and a matcher, in a worker thread. Each turn of the bus's loop, the
// frames it made go to the main thread in one message (messages.ts). A batch the main thread has
// not yet acknowledged counts against MAX_UNACKED: past it the bus handler waits, the bus's queue
// and then the record queue fill, and the sources push back on the routers as they do when the
// bus is slow (docs/collector.md). Nothing runs on import: ingest-worker-entry.ts starts it.
import type { MessagePort } from 'node:worker_threads'
import { InProcessBus } from '../../bus/in-process-bus.ts'
import { createLogger } from '../../log.ts'
import { Matcher } from '../../matcher/matcher.ts'
import type { BgpRecord } from '../../record/types.ts'
import { Collector } from '../../sources/bgp/collector.ts'
import { startBmpStation } from '../../sources/bmp/station.ts'
import type { BmpStation } from '../../sources/bmp/station.ts'
import { pumpRecords } from '../record-pump.ts'
import { sourceStats } from '../state-metrics.ts'
import { FrameBatchWriter } from './frame-batch.ts'
import { MAX_UNACKED } from './messages.ts'
import type { FromIngest, IngestStats, IngestWorkerData, RecordCounts, ToIngest } from './messages.ts'

/** How often, at most, the sources' counters go with a batch, and at least (alone) when none goes. */
const STATS_EVERY_MS = 250
const STATS_INTERVAL_MS = 1000

export async function runIngestWorker (port: MessagePort, data: IngestWorkerData): Promise<void> {
  const post = (m: FromIngest): void => { port.postMessage(m) }
  const logger = createLogger({ level: data.logLevel, base: data.logBase })
  const matcher = new Matcher({ maxPrefixesPerKey: 100_000 })
  for (const [keyId, prefixes] of data.associations) matcher.setKeyPrefixes(keyId, prefixes)
  const bus = new InProcessBus()
  const collector = new Collector({ config: data.collector, logger: logger.child({ component: 'bgp-collector' }) })
  let bmp: BmpStation | undefined

  const stats = (): IngestStats => sourceStats(collector.queue, bmp, bus)

  const frames = new FrameBatchWriter()
  let sources: Record<string, number> = {}
  let matchSeconds: number[] = []
  let flushing = false
  let statsAt = 0
  let unacked = 0
  let credit: (() => void) | undefined
  /** The record counts waiting to go, taken. */
  const records = (): RecordCounts | undefined => {
    if (matchSeconds.length === 0) return undefined
    const counts = { sources, matchSeconds: Float64Array.from(matchSeconds) }
    sources = {}
    matchSeconds = []
    return counts
  }
  /** The end of a turn: its frames go, with the counts and (every 250 ms at most) the sources' counters. */
  const flush = (): void => {
    flushing = false
    const now = performance.now()
    const due = now - statsAt >= STATS_EVERY_MS
    if (frames.count === 0) {
      // Nothing to deliver: no message, no wake-up of the main thread for this turn. Its counts
      // wait for the next batch, or go with the sources' counters.
      if (due && matchSeconds.length > 0) {
        statsAt = now
        post({ type: 'stats', stats: stats(), records: records() })
      }
      return
    }
    if (due) statsAt = now
    const batch = frames.take()
    port.postMessage({ type: 'frames', frames: batch, records: records(), stats: due ? stats() : undefined } satisfies FromIngest, [batch.octets.buffer])
    unacked++
  }
  const take = (record: BgpRecord): void => {
    const started = performance.now()
    for (const { keyId, text } of matcher.match(record)) frames.push(keyId, text)
    matchSeconds.push((performance.now() - started) / 1000)
    sources[record.source] = (sources[record.source] ?? 0) + 1
    if (!flushing) {
      // At the end of this turn of the bus's loop (it yields every few ms).
      flushing = true
      process.nextTick(flush)
    }
  }
  bus.subscribe((delivery) => {
    if (unacked < MAX_UNACKED) {
      take(delivery.record)
      return
    }
    // The main thread is behind: this record waits, and the bus behind it.
    return new Promise<void>((resolve) => {
      credit = () => {
        take(delivery.record)
        resolve()
      }
    })
  }, { group: 'matcher', onError: (err) => { logger.error({ err }, 'record handling failed') } })

  let stopping = false
  let running = false
  const stopNow = (): void => {
    stop().catch((err: unknown) => { logger.error({ err }, 'ingest thread: stop failed') })
  }
  port.on('message', (m: ToIngest) => {
    if (m.type === 'prefixes') {
      matcher.setKeyPrefixes(m.keyId, m.prefixes)
    } else if (m.type === 'ack') {
      unacked -= m.batches
      if (unacked < MAX_UNACKED && credit !== undefined) {
        const c = credit
        credit = undefined
        c()
      }
    } else if (m.type === 'stop' && !stopping) {
      // Asked while starting: stopped once the sources are up.
      stopping = true
      if (running) stopNow()
    }
  })

  try {
    await collector.start()
    if (data.listenBmp !== undefined) {
      bmp = await startBmpStation({ listen: data.listenBmp, source: data.collector.name, queue: collector.queue, logger: logger.child({ component: 'bmp-station' }) })
    }
  } catch (err) {
    await collector.stop().catch(() => {})
    post({ type: 'start-failed', message: (err as Error).message })
    port.close()
    return
  }
  const pump = pumpRecords(collector.queue, bus)
  const timer = setInterval(() => { if (!flushing) post({ type: 'stats', stats: stats(), records: records() }) }, STATS_INTERVAL_MS)
  post({ type: 'started', bgp: collector.listening(), bmp: bmp?.address })
  running = true
  if (stopping) stopNow()

  /** Sources first (their peer-down records still flow), then everything queued through the matcher. */
  async function stop (): Promise<void> {
    await Promise.all([collector.stop(), bmp?.close()])
    collector.queue.close()
    const matched = await pump
    await bus.flush()
    await bus.close()
    clearInterval(timer)
    flush()
    post({ type: 'stats', stats: stats(), records: records() })
    post({ type: 'stopped', records: matched, stats: stats() })
    port.close()
  }
}
