import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { RecordQueue } from '../../src/sources/record-queue.ts'
import { createLogger } from '../../src/log.ts'

function capture (): { logger: ReturnType<typeof createLogger>, lines: () => Array<Record<string, unknown>> } {
  let text = ''
  const destination = new Writable({ write (chunk: Buffer, _e, cb) { text += chunk.toString(); cb() } })
  const logger = createLogger({ destination, level: 'info' })
  return { logger, lines: () => text.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>) }
}

test('FIFO order, high and low water marks, drain listeners', () => {
  const q = new RecordQueue<number>({ capacity: 10, highWaterMark: 4, lowWaterMark: 2 })
  let drains = 0
  q.onDrain(() => { drains++ })
  for (let i = 0; i < 3; i++) assert.equal(q.push(i), true)
  assert.equal(q.aboveHighWaterMark, false)
  q.push(3)
  assert.equal(q.aboveHighWaterMark, true)
  assert.equal(q.shift(), 0)
  assert.equal(q.aboveHighWaterMark, true, 'still above until the low-water mark')
  assert.equal(q.shift(), 1)
  assert.equal(drains, 1)
  assert.equal(q.aboveHighWaterMark, false)
  assert.deepEqual([q.shift(), q.shift(), q.shift()], [2, 3, undefined])
})

test('a full queue drops, counts, and logs one summary per interval', async () => {
  const { logger, lines } = capture()
  const q = new RecordQueue<number>({ capacity: 3, logger, logIntervalMs: 100, name: 'test' })
  for (let i = 0; i < 1000; i++) q.push(i)
  assert.equal(q.length, 3)
  assert.equal(q.stats.dropped, 997)
  assert.equal(q.stats.pushed, 3)
  // The first drop is logged at once, the rest of the burst when the interval is over.
  await new Promise((resolve) => setTimeout(resolve, 250))
  const logged = lines()
  assert.equal(logged.length, 2)
  assert.deepEqual(logged.map((l) => l.dropped), [1, 996])
  assert.ok(logged.every((l) => l.queue === 'test' && l.msg === 'record queue full: records dropped'))
  assert.deepEqual([q.shift(), q.shift(), q.shift()], [0, 1, 2])
})

test('the ring buffer keeps order across growth and wrap-around', () => {
  const q = new RecordQueue<number>({ capacity: 5000, highWaterMark: 5000 })
  let next = 0
  let expected = 0
  for (let round = 0; round < 20; round++) {
    for (let i = 0; i < 300; i++) q.push(next++)
    for (let i = 0; i < 250; i++) assert.equal(q.shift(), expected++)
  }
  while (q.length > 0) assert.equal(q.shift(), expected++)
  assert.equal(expected, next)
})

test('async iteration ends after close, once the queue is empty', async () => {
  const q = new RecordQueue<number>()
  setTimeout(() => { q.push(1); q.push(2); q.close(); q.push(3) }, 10)
  const got: number[] = []
  for await (const x of q) got.push(x)
  assert.deepEqual(got, [1, 2])
  assert.equal(q.stats.dropped, 1, 'a push after close is a counted drop')
})
