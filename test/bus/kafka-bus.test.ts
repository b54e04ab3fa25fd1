// KafkaBus on a real broker (one node, port 19300): per vantage point order across partitions,
// manual and auto acknowledgement with commit up to the first unacknowledged record, the publish
// bound, flush, close, consumer groups sharing partitions, and a record that is not JSON.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { ProduceAcks, Producer, stringSerializers } from '@platformatic/kafka'
import { partitionKey } from '../../src/bus/bus.ts'
import type { BusDelivery } from '../../src/bus/bus.ts'
import { KafkaBus } from '../../src/bus/kafka-bus.ts'
import { clientOptions } from '../../src/kafka/kafka-settings.ts'
import type { KafkaSettings } from '../../src/kafka/kafka-settings.ts'
import { recordsTopic, TopicAdmin } from '../../src/kafka/topics.ts'
import { silentLogger } from '../../src/log.ts'
import { startKafka } from '../helpers/kafka.ts'
import type { TestKafka } from '../helpers/kafka.ts'
import { rec, settingsFor, sleep, uniquePrefix, waitFor } from '../kafka/helpers.ts'

let kafka: TestKafka

before(async () => {
  kafka = await startKafka({ brokers: 1, port: 19_300, timeoutSeconds: 90 })
})

after(async () => {
  await kafka?.stop()
})

/** Settings with a fresh prefix and its records topic created (4 partitions). */
async function fresh (name: string): Promise<KafkaSettings> {
  const settings = settingsFor(kafka.bootstrap, uniquePrefix(name), { BGPL_KAFKA_RECORD_PARTITIONS: '4' })
  const admin = new TopicAdmin(settings, 'test-admin')
  try {
    await admin.ensureRecords()
  } finally {
    await admin.close()
  }
  return settings
}

function newBus (settings: KafkaSettings, extra: { maxQueued?: number } = {}): KafkaBus {
  return new KafkaBus({ settings, logger: silentLogger(), clientId: 'test-bus', sessionTimeoutMs: 6_000, ...extra })
}

test('records come back in publish order per vantage point, spread over several partitions', { timeout: 60_000 }, async (t) => {
  const bus = newBus(await fresh('order'))
  t.after(async () => { await bus.close() })
  const seen = new Map<string, number[]>()
  const partitions = new Set<number>()
  let total = 0
  const sub = bus.subscribe((d) => {
    const list = seen.get(d.key) ?? []
    list.push(d.record.time_us)
    seen.set(d.key, list)
    assert.equal(d.key, partitionKey(d.record))
    if (d.partition !== undefined) partitions.add(d.partition)
    total++
  }, { group: 'order' })
  const vps = 8
  for (let i = 0; i < 400; i++) assert.equal(bus.publish(rec(i, 1 + (i % vps))), true)
  await bus.flush()
  assert.equal(bus.stats.published, 400)
  await waitFor(() => total >= 400, 40_000, '400 records')
  await sleep(300)
  assert.equal(total, 400, 'each record once')
  assert.equal(seen.size, vps)
  for (const [key, list] of seen) {
    assert.equal(list.length, 400 / vps, key)
    assert.deepEqual(list, [...list].sort((a, b) => a - b), `order of ${key}`)
  }
  assert.ok(partitions.size >= 2, `records in ${partitions.size} partition(s) only`)
  await sub.unsubscribe()
})

test('manual ack: the offset is committed up to the first record not acknowledged, and a new member of the group gets it again', { timeout: 90_000 }, async (t) => {
  const settings = await fresh('manual')
  const bus = newBus(settings)
  t.after(async () => { await bus.close() })
  // One vantage point: one partition, offsets 0..9 in publish order.
  for (let i = 0; i < 10; i++) bus.publish(rec(i, 7))
  await bus.flush()

  const first: BusDelivery[] = []
  const a = bus.subscribe((d) => {
    first.push(d)
    // Everything but record 4 is acknowledged (5..9 after it are, too).
    if (d.record.time_us !== 4) d.ack()
  }, { group: 'm', ack: 'manual' })
  await waitFor(() => first.length >= 10, 40_000, 'the first member to get 10 records')
  assert.deepEqual(first.map((d) => d.record.time_us), [...Array(10).keys()])
  assert.equal(a.stats.acked, 9)
  assert.equal(a.stats.queued, 1, 'one record not acknowledged')
  await a.unsubscribe()

  const second: number[] = []
  const b = bus.subscribe((d) => { second.push(d.record.time_us); d.ack() }, { group: 'm', ack: 'manual' })
  await waitFor(() => second.length >= 6, 40_000, 'the second member to get records 4..9')
  await sleep(500)
  assert.deepEqual(second, [4, 5, 6, 7, 8, 9], 're-read from the first record not acknowledged')
  await b.unsubscribe()

  // Everything is acknowledged now: a third member gets nothing old, only what is new.
  const third: number[] = []
  const c = bus.subscribe((d) => { third.push(d.record.time_us); d.ack() }, { group: 'm', ack: 'manual' })
  bus.publish(rec(10, 7))
  await waitFor(() => third.length >= 1, 40_000, 'the new record')
  await sleep(500)
  assert.deepEqual(third, [10])
  await c.unsubscribe()
})

test('auto ack: acknowledged when the handler resolves, or throws (counted, onError); a new member starts after them', { timeout: 90_000 }, async (t) => {
  const bus = newBus(await fresh('auto'))
  t.after(async () => { await bus.close() })
  for (let i = 0; i < 6; i++) bus.publish(rec(i, 3))
  await bus.flush()
  const got: number[] = []
  const errors: number[] = []
  const a = bus.subscribe(async (d) => {
    await sleep(1)
    got.push(d.record.time_us)
    if (d.record.time_us === 2) throw new Error('handler failed')
  }, { group: 'auto', onError: (_e, d) => { errors.push(d.record.time_us) } })
  await waitFor(() => got.length >= 6, 40_000, '6 records')
  assert.deepEqual(got, [0, 1, 2, 3, 4, 5])
  assert.deepEqual(errors, [2])
  assert.equal(a.stats.handlerErrors, 1)
  assert.equal(a.stats.acked, 6)
  assert.equal(a.stats.queued, 0)
  await a.unsubscribe()

  for (let i = 6; i < 9; i++) bus.publish(rec(i, 3))
  const again: number[] = []
  const b = bus.subscribe((d) => { again.push(d.record.time_us) }, { group: 'auto' })
  await waitFor(() => again.length >= 3, 40_000, '3 new records')
  await sleep(500)
  assert.deepEqual(again, [6, 7, 8])
  await b.unsubscribe()
})

test('publish bound: past maxQueued records are dropped and counted; writable() resolves once there is room; flush puts the rest on the broker', { timeout: 60_000 }, async (t) => {
  const bus = newBus(await fresh('bound'), { maxQueued: 5 })
  t.after(async () => { await bus.close() })
  const results = []
  for (let i = 0; i < 8; i++) results.push(bus.publish(rec(i, 2)))
  assert.deepEqual(results, [true, true, true, true, true, false, false, false])
  assert.equal(bus.stats.dropped, 3)
  assert.equal(bus.stats.queued, 5)
  let roomWhenWritable = -1
  const writable = bus.writable().then(() => { roomWhenWritable = 5 - bus.stats.queued })
  await writable
  assert.ok(roomWhenWritable > 0, 'writable() resolved without room')
  await bus.flush()
  assert.equal(bus.stats.queued, 0)
  assert.equal(bus.stats.published, 5)
  assert.equal(bus.stats.sendErrors, 0)
  // The broker holds exactly the five taken, not the dropped ones.
  const got: number[] = []
  const sub = bus.subscribe((d) => { got.push(d.record.time_us) }, { group: 'bound' })
  await waitFor(() => got.length >= 5, 40_000, '5 records')
  await sleep(500)
  assert.deepEqual(got, [0, 1, 2, 3, 4])
  await sub.unsubscribe()
})

test('close publishes what is queued, then refuses new records (rejectedClosed); writable() no longer waits', { timeout: 60_000 }, async () => {
  const settings = await fresh('close')
  const bus = newBus(settings, { maxQueued: 100 })
  for (let i = 0; i < 100; i++) bus.publish(rec(i, 1 + (i % 3)))
  const closing = bus.close()
  assert.equal(bus.publish(rec(100)), false)
  await closing
  assert.equal(bus.publish(rec(101)), false)
  assert.equal(bus.stats.rejectedClosed, 2)
  assert.equal(bus.stats.published, 100)
  assert.equal(bus.stats.dropped, 0)
  await bus.writable()

  const reader = newBus(settings)
  const got = new Set<number>()
  const sub = reader.subscribe((d) => { got.add(d.record.time_us) }, { group: 'close' })
  await waitFor(() => got.size >= 100, 40_000, '100 records')
  await sleep(300)
  assert.equal(got.size, 100)
  assert.equal(got.has(100) || got.has(101), false)
  await sub.unsubscribe()
  await reader.close()
})

test('two subscriptions of one group share the partitions: onRebalance gives each its own, each record goes to one of them', { timeout: 120_000 }, async (t) => {
  const bus = newBus(await fresh('share'))
  t.after(async () => { await bus.close() })
  const assigned: Array<number[] | undefined> = [undefined, undefined]
  const rebalances: number[][] = []
  const got: Array<Array<{ n: number, partition: number }>> = [[], []]
  const subscribe = (i: number): ReturnType<KafkaBus['subscribe']> => bus.subscribe((d) => { got[i].push({ n: d.record.time_us, partition: d.partition ?? -1 }) }, {
    group: 'share',
    onRebalance: (partitions) => { assigned[i] = [...partitions].sort((a, b) => a - b); rebalances.push([i, ...assigned[i]]) }
  })
  const a = subscribe(0)
  await waitFor(() => assigned[0]?.length === 4, 40_000, 'the first member to get all 4 partitions')
  const b = subscribe(1)
  const split = (): boolean => {
    const [x, y] = assigned
    if (x === undefined || y === undefined || x.length === 0 || y.length === 0) return false
    const all = [...x, ...y].sort((p, q) => p - q)
    return all.join(',') === '0,1,2,3'
  }
  await waitFor(split, 60_000, 'the partitions to be split between the two members')

  for (let i = 0; i < 200; i++) bus.publish(rec(i, 1 + (i % 16)))
  await bus.flush()
  await waitFor(() => got[0].length + got[1].length >= 200, 40_000, '200 records between the two')
  await sleep(500)
  const describe = (): string => JSON.stringify({ assigned, rebalances, counts: got.map((g) => { const m: Record<number, number> = {}; for (const r of g) m[r.partition] = (m[r.partition] ?? 0) + 1; return m }) })
  assert.equal(got[0].length + got[1].length, 200, describe())
  assert.ok(got[0].length > 0 && got[1].length > 0, `one member got nothing: ${got[0].length} / ${got[1].length}`)
  const ns = new Set([...got[0], ...got[1]].map((r) => r.n))
  assert.equal(ns.size, 200, 'each record once')
  for (const i of [0, 1]) {
    for (const r of got[i]) assert.ok(assigned[i]?.includes(r.partition), `member ${i} got a record of partition ${r.partition}, assigned ${String(assigned[i])}`)
  }
  await Promise.all([a.unsubscribe(), b.unsubscribe()])
})

test('a value on the records topic that is not a record is skipped, counted and acknowledged', { timeout: 90_000 }, async (t) => {
  const settings = await fresh('garbage')
  const bus = newBus(settings)
  t.after(async () => { await bus.close() })
  const topic = recordsTopic(settings)
  const key = partitionKey(rec(0, 9))
  const producer = new Producer({ ...clientOptions(settings, 'test-raw'), serializers: stringSerializers, idempotent: true, acks: ProduceAcks.ALL, autocreateTopics: false })
  try {
    // Same key as the real records: the same partition, between them.
    bus.publish(rec(0, 9))
    await bus.flush()
    await producer.send({ messages: [{ topic, key, value: 'this is not JSON {' }, { topic, key, value: '[1,2]' }, { topic, key, value: '{"type":"nope"}' }] })
    bus.publish(rec(1, 9))
    await bus.flush()
  } finally {
    await producer.close()
  }
  const got: number[] = []
  const a = bus.subscribe((d) => { got.push(d.record.time_us) }, { group: 'g' })
  await waitFor(() => got.length >= 2, 40_000, 'the two real records')
  await sleep(500)
  assert.deepEqual(got, [0, 1])
  const stats = a.stats as typeof a.stats & { badRecords: number }
  assert.equal(stats.badRecords, 3)
  assert.equal(stats.delivered, 5)
  assert.equal(stats.acked, 5)
  assert.equal(stats.queued, 0)
  await a.unsubscribe()
  // Committed past the bad ones: a new member of the group gets only what is new.
  const again: number[] = []
  const b = bus.subscribe((d) => { again.push(d.record.time_us) }, { group: 'g' })
  bus.publish(rec(2, 9))
  await waitFor(() => again.length >= 1, 40_000, 'the new record')
  await sleep(500)
  assert.deepEqual(again, [2])
  assert.equal((b.stats as typeof b.stats & { badRecords: number }).badRecords, 0)
  await b.unsubscribe()
})

test('a record written twice by a bus (same id header, a later offset) is delivered once; ids of another bus are their own', { timeout: 90_000 }, async (t) => {
  const settings = await fresh('copies')
  const bus = newBus(settings)
  t.after(async () => { await bus.close() })
  const topic = recordsTopic(settings)
  const r0 = rec(0, 9)
  const r1 = rec(1, 9)
  const key = partitionKey(r0)
  const producer = new Producer({ ...clientOptions(settings, 'test-raw'), serializers: stringSerializers, idempotent: true, acks: ProduceAcks.ALL, autocreateTopics: false })
  try {
    // What a produce request failing in part and sent again leaves: r0 and r1, then r1 again;
    // then another bus (its own id) whose counter starts again at 0.
    await producer.send({
      messages: [
        { topic, key, value: JSON.stringify(r0), headers: { id: 'aaaa:0' } },
        { topic, key, value: JSON.stringify(r1), headers: { id: 'aaaa:1' } },
        { topic, key, value: JSON.stringify(r1), headers: { id: 'aaaa:1' } },
        { topic, key, value: JSON.stringify(rec(2, 9)), headers: { id: 'bbbb:0' } }
      ]
    })
  } finally {
    await producer.close()
  }
  const got: number[] = []
  const sub = bus.subscribe((d) => { got.push(d.record.time_us) }, { group: 'g' })
  await waitFor(() => got.length >= 3, 40_000, 'three records')
  await sleep(500)
  assert.deepEqual(got, [0, 1, 2])
  const stats = sub.stats as typeof sub.stats & { duplicates: number }
  assert.equal(stats.duplicates, 1)
  assert.equal(stats.acked, 4)
  await sub.unsubscribe()
})
