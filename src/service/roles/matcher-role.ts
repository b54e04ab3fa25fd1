// The `matcher` role: a member of the matchers' consumer group (src/kafka/kafka-matcher.ts).
// Stopping writes the frames of every record taken, commits, and leaves the group, so that its
// partitions go to the other members at once.
import { collectDefaultMetrics, Registry } from 'prom-client'
import { KafkaBus } from '../../bus/kafka-bus.ts'
import { KafkaMatcher } from '../../kafka/kafka-matcher.ts'
import { PartitionReader } from '../../kafka/partition-reader.ts'
import { TopicAdmin } from '../../kafka/topics.ts'
import { openStore } from '../../store/open-store.ts'
import { hostPort, startOpsServer } from '../ops-server.ts'
import { createServiceMetrics } from '../service-metrics.ts'
import { gaugeReader } from '../state-metrics.ts'
import type { RoleContext, RunningRole } from './role.ts'

export async function startMatcherRole (ctx: RoleContext): Promise<RunningRole> {
  const { config, kafka, logger } = ctx
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }, { idleTimeoutMs: config.idleTimeoutMs })
  const admin = new TopicAdmin(kafka, ctx.clientId + '-admin')
  const reader = new PartitionReader(kafka, ctx.clientId + '-reader')
  const bus = new KafkaBus({ settings: kafka, logger: logger.child({ component: 'kafka-bus' }), clientId: ctx.clientId })
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const metrics = createServiceMetrics(registry)
  const matcher = new KafkaMatcher({ store, bus, reader, admin, logger: logger.child({ component: 'matcher' }), clientId: ctx.clientId + '-frames', metrics })
  const gauge = gaugeReader(registry)
  gauge('bgpl_matcher_keys', 'Keys with prefixes in the matcher', () => matcher.matcher.stats.keys)
  gauge('bgpl_matcher_associations', '(prefix, key) associations in the matcher', () => matcher.matcher.stats.associations)
  gauge('bgpl_frames_written', 'Frames written to the keys\' topics', () => matcher.writer.stats.written)
  gauge('bgpl_frames_duplicates_skipped', 'Frames not written because a previous owner of the partition wrote them', () => matcher.writer.stats.duplicatesSkipped)
  gauge('bgpl_frames_pending', 'Frames waiting to be written', () => matcher.writer.stats.pending)
  gauge('bgpl_key_topic_requests_in_flight', 'Produce requests to the keys\' topics in flight', () => matcher.writer.stats.requestsInFlight)
  gauge('bgpl_key_topic_notices', 'Notices of frames written, sent to the gateways on the written topic', () => matcher.writer.stats.notices)
  gauge('bgpl_key_topic_notice_errors', 'Notices of frames written that could not be sent (the gateways find those frames by their sweep)', () => matcher.writer.stats.noticeErrors)
  gauge('bgpl_key_tail_reads', 'Reads of a key topic\'s tail (after a start or a rebalance)', () => matcher.writer.stats.tailReads)
  let ready = false
  const ops = await startOpsServer(config.listenHttp, registry, () => ready)
  try {
    await matcher.start()
  } catch (error) {
    await ops.close()
    await store.close()
    throw error
  }
  ready = true
  logger.info({ brokers: kafka.brokers }, 'matcher role started')
  return {
    lines: [['metrics', `http://${hostPort(ops.address)}/metrics`]],
    async stop () {
      ready = false
      await matcher.stop()
      await bus.close()
      await reader.close().catch(() => {})
      await admin.close().catch(() => {})
      await ops.close()
      await store.close()
      logger.info({ written: matcher.writer.stats.written, duplicatesSkipped: matcher.writer.stats.duplicatesSkipped }, 'matcher role stopped')
    }
  }
}
