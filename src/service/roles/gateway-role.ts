// The `gateway` role: the websocket stream (`/?api_key=KEY[&since=SEQ]`) over the keys' topics
// (src/kafka/kafka-frame-feed.ts), with /healthz, /readyz and /metrics on the same port. Keys are
// checked against the shared database, with the shared key secret (BGPL_KEY_SECRET). Any number
// of gateways may run: a client reconnecting to another one resumes from Kafka with `since`.
// Stopping refuses new connections, lets sessions take what they were handed (bounded by the
// shutdown timeout) and closes them with 1001, going away.
import { collectDefaultMetrics, Registry } from 'prom-client'
import { StreamGateway } from '../../gateway/stream-gateway.ts'
import { KafkaFrameFeed } from '../../kafka/kafka-frame-feed.ts'
import { PartitionReader } from '../../kafka/partition-reader.ts'
import { TopicAdmin } from '../../kafka/topics.ts'
import { ApiKeys } from '../../keys/api-keys.ts'
import { prefixPolicyFromEnv } from '../../keys/prefixes.ts'
import { loadKeySecret } from '../../keys/secret.ts'
import { openStore } from '../../store/open-store.ts'
import { hostPort, startOpsServer } from '../ops-server.ts'
import { createServiceMetrics } from '../service-metrics.ts'
import { gaugeReader } from '../state-metrics.ts'
import type { RoleContext, RunningRole } from './role.ts'

/** The gateway role's session lease unless BGPL_SESSION_LEASE says otherwise (serve keeps the store's 90 s). */
export const GATEWAY_SESSION_LEASE_MS = 15_000

export async function startGatewayRole (ctx: RoleContext): Promise<RunningRole> {
  const { config, kafka, logger, env } = ctx
  const secret = loadKeySecret({ env, dataDir: config.dataDir, allowGenerate: false })
  // A killed gateway's sessions hold their keys' places until their leases lapse, and a client
  // reconnecting elsewhere is refused (SESSION_ALREADY_OPEN, which the clients retry) until then:
  // gateways keep short leases, renewed often (one store write a session every 5 s).
  const sessionLeaseMs = config.sessionLeaseMs ?? GATEWAY_SESSION_LEASE_MS
  const limits = { ...config.stream, renewIntervalMs: Math.min(config.stream.renewIntervalMs, Math.floor(sessionLeaseMs / 3)) }
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }, { idleTimeoutMs: config.idleTimeoutMs, sessionLeaseMs })
  const apiKeys = await ApiKeys.open(store, secret, prefixPolicyFromEnv(env))
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const metrics = createServiceMetrics(registry)
  const admin = new TopicAdmin(kafka, ctx.clientId + '-admin')
  const reader = new PartitionReader(kafka, ctx.clientId + '-reader')
  // The notices follower long-polls: a reader of its own, so that the sessions' fetches never wait behind it.
  const noticesReader = new PartitionReader(kafka, ctx.clientId + '-notices')
  const feed = new KafkaFrameFeed({ settings: kafka, reader, notices: noticesReader, admin, logger: logger.child({ component: 'frame-feed' }), metrics })
  feed.start()
  const gauge = gaugeReader(registry)
  gauge('bgpl_kafka_notices_read', 'Matchers\' notices of frames written, read from the written topic', () => feed.stats.notices)
  gauge('bgpl_kafka_noticed_frames', 'Frames sessions took from the notices themselves (not fetched from their key topics)', () => feed.stats.noticedFrames)
  gauge('bgpl_kafka_sweeps', 'Fetches of every session\'s key topic (once a second: what a lost notice would leave)', () => feed.stats.sweeps)
  gauge('bgpl_kafka_swept_frames', 'Frames only a sweep found (no notice came for them first): growing steadily, the notices are not arriving', () => feed.stats.sweptFrames)
  const gateway = new StreamGateway({ feed, store, apiKeys, logger: logger.child({ component: 'stream' }), metrics, limits })
  let ready = true
  const ops = await startOpsServer(config.listenHttp, registry, () => ready)
  gateway.attach(ops.server)
  logger.info({ brokers: kafka.brokers }, 'gateway role started')
  return {
    lines: [['websocket stream', `ws://${hostPort(ops.address)}/`], ['metrics', `http://${hostPort(ops.address)}/metrics`]],
    async stop () {
      ready = false
      gateway.stopAccepting()
      await gateway.close(config.shutdownTimeoutMs)
      await feed.stop()
      await ops.close()
      await reader.close().catch(() => {})
      await noticesReader.close().catch(() => {})
      await admin.close().catch(() => {})
      await store.close()
      logger.info('gateway role stopped')
    }
  }
}
