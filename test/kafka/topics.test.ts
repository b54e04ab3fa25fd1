// TopicAdmin and PartitionReader.bounds on a real broker (one node, port 19820): a matcher's start
// makes every key's topic at once, with the key topic settings, and usable the moment it returns;
// bounds() asked for many topics in one turn shares one pair of ListOffsets requests, and a topic
// that does not exist fails only its own answer.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { Admin, ProduceAcks, Producer, stringSerializers } from '@platformatic/kafka'
import { clientOptions } from '../../src/kafka/kafka-settings.ts'
import { PartitionReader } from '../../src/kafka/partition-reader.ts'
import { keyTopic, TopicAdmin, writtenTopic } from '../../src/kafka/topics.ts'
import { startKafka } from '../helpers/kafka.ts'
import type { TestKafka } from '../helpers/kafka.ts'
import { settingsFor, uniquePrefix } from './helpers.ts'

let kafka: TestKafka

before(async () => {
  kafka = await startKafka({ brokers: 1, port: 19_820, timeoutSeconds: 90 })
})

after(async () => {
  await kafka?.stop()
})

test('ensureKeys creates the missing key topics in one go, with the key topic settings, usable at once; a second call creates none', async () => {
  const settings = settingsFor(kafka.bootstrap, uniquePrefix('topics'))
  const admin = new TopicAdmin(settings, 'test-topics')
  const reader = new PartitionReader(settings, 'test-topics-reader')
  const raw = new Admin(clientOptions(settings, 'test-topics-raw'))
  try {
    await admin.ensureKey('k0')
    const keys = Array.from({ length: 120 }, (_, i) => 'k' + String(i))
    assert.equal(await admin.ensureKeys(keys), 119, 'k0 existed already')
    // Every topic answers ListOffsets right away (no "unknown topic" window after creation).
    const bounds = await Promise.all(keys.map(async (k) => await reader.bounds(keyTopic(settings, k))))
    for (const b of bounds) assert.deepEqual(b, { start: 0n, end: 0n })
    const [described] = await raw.describeConfigs({ resources: [{ resourceType: 2, resourceName: keyTopic(settings, 'k77'), configurationKeys: ['index.interval.bytes', 'cleanup.policy', 'retention.bytes', 'segment.bytes', 'segment.index.bytes'] }] })
    const configs = Object.fromEntries(described.configs.map((c) => [c.name, c.value]))
    assert.deepEqual(configs, { 'index.interval.bytes': '16384', 'cleanup.policy': 'delete', 'retention.bytes': String(64 * 1024 * 1024), 'segment.bytes': String(16 * 1024 * 1024), 'segment.index.bytes': '16384' })
    const metadata = await raw.metadata({ topics: [keyTopic(settings, 'k77')] })
    assert.equal(metadata.topics.get(keyTopic(settings, 'k77'))?.partitionsCount, 1)
    assert.equal(await admin.ensureKeys(keys), 0)
    // Another process's TopicAdmin finds them all there.
    const other = new TopicAdmin(settings, 'test-topics-other')
    try {
      assert.equal(await other.ensureKeys([...keys, 'k-new']), 1)
    } finally {
      await other.close()
    }
  } finally {
    await Promise.all([admin.close(), reader.close(), raw.close()])
  }
})

test('ensureWritten makes the written topic: one partition, its notices (copies of the frames) kept a minute in segments of a minute or 64 MiB', async () => {
  const settings = settingsFor(kafka.bootstrap, uniquePrefix('written'))
  const admin = new TopicAdmin(settings, 'test-written')
  const raw = new Admin(clientOptions(settings, 'test-written-raw'))
  try {
    await admin.ensureWritten()
    const [described] = await raw.describeConfigs({ resources: [{ resourceType: 2, resourceName: writtenTopic(settings), configurationKeys: ['cleanup.policy', 'retention.ms', 'segment.ms', 'segment.bytes'] }] })
    const configs = Object.fromEntries(described.configs.map((c) => [c.name, c.value]))
    assert.deepEqual(configs, { 'cleanup.policy': 'delete', 'retention.ms': '60000', 'segment.ms': '60000', 'segment.bytes': String(64 * 1024 * 1024) })
    const metadata = await raw.metadata({ topics: [writtenTopic(settings)] })
    assert.equal(metadata.topics.get(writtenTopic(settings))?.partitionsCount, 1)
  } finally {
    await Promise.all([admin.close(), raw.close()])
  }
})

test('bounds asked for many topics in one turn: one pair of ListOffsets requests, exact offsets; an unknown topic fails alone', async () => {
  const settings = settingsFor(kafka.bootstrap, uniquePrefix('bounds'))
  const admin = new TopicAdmin(settings, 'test-bounds')
  const reader = new PartitionReader(settings, 'test-bounds-reader')
  const producer = new Producer({ ...clientOptions(settings, 'test-bounds-producer'), serializers: stringSerializers, idempotent: true, acks: ProduceAcks.ALL })
  try {
    const keys = Array.from({ length: 40 }, (_, i) => 'b' + String(i))
    await admin.ensureKeys(keys)
    // Topic bi gets i frames.
    await producer.send({ messages: keys.flatMap((k, i) => Array.from({ length: i }, () => ({ topic: keyTopic(settings, k), value: '{}' }))) })
    let requests = 0
    const listOffsets = reader.consumer.listOffsets.bind(reader.consumer)
    reader.consumer.listOffsets = (async (options: Parameters<typeof listOffsets>[0]) => {
      requests++
      return await listOffsets(options)
    }) as typeof reader.consumer.listOffsets
    const all = await Promise.all(keys.map(async (k) => await reader.bounds(keyTopic(settings, k))))
    assert.deepEqual(all, keys.map((_, i) => ({ start: 0n, end: BigInt(i) })))
    assert.equal(requests, 2, 'earliest and latest, for all 40 topics together')

    requests = 0
    const mixed = await Promise.allSettled([
      reader.bounds(keyTopic(settings, 'b5')),
      reader.bounds(settings.topicPrefix + '.key.no-such-key'),
      reader.bounds(keyTopic(settings, 'b9'))
    ])
    assert.deepEqual(mixed[0], { status: 'fulfilled', value: { start: 0n, end: 5n } })
    assert.equal(mixed[1].status, 'rejected')
    assert.deepEqual(mixed[2], { status: 'fulfilled', value: { start: 0n, end: 9n } })
  } finally {
    await Promise.all([admin.close(), reader.close(), producer.close()])
  }
})
