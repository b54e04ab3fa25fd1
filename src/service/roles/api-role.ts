// The `api` role: the live manager API over the shared database. A key's new prefix list is
// stored, then published to the associations topic (the matchers apply it at once) and the key's
// topic is created, before the client is answered. It also runs the 4-hour rule for the
// deployment (lapsed lists published as tombstones) and deletes the topics of keys whose list has
// been empty for longer than the keys' retention (their frames are all gone by then anyway).
import type { AddressInfo } from 'node:net'
import { collectDefaultMetrics, Counter, Registry } from 'prom-client'
import { buildApi } from '../../api/app.ts'
import { AssociationPublisher } from '../../kafka/association-feed.ts'
import { TopicAdmin } from '../../kafka/topics.ts'
import { ApiKeys } from '../../keys/api-keys.ts'
import { prefixPolicyFromEnv } from '../../keys/prefixes.ts'
import { loadKeySecret } from '../../keys/secret.ts'
import { openStore } from '../../store/open-store.ts'
import type { Store } from '../../store/types.ts'
import type { Logger } from '../../log.ts'
import { hostPort } from '../ops-server.ts'
import type { RoleContext, RunningRole } from './role.ts'

export async function startApiRole (ctx: RoleContext): Promise<RunningRole> {
  const { config, kafka, logger, env } = ctx
  const secret = loadKeySecret({ env, dataDir: config.dataDir, allowGenerate: false })
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }, { idleTimeoutMs: config.idleTimeoutMs })
  const apiKeys = await ApiKeys.open(store, secret, prefixPolicyFromEnv(env))
  const admin = new TopicAdmin(kafka, ctx.clientId + '-admin')
  await admin.ensureAssociations()
  const publisher = new AssociationPublisher(kafka, ctx.clientId)
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const expired = new Counter({ name: 'bgpl_keys_expired_total', help: 'Keys whose prefixes were cleared after the idle timeout', registers: [registry] })
  const topicsDeleted = new Counter({ name: 'bgpl_key_topics_deleted_total', help: 'Key topics deleted after their key\'s list lapsed and the retention passed', registers: [registry] })
  let ready = false
  const api = buildApi({
    store,
    apiKeys,
    logger: logger.child({ component: 'api' }),
    metrics: registry,
    onPrefixesChanged: async (keyId, prefixes) => {
      if (prefixes.length > 0) await admin.ensureKey(keyId)
      await publisher.publish(keyId, prefixes)
    },
    ready: () => ready,
    idleTimeoutMs: config.idleTimeoutMs
  })
  await api.listen({ host: config.listenHttp.host, port: config.listenHttp.port })
  const housekeeping = async (): Promise<void> => {
    try {
      const lapsed = await store.expireIdle(new Date())
      for (const a of lapsed) {
        await publisher.publish(a.keyId, [])
        logger.info({ keyId: a.keyId, prefixes: a.prefixes.length, idleSince: a.idleSince.toISOString() }, 'key unused for the idle timeout: prefixes cleared')
      }
      expired.inc(lapsed.length)
      topicsDeleted.inc(await deleteLapsedTopics(store, admin, kafka.keyRetentionMs, logger))
    } catch (error) {
      logger.error({ err: error }, 'housekeeping failed (idle expiry, key topics)')
    }
  }
  let running: Promise<void> | undefined
  const timer = config.expiryIntervalMs > 0
    ? setInterval(() => { running ??= housekeeping().finally(() => { running = undefined }) }, config.expiryIntervalMs)
    : undefined
  timer?.unref()
  ready = true
  logger.info({ brokers: kafka.brokers }, 'api role started')
  return {
    lines: [['live manager API', `http://${hostPort(api.server.address() as AddressInfo)}`]],
    async stop () {
      ready = false
      clearInterval(timer)
      await running
      await api.close()
      await publisher.close()
      await admin.close().catch(() => {})
      await store.close()
      logger.info('api role stopped')
    }
  }
}

/** Delete the topics of keys with no prefixes since longer than the retention (or revoked, or gone). */
async function deleteLapsedTopics (store: Store, admin: TopicAdmin, retentionMs: number, logger: Logger): Promise<number> {
  const ids = await admin.listKeyTopics()
  const doomed: string[] = []
  const now = Date.now()
  for (const id of ids) {
    const key = await store.getKey(id)
    if (key !== null && key.prefixes.length > 0) continue
    const since = key?.revokedAt ?? key?.prefixesUpdatedAt ?? null
    if (key !== null && (since === null || now - since.getTime() < retentionMs)) continue
    doomed.push(id)
  }
  if (doomed.length === 0) return 0
  await admin.deleteKeyTopics(doomed)
  logger.info({ keys: doomed }, 'key topics deleted: their lists lapsed longer ago than the retention')
  return doomed.length
}
