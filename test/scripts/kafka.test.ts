// scripts/kafka: the broker it fetches from Maven Central and starts (KRaft, one node, loopback)
// takes an idempotent acks=all producer's records and gives them back to a consumer group in
// per-key order; `stop` leaves no broker behind.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { Admin, Consumer, ProduceAcks, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka'
import { startKafka } from '../helpers/kafka.ts'

test('one KRaft broker from scripts/kafka: produce idempotently, consume in per-key order, stop', { timeout: 240_000 }, async (t) => {
  const kafka = await startKafka({ brokers: 1, timeoutSeconds: 90 })
  t.after(async () => { await kafka.stop() })
  const bootstrapBrokers = kafka.bootstrap
  const topic = 'bgpl-smoke'
  const admin = new Admin({ clientId: 'smoke-admin', bootstrapBrokers })
  try {
    await admin.createTopics({ topics: [topic], partitions: 3, replicas: 1 })
  } finally {
    await admin.close()
  }

  const producer = new Producer({ clientId: 'smoke-producer', bootstrapBrokers, serializers: stringSerializers, idempotent: true, acks: ProduceAcks.ALL, autocreateTopics: false })
  const keys = ['65001_192.0.2.1', '65002_192.0.2.2', '65003_2001:db8::3']
  const sent = new Map<string, string[]>(keys.map((k) => [k, []]))
  try {
    for (let i = 0; i < 30; i++) {
      const key = keys[i % keys.length]
      const value = JSON.stringify({ n: i, key })
      sent.get(key)?.push(value)
      await producer.send({ messages: [{ topic, key, value }] })
    }
  } finally {
    await producer.close()
  }

  const consumer = new Consumer({ groupId: 'smoke', clientId: 'smoke-consumer', bootstrapBrokers, deserializers: stringDeserializers, maxWaitTime: 100 })
  const received = new Map<string, string[]>(keys.map((k) => [k, []]))
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: 100 })
    let count = 0
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error(`only ${count} of 30 records consumed in 60 s`)) }, 60_000)
      stream.on('data', (message) => {
        received.get(message.key)?.push(message.value)
        if (++count === 30) { clearTimeout(timer); resolve() }
      })
      stream.on('error', (error: Error) => { clearTimeout(timer); reject(error) })
    })
  } finally {
    await consumer.close(true)
  }
  assert.deepEqual(received, sent)

  await kafka.stop()
  // pgrep exits 1 when nothing matches.
  const left = spawnSync('pgrep', ['-f', 'kafka.Kafka .*bgproutes-kafka-'], { encoding: 'utf8' })
  assert.equal(left.status, 1, 'no broker of this test is left running: ' + left.stdout)
})
