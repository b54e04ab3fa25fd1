// AssociationPublisher and AssociationFollower on a real broker (one node, port 19320): each
// key's prefix list on the compacted associations topic, an empty list as a tombstone, `ready`
// once the follower has caught up, and values that are not prefix lists skipped.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { ProduceAcks, Producer, stringSerializers } from '@platformatic/kafka'
import { AssociationFollower, AssociationPublisher } from '../../src/kafka/association-feed.ts'
import { clientOptions } from '../../src/kafka/kafka-settings.ts'
import type { KafkaSettings } from '../../src/kafka/kafka-settings.ts'
import { PartitionReader } from '../../src/kafka/partition-reader.ts'
import { associationsTopic, TopicAdmin } from '../../src/kafka/topics.ts'
import { silentLogger } from '../../src/log.ts'
import { startKafka } from '../helpers/kafka.ts'
import type { TestKafka } from '../helpers/kafka.ts'
import { settingsFor, sleep, uniquePrefix, waitFor } from './helpers.ts'

let kafka: TestKafka

before(async () => {
  kafka = await startKafka({ brokers: 1, port: 19_320, timeoutSeconds: 90 })
})

after(async () => {
  await kafka?.stop()
})

type Change = [string, string[]]

interface Env {
  settings: KafkaSettings
  publisher: AssociationPublisher
  follow: () => { follower: AssociationFollower, changes: Change[] }
}

async function env (name: string, t: { after: (fn: () => Promise<void>) => void }): Promise<Env> {
  const settings = settingsFor(kafka.bootstrap, uniquePrefix(name))
  const admin = new TopicAdmin(settings, 'test-admin')
  await admin.ensureAssociations()
  const reader = new PartitionReader(settings, 'test-reader')
  const publisher = new AssociationPublisher(settings, 'test-publisher')
  const followers: AssociationFollower[] = []
  t.after(async () => {
    for (const f of followers) await f.stop()
    await publisher.close()
    await reader.close()
    await admin.close()
  })
  return {
    settings,
    publisher,
    follow: () => {
      const changes: Change[] = []
      const follower = new AssociationFollower({ settings, reader, logger: silentLogger(), maxWaitMs: 100, onChange: (keyId, prefixes) => { changes.push([keyId, prefixes]) } })
      followers.push(follower)
      follower.start()
      return { follower, changes }
    }
  }
}

test('a follower reads every list published before it started, in order, before ready resolves; then each new one', { timeout: 60_000 }, async (t) => {
  const e = await env('follow', t)
  await e.publisher.publish('aaaaaaaaaaaa', ['192.0.2.0/24', '2001:db8::/32'])
  await e.publisher.publish('bbbbbbbbbbbb', ['198.51.100.0/24'])
  await e.publisher.publish('aaaaaaaaaaaa', ['203.0.113.0/24'])
  const { follower, changes } = e.follow()
  await follower.ready
  assert.deepEqual(changes, [
    ['aaaaaaaaaaaa', ['192.0.2.0/24', '2001:db8::/32']],
    ['bbbbbbbbbbbb', ['198.51.100.0/24']],
    ['aaaaaaaaaaaa', ['203.0.113.0/24']]
  ])
  assert.equal(follower.applied, 3)
  await e.publisher.publish('cccccccccccc', ['10.0.0.0/8'])
  await waitFor(() => changes.length >= 4, 20_000, 'the new list')
  assert.deepEqual(changes[3], ['cccccccccccc', ['10.0.0.0/8']])
  assert.equal(follower.applied, 4)
})

test('an empty list is a tombstone (a null value on the topic) and reaches the follower as []', { timeout: 60_000 }, async (t) => {
  const e = await env('tombstone', t)
  await e.publisher.publish('aaaaaaaaaaaa', ['192.0.2.0/24'])
  const { follower, changes } = e.follow()
  await follower.ready
  await e.publisher.publish('aaaaaaaaaaaa', [])
  await waitFor(() => changes.length >= 2, 20_000, 'the tombstone')
  assert.deepEqual(changes, [['aaaaaaaaaaaa', ['192.0.2.0/24']], ['aaaaaaaaaaaa', []]])
  // A follower started after the tombstone sees the list, then its removal.
  const later = e.follow()
  await later.follower.ready
  assert.deepEqual(later.changes, [['aaaaaaaaaaaa', ['192.0.2.0/24']], ['aaaaaaaaaaaa', []]])
})

test('ready resolves at once on an empty topic, and stop() ends the follower', { timeout: 60_000 }, async (t) => {
  const e = await env('empty', t)
  const { follower, changes } = e.follow()
  await follower.ready
  assert.deepEqual(changes, [])
  await follower.stop()
  await e.publisher.publish('aaaaaaaaaaaa', ['192.0.2.0/24'])
  await sleep(500)
  assert.deepEqual(changes, [])
})

test('values that are not prefix lists are skipped (a compacted topic takes no keyless record); what follows them is applied', { timeout: 60_000 }, async (t) => {
  const e = await env('garbage', t)
  const topic = associationsTopic(e.settings)
  const producer = new Producer({ ...clientOptions(e.settings, 'test-raw'), serializers: stringSerializers, idempotent: true, acks: ProduceAcks.ALL, autocreateTopics: false })
  try {
    await producer.send({
      messages: [
        { topic, key: 'dddddddddddd', value: 'not JSON [' },
        { topic, key: 'eeeeeeeeeeee', value: '{"prefixes":["192.0.2.0/24"]}' },
        { topic, key: 'ffffffffffff', value: '[1,2]' },
        { topic, key: '000000000000', value: '"192.0.2.0/24"' }
      ]
    })
  } finally {
    await producer.close()
  }
  await e.publisher.publish('aaaaaaaaaaaa', ['192.0.2.0/24'])
  const { follower, changes } = e.follow()
  await follower.ready
  assert.deepEqual(changes, [['aaaaaaaaaaaa', ['192.0.2.0/24']]])
  assert.equal(follower.applied, 1)
  await e.publisher.publish('bbbbbbbbbbbb', ['198.51.100.0/24'])
  await waitFor(() => changes.length >= 2, 20_000, 'the list after the garbage')
  assert.deepEqual(changes[1], ['bbbbbbbbbbbb', ['198.51.100.0/24']])
})
