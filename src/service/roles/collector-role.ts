// The `collector` role: the BGP collector, the BMP station and (for load tests and demos) MRT
// replay, publishing every record to the records topic, keyed by vantage point. Stopping ends the
// sessions (Cease), publishes their peer-down records and everything queued, then exits.
import { collectDefaultMetrics, Registry } from 'prom-client'
import { KafkaBus } from '../../bus/kafka-bus.ts'
import { TopicAdmin } from '../../kafka/topics.ts'
import { Collector } from '../../sources/bgp/collector.ts'
import { startBmpStation } from '../../sources/bmp/station.ts'
import type { BmpStation } from '../../sources/bmp/station.ts'
import { replayMrtFiles } from '../mrt-replay.ts'
import { hostPort, startOpsServer } from '../ops-server.ts'
import { pumpRecords } from '../record-pump.ts'
import { gaugeReader } from '../state-metrics.ts'
import type { RoleContext, RunningRole } from './role.ts'

export async function startCollectorRole (ctx: RoleContext): Promise<RunningRole> {
  const { config, kafka, logger } = ctx
  const admin = new TopicAdmin(kafka, ctx.clientId + '-admin')
  try {
    await admin.ensureRecords()
  } finally {
    await admin.close()
  }
  const bus = new KafkaBus({ settings: kafka, logger: logger.child({ component: 'kafka-bus' }), clientId: ctx.clientId })
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const gauge = gaugeReader(registry)
  gauge('bgpl_bus_published', 'Records published to Kafka since the start', () => bus.stats.published)
  gauge('bgpl_bus_dropped', 'Records dropped because the Kafka queue was full', () => bus.stats.dropped)
  gauge('bgpl_bus_queued', 'Records waiting to be published to Kafka', () => bus.stats.queued)
  gauge('bgpl_bus_send_errors', 'Produce requests that failed (and were retried)', () => bus.stats.sendErrors)

  const collector = new Collector({ config: config.collector, logger: logger.child({ component: 'bgp-collector' }) })
  await collector.start()
  gauge('bgpl_source_queue_length', 'Records waiting in the collector queue (BGP and BMP)', () => collector.queue.length)
  gauge('bgpl_source_queue_dropped', 'Records the collector queue dropped because it was full', () => collector.queue.stats.dropped)
  let bmp: BmpStation | undefined
  if (config.listenBmp !== undefined) {
    bmp = await startBmpStation({ listen: config.listenBmp, source: config.collector.name, queue: collector.queue, logger: logger.child({ component: 'bmp-station' }) })
  }
  const pump = pumpRecords(collector.queue, bus)
  const abort = new AbortController()
  const replayLogger = logger.child({ component: 'replay' })
  const replayed = config.replay.length === 0
    ? Promise.resolve()
    : replayMrtFiles({ files: config.replay, speed: config.replaySpeed, bus, logger: replayLogger, signal: abort.signal }).then((r) => {
      replayLogger.info(r, r.aborted ? 'replay stopped' : 'replay done')
    }, (err: unknown) => { replayLogger.error({ err }, 'replay failed') })
  let ready = true
  const ops = await startOpsServer(config.listenHttp, registry, () => ready)
  const lines: Array<[string, string]> = [['metrics', `http://${hostPort(ops.address)}/metrics`]]
  for (const a of collector.listening()) lines.push(['BGP collector', `${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`])
  if (bmp !== undefined) lines.push(['BMP station', `${bmp.address.host.includes(':') ? `[${bmp.address.host}]` : bmp.address.host}:${bmp.address.port}`])
  logger.info({ records: kafka.topicPrefix + '.records', brokers: kafka.brokers }, 'collector role started')
  return {
    lines,
    async stop () {
      ready = false
      abort.abort()
      await replayed
      await Promise.all([collector.stop(), bmp?.close()])
      collector.queue.close()
      const records = await pump
      await bus.close()
      await ops.close()
      logger.info({ records, published: bus.stats.published, dropped: bus.stats.dropped }, 'collector role stopped')
    }
  }
}
