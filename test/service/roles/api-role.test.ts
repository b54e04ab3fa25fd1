// The api role over a real broker (port 19380) and PostgreSQL: a prefix change through the API is
// on the associations topic before the client has its answer, and the key's topic exists; once
// the key's list is cleared and the key retention has passed, the role's housekeeping deletes
// the key's topic (and leaves the topics of keys with prefixes alone).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { PartitionReader } from '../../../src/kafka/partition-reader.ts'
import { associationsTopic, keyTopic, TopicAdmin } from '../../../src/kafka/topics.ts'
import { ApiKeys } from '../../../src/keys/api-keys.ts'
import { loadKeySecret } from '../../../src/keys/secret.ts'
import { silentLogger } from '../../../src/log.ts'
import { startApiRole } from '../../../src/service/roles/api-role.ts'
import { resolveServeConfig } from '../../../src/service/serve-config.ts'
import { openStore } from '../../../src/store/open-store.ts'
import { startKafka } from '../../helpers/kafka.ts'
import type { TestKafka } from '../../helpers/kafka.ts'
import { settingsFor, uniquePrefix } from '../../kafka/helpers.ts'
import { createTestDatabase } from '../../store/postgres-test-db.ts'
import type { TestDatabase } from '../../store/postgres-test-db.ts'

let kafka: TestKafka
let db: TestDatabase

before(async () => {
  kafka = await startKafka({ brokers: 1, port: 19_380, timeoutSeconds: 90 })
  db = await createTestDatabase()
})

after(async () => {
  await kafka?.stop()
  await db?.drop()
})

test('prefix changes go to the associations topic at once; a lapsed key\'s topic is deleted after the retention', { timeout: 120_000 }, async (t) => {
  const env = { BGPL_KEY_SECRET: 'a-test-secret-of-at-least-32-bytes-0123456789', DATABASE_URL: db.url, BGPL_KAFKA_KEY_RETENTION: '2s' }
  const kafkaSettings = settingsFor(kafka.bootstrap, uniquePrefix('api'), { BGPL_KAFKA_KEY_RETENTION: '2s' })
  const config = resolveServeConfig({ 'listen-http': '127.0.0.1:0', 'expiry-interval': '500ms' }, env, {})
  const store = await openStore({ databaseUrl: db.url, dataDir: '/nonexistent' })
  const apiKeys = await ApiKeys.open(store, loadKeySecret({ env, dataDir: '/nonexistent', allowGenerate: false }))
  const kept = await apiKeys.create({ label: 'kept', now: new Date() })
  const cleared = await apiKeys.create({ label: 'cleared', now: new Date() })
  const role = await startApiRole({ config, kafka: kafkaSettings, env, logger: silentLogger(), clientId: 'test-api' })
  const admin = new TopicAdmin(kafkaSettings, 'test-admin')
  const reader = new PartitionReader(kafkaSettings, 'test-reader')
  t.after(async () => {
    await role.stop()
    await Promise.all([admin.close(), reader.close(), store.close()])
  })
  const api = role.lines.find(([label]) => label === 'live manager API')?.[1]
  assert.ok(api !== undefined)
  const set = async (key: string, prefixes: string): Promise<void> => {
    const res = await fetch(`${api}/update_live_prefixes?api_key=${key}&new_pfxs=${prefixes}`)
    assert.equal(res.status, 200, await res.text())
  }
  await set(kept.key, '192.0.2.0/24')
  await set(cleared.key, '198.51.100.0/24')
  // Answered: the lists are on the associations topic, the key topics exist.
  const topic = associationsTopic(kafkaSettings)
  const { end } = await reader.bounds(topic)
  const published = await reader.readRange(topic, 0n, end)
  assert.deepEqual(published.map((r) => [r.key, r.value?.toString()]), [[kept.record.id, '["192.0.2.0/24"]'], [cleared.record.id, '["198.51.100.0/24"]']])
  assert.deepEqual((await admin.listKeyTopics()).sort(), [kept.record.id, cleared.record.id].sort())

  // Cleared: a tombstone at once; the topic goes once the retention (2 s) has passed.
  await set(cleared.key, '')
  const after = await reader.readRange(topic, 0n, (await reader.bounds(topic)).end)
  assert.deepEqual(after.map((r) => [r.key, r.value]).at(-1), [cleared.record.id, null])
  const deadline = Date.now() + 30_000
  while ((await admin.listKeyTopics()).includes(cleared.record.id)) {
    assert.ok(Date.now() < deadline, 'the cleared key\'s topic is deleted within 30 s')
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  assert.deepEqual(await admin.listKeyTopics(), [kept.record.id])
  assert.ok(keyTopic(kafkaSettings, kept.record.id).endsWith('.key.' + kept.record.id))
})
