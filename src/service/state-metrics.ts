// Gauges read at scrape time from the components' own counters: the bus, the delivery log, the
// matcher and the collector's record queue. Nothing is counted twice: each component keeps its
// numbers, and /metrics reads them. With `serve`'s ingest thread, the sources' share (their
// queue, their bus, the BMP routers) is the counters the thread last sent (IngestStats).
import { Gauge } from 'prom-client'
import type { Registry } from 'prom-client'
import type { Bus } from '../bus/bus.ts'
import type { DeliveryLog } from '../matcher/delivery-log.ts'
import type { Matcher } from '../matcher/matcher.ts'
import type { BgpRecord } from '../record/types.ts'
import type { BmpStation } from '../sources/bmp/station.ts'
import type { RecordQueue } from '../sources/record-queue.ts'
import type { IngestStats } from './ingest/messages.ts'

export interface StateSources {
  bus: Bus
  deliveryLog: DeliveryLog
  matcher: Matcher
  /** The sources in this thread, or the ingest thread's counters. */
  sources: { queue: RecordQueue<BgpRecord>, bmp: () => BmpStation | undefined } | (() => IngestStats)
}

/** The counters of the sources' queue and BMP station, and of their bus when it is not the one counted here. */
export function sourceStats (queue: RecordQueue<BgpRecord>, bmp: BmpStation | undefined, bus?: Bus): IngestStats {
  const b = bus?.stats
  return {
    busPublished: b?.published ?? 0,
    busDropped: b?.dropped ?? 0,
    busQueued: b?.subscriptions.reduce((n, x) => n + x.queued, 0) ?? 0,
    queueLength: queue.length,
    queueDropped: queue.stats.dropped,
    bmpRouters: bmp?.stats().connected ?? 0
  }
}

/** A gauge on `registry` whose value is `read()` at each scrape; returns a shorthand for more of them. */
export function gaugeReader (registry: Registry): (name: string, help: string, read: () => number) => void {
  const registers = [registry]
  return (name, help, read) => {
    // eslint-disable-next-line no-new
    new Gauge({ name, help, registers, collect () { this.set(read()) } })
  }
}

export function registerStateMetrics (registry: Registry, s: StateSources): void {
  const sources = s.sources
  const counts = typeof sources === 'function' ? sources : () => sourceStats(sources.queue, sources.bmp())
  const gauge = gaugeReader(registry)
  gauge('bgpl_bus_published', 'Records published on the bus since the start', () => s.bus.stats.published + counts().busPublished)
  gauge('bgpl_bus_dropped', 'Records the bus dropped for a full subscriber queue', () => s.bus.stats.dropped + counts().busDropped)
  gauge('bgpl_bus_queued', 'Records waiting on the bus', () => s.bus.stats.subscriptions.reduce((n, x) => n + x.queued, 0) + counts().busQueued)
  gauge('bgpl_source_queue_length', 'Records waiting in the collector queue (BGP and BMP)', () => counts().queueLength)
  gauge('bgpl_source_queue_dropped', 'Records the collector queue dropped because it was full', () => counts().queueDropped)
  gauge('bgpl_matcher_keys', 'Keys with prefixes in the matcher', () => s.matcher.stats.keys)
  gauge('bgpl_matcher_associations', '(prefix, key) associations in the matcher', () => s.matcher.stats.associations)
  gauge('bgpl_delivery_log_frames', 'Frames kept for resume', () => s.deliveryLog.stats.frames)
  gauge('bgpl_delivery_log_bytes', 'Octets of frames kept for resume', () => s.deliveryLog.stats.bytes)
  gauge('bgpl_delivery_log_arena_bytes', 'Octets of memory holding the frames kept for resume (chunks of 4 to 256 KiB)', () => s.deliveryLog.stats.arenaBytes)
  gauge('bgpl_delivery_log_evicted', 'Frames evicted from the delivery log (per-key and global bounds)', () => s.deliveryLog.stats.evictedPerKey + s.deliveryLog.stats.evictedGlobal)
  gauge('bgpl_bmp_routers', 'BMP routers connected', () => counts().bmpRouters)
}
