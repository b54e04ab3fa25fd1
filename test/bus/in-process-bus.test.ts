import { test } from 'node:test'
import assert from 'node:assert/strict'
import { setImmediate as tick } from 'node:timers/promises'
import { BoundedQueue } from '../../src/bus/bounded-queue.ts'
import { partitionKey } from '../../src/bus/bus.ts'
import type { BusDelivery } from '../../src/bus/bus.ts'
import { InProcessBus } from '../../src/bus/in-process-bus.ts'
import { makePeerStateRecord, makeUpdateRecord } from '../../src/record/build.ts'
import type { BgpRecord } from '../../src/record/types.ts'

function record (n: number, vp = '192.0.2.1'): BgpRecord {
  return makeUpdateRecord({ time_us: n, source: 'test', vp: { ip: vp, asn: 64500 } }, [{ next_hop: vp, prefixes: ['10.0.0.0/8'] }], [], {})
}

test('records reach every subscriber in publish order, never synchronously inside publish', async () => {
  const bus = new InProcessBus()
  const a: number[] = []
  const b: Array<[string, number, number]> = []
  bus.subscribe((d) => { a.push(d.record.time_us) })
  bus.subscribe((d) => { b.push([d.key, d.offset, d.record.time_us]) })
  for (let i = 0; i < 100; i++) assert.equal(bus.publish(record(i, i % 2 === 0 ? '192.0.2.1' : '192.0.2.2')), true)
  assert.deepEqual(a, [])
  await bus.flush()
  assert.deepEqual(a, [...Array(100).keys()])
  assert.deepEqual(b.slice(0, 2), [['64500_192.0.2.1', 0, 0], ['64500_192.0.2.2', 1, 1]])
  assert.equal(bus.stats.published, 100)
  await bus.close()
})

test('an async handler is awaited: per vantage point order holds with handlers of varying speed', async () => {
  const bus = new InProcessBus()
  const seen = new Map<string, number[]>()
  bus.subscribe(async (d) => {
    if (d.record.time_us % 3 === 0) await new Promise((resolve) => setTimeout(resolve, 1))
    const list = seen.get(d.key) ?? []
    list.push(d.record.time_us)
    seen.set(d.key, list)
  })
  for (let i = 0; i < 60; i++) bus.publish(record(i, '192.0.2.' + String(i % 4)))
  await bus.flush()
  for (const [key, list] of seen) {
    assert.deepEqual(list, [...list].sort((x, y) => x - y), key)
    assert.equal(list.length, 15)
  }
  await bus.close()
})

test('a full subscriber queue drops (counted) for that subscriber only; writable() waits for room', async () => {
  const bus = new InProcessBus({ maxQueued: 4 })
  let release: () => void = () => {}
  const gate = new Promise<void>((resolve) => { release = resolve })
  const slow: number[] = []
  const fast: number[] = []
  bus.subscribe(async (d) => { await gate; slow.push(d.record.time_us) }, { group: 'slow' })
  bus.subscribe((d) => { fast.push(d.record.time_us) }, { group: 'fast', maxQueued: 100 })
  const results: boolean[] = []
  for (let i = 0; i < 4; i++) results.push(bus.publish(record(i)))
  await tick() // the slow handler takes record 0 and blocks; 3 stay queued
  await tick()
  for (let i = 4; i < 8; i++) results.push(bus.publish(record(i)))
  assert.deepEqual(results, [true, true, true, true, true, false, false, false])
  const stats = bus.stats
  assert.equal(stats.dropped, 3)
  assert.deepEqual(stats.subscriptions.map((s) => [s.group, s.dropped]), [['slow', 3], ['fast', 0]])
  assert.equal(stats.subscriptions[0].queued, 4)
  let writable = false
  const waiting = bus.writable().then(() => { writable = true })
  await tick()
  assert.equal(writable, false)
  release()
  await waiting
  assert.equal(writable, true)
  await bus.flush()
  assert.deepEqual(slow, [0, 1, 2, 3, 4])
  assert.deepEqual(fast, [0, 1, 2, 3, 4, 5, 6, 7])
  await bus.close()
})

test('manual ack: flush waits for every acknowledgement; ack is idempotent', async () => {
  const bus = new InProcessBus()
  const pending: BusDelivery[] = []
  const sub = bus.subscribe((d) => { pending.push(d) }, { ack: 'manual' })
  bus.publish(record(1))
  bus.publish(record(2))
  let flushed = false
  const flushing = bus.flush().then(() => { flushed = true })
  await tick()
  await tick()
  assert.equal(pending.length, 2)
  assert.equal(flushed, false)
  pending[0].ack()
  pending[0].ack()
  await tick()
  assert.equal(flushed, false)
  assert.equal(sub.stats.acked, 1)
  pending[1].ack()
  await flushing
  assert.deepEqual({ delivered: sub.stats.delivered, acked: sub.stats.acked }, { delivered: 2, acked: 2 })
  await bus.close()
})

test('a handler that throws or rejects is counted and reported, and the stream goes on', async () => {
  const bus = new InProcessBus()
  const errors: Array<[string, number]> = []
  const ok: number[] = []
  bus.subscribe(async (d) => {
    if (d.record.time_us === 1) throw new Error('sync-ish')
    if (d.record.time_us === 2) return Promise.reject(new Error('async'))
    ok.push(d.record.time_us)
  }, { onError: (e, d) => errors.push([(e as Error).message, d.record.time_us]) })
  for (let i = 0; i < 4; i++) bus.publish(record(i))
  await bus.flush()
  assert.deepEqual(ok, [0, 3])
  assert.deepEqual(errors, [['sync-ish', 1], ['async', 2]])
  assert.equal(bus.stats.subscriptions[0].handlerErrors, 2)
  assert.equal(bus.stats.subscriptions[0].acked, 4)
  await bus.close()
})

test('close drains what is queued, then refuses records (counted)', async () => {
  const bus = new InProcessBus()
  const seen: number[] = []
  bus.subscribe(async (d) => { await tick(); seen.push(d.record.time_us) })
  for (let i = 0; i < 10; i++) bus.publish(record(i))
  await bus.close()
  assert.deepEqual(seen, [...Array(10).keys()])
  assert.equal(bus.publish(record(99)), false)
  assert.equal(bus.stats.rejectedClosed, 1)
  assert.throws(() => bus.subscribe(() => {}), /closed/)
  await bus.writable() // resolves at once once closed
})

test('unsubscribe stops delivery and counts what was queued as dropped', async () => {
  const bus = new InProcessBus()
  const seen: number[] = []
  const sub = bus.subscribe((d) => { seen.push(d.record.time_us) })
  for (let i = 0; i < 5; i++) bus.publish(record(i))
  await sub.unsubscribe()
  assert.deepEqual(seen, [])
  assert.equal(sub.stats.dropped, 5)
  assert.equal(bus.stats.subscriptions.length, 0)
  assert.equal(bus.publish(record(6)), true)
  await bus.flush()
  await bus.close()
})

test('a long burst of sync handling yields to the event loop', async () => {
  const bus = new InProcessBus({ batch: 100, maxQueued: 10_000 })
  let handled = 0
  bus.subscribe(() => { handled++ })
  for (let i = 0; i < 1000; i++) bus.publish(record(i))
  await tick() // the loop starts on this turn
  await tick()
  assert.ok(handled > 0 && handled < 1000, `handled ${handled}`)
  await bus.flush()
  assert.equal(handled, 1000)
  await bus.close()
})

test('a slow sync handler yields to the event loop on the time slice, well before the batch', async () => {
  const bus = new InProcessBus({ sliceMs: 2, maxQueued: 10_000 })
  let handled = 0
  bus.subscribe(() => {
    const until = performance.now() + 0.5
    while (performance.now() < until) handled += 0 // busy: a slow synchronous handler
    handled++
  })
  for (let i = 0; i < 100; i++) bus.publish(record(i))
  await tick() // the loop starts on this turn
  await tick()
  assert.ok(handled > 0 && handled < 50, `handled ${handled}`) // without the slice: all 100 at once
  await bus.flush()
  assert.equal(handled, 100)
  await bus.close()
})

test('bus options out of range are refused', () => {
  assert.throws(() => new InProcessBus({ batch: 0 }), RangeError)
  assert.throws(() => new InProcessBus({ sliceMs: -1 }), RangeError)
})

test('partitionKey names the vantage point, and the router for BMP', () => {
  assert.equal(partitionKey(record(1, '2001:db8::1')), '64500_2001:db8::1')
  const bmp = makePeerStateRecord({
    time_us: 1, source: 's', vp: { ip: '192.0.2.1', asn: 64500 }, router: { ip: '198.51.100.9', view: 'loc-rib' }
  }, 'Established', 'Idle')
  assert.equal(partitionKey(bmp), '64500_192.0.2.1|198.51.100.9')
})

test('BoundedQueue keeps FIFO order through growth and wrap-around, and refuses past capacity', () => {
  const q = new BoundedQueue<number>(40)
  const expected: number[] = []
  let next = 0
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < 7; i++) {
      const pushed = q.push(next)
      assert.equal(pushed, expected.length < 40)
      if (pushed) expected.push(next)
      next++
    }
    for (let i = 0; i < 5; i++) assert.equal(q.shift(), expected.shift())
    assert.equal(q.length, expected.length)
  }
  assert.equal(q.length, 35)
  for (let i = 0; i < 5; i++) assert.equal(q.push(i), true)
  assert.equal(q.full, true)
  assert.equal(q.push(6), false)
  assert.throws(() => new BoundedQueue(0), RangeError)
})

test('an onError that throws does not stop the subscription', async () => {
  const bus = new InProcessBus()
  const ok: number[] = []
  bus.subscribe((d) => {
    if (d.record.time_us === 0) throw new Error('first')
    ok.push(d.record.time_us)
  }, { onError: () => { throw new Error('onError too') } })
  for (let i = 0; i < 3; i++) bus.publish(record(i))
  await bus.flush()
  assert.deepEqual(ok, [1, 2])
  assert.equal(bus.stats.subscriptions[0].handlerErrors, 1)
  await bus.close()
})
