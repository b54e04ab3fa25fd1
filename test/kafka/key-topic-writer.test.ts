// KeyTopicWriter on a real broker (one node, port 19360): frames at offsets 0..n-1 with their
// origin header, and the deduplication of frames that a previous owner of a records partition
// wrote already (a new writer, or the same one after a rebalance), reading no more of the key
// topic's tail than the clock-skew margin asks. Once written, notices on the written topic give
// each key topic's end.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import type { KafkaSettings } from '../../src/kafka/kafka-settings.ts'
import { KeyTopicWriter, takeRequest } from '../../src/kafka/key-topic-writer.ts'
import type { FrameOrigin } from '../../src/kafka/key-topic-writer.ts'
import { PartitionReader } from '../../src/kafka/partition-reader.ts'
import type { FetchedRecord } from '../../src/kafka/partition-reader.ts'
import { keyTopic, TopicAdmin, writtenTopic } from '../../src/kafka/topics.ts'
import { parseNotice } from '../../src/kafka/written-notices.ts'
import { silentLogger } from '../../src/log.ts'
import { startKafka } from '../helpers/kafka.ts'
import type { TestKafka } from '../helpers/kafka.ts'
import { settingsFor, sleep, uniquePrefix, within } from './helpers.ts'

let kafka: TestKafka

before(async () => {
  kafka = await startKafka({ brokers: 1, port: 19_360, timeoutSeconds: 90 })
})

after(async () => {
  await kafka?.stop()
})

interface Env {
  settings: KafkaSettings
  admin: TopicAdmin
  reader: PartitionReader
  keyId: string
  writer: (options?: { clockSkewMs?: number, batch?: number, lingerMs?: number, maxInFlight?: number, maxNoticeFrameBytes?: number }) => KeyTopicWriter
  /** Every frame of the key topic (of `keyId`, or of another key), from its start. */
  frames: (otherKeyId?: string) => Promise<FetchedRecord[]>
}

async function env (name: string, t: { after: (fn: () => Promise<void>) => void }): Promise<Env> {
  const settings = settingsFor(kafka.bootstrap, uniquePrefix(name))
  const admin = new TopicAdmin(settings, 'test-admin')
  const reader = new PartitionReader(settings, 'test-reader')
  const keyId = randomBytes(6).toString('hex')
  const writers: KeyTopicWriter[] = []
  t.after(async () => {
    for (const w of writers) await w.close()
    await reader.close()
    await admin.close()
  })
  return {
    settings,
    admin,
    reader,
    keyId,
    writer: (options = {}) => {
      const w = new KeyTopicWriter({ settings, admin, reader, logger: silentLogger(), clientId: 'test-writer', ...options })
      writers.push(w)
      return w
    },
    frames: async (otherKeyId = keyId) => {
      const topic = keyTopic(settings, otherKeyId)
      const { start, end } = await reader.bounds(topic)
      return await reader.readRange(topic, start, end)
    }
  }
}

function origins (partition: number, from: number, to: number, timestamp: number): FrameOrigin[] {
  const out = []
  for (let offset = from; offset < to; offset++) out.push({ partition, offset, timestamp })
  return out
}

function interleave (a: FrameOrigin[], b: FrameOrigin[]): FrameOrigin[] {
  const out = []
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i < a.length) out.push(a[i])
    if (i < b.length) out.push(b[i])
  }
  return out
}

function frameOf (o: FrameOrigin, pad = 0): string {
  return JSON.stringify({ record_type: 'update', origin: `${o.partition}:${o.offset}`, ...(pad > 0 ? { 'as-path': 'x'.repeat(pad) } : {}) })
}

/** Hand every frame to the writer (recordSeen first for each partition, as the matcher does); resolves when all are done and flushed. */
async function writeAll (writer: KeyTopicWriter, keyId: string, list: readonly FrameOrigin[], pad = 0): Promise<void> {
  await writeEach(writer, [keyId], list, pad)
  await writer.flush()
}

/** Hand every frame of `list` to the writer for each of the keys in turn; resolves when all are written (no flush). */
async function writeEach (writer: KeyTopicWriter, keyIds: readonly string[], list: readonly FrameOrigin[], pad = 0): Promise<void> {
  let left = keyIds.length * list.length
  let resolveDone: () => void = () => {}
  const done = new Promise<void>((resolve) => { resolveDone = resolve })
  if (left === 0) resolveDone()
  for (const o of list) {
    writer.recordSeen(o.partition, o.timestamp)
    for (const keyId of keyIds) writer.write(keyId, frameOf(o, pad), o, () => { if (--left === 0) resolveDone() })
  }
  await done
}

function originHeaders (frames: readonly FetchedRecord[]): string[] {
  return frames.map((f) => f.headers.get('o') ?? 'none')
}

test('frames land at offsets 0..n-1 of the key topic, in order, each with header o = "partition:offset"', { timeout: 60_000 }, async (t) => {
  const e = await env('order', t)
  const w = e.writer()
  const list = origins(3, 100, 120, Date.now())
  await writeAll(w, e.keyId, list)
  const frames = await e.frames()
  assert.deepEqual(frames.map((f) => Number(f.offset)), [...Array(20).keys()])
  assert.deepEqual(originHeaders(frames), list.map((o) => `3:${o.offset}`))
  assert.deepEqual(frames.map((f) => f.value?.toString()), list.map((o) => frameOf(o)))
  assert.equal(w.stats.written, 20)
  assert.equal(w.stats.duplicatesSkipped, 0)
  assert.equal(w.stats.pending, 0)
  assert.equal(w.stats.sendErrors, 0)
})

test('a new writer does not write again what a previous owner of the partition wrote: 0..99 then 50..149 gives 0..149 once', { timeout: 60_000 }, async (t) => {
  const e = await env('dedup', t)
  const recordTime = Date.now() - 1_000
  const a = e.writer()
  await writeAll(a, e.keyId, origins(0, 0, 100, recordTime))
  assert.equal(a.stats.written, 100)
  await a.close()

  const b = e.writer()
  await writeAll(b, e.keyId, origins(0, 50, 150, recordTime))
  assert.equal(b.stats.duplicatesSkipped, 50)
  assert.equal(b.stats.written, 50)
  assert.ok(b.stats.tailReads >= 1)
  const frames = await e.frames()
  assert.equal(frames.length, 150)
  assert.deepEqual(originHeaders(frames), origins(0, 0, 150, 0).map((o) => `0:${o.offset}`))
})

test('dedup with the frames of two records partitions interleaved', { timeout: 60_000 }, async (t) => {
  const e = await env('dedup2', t)
  const recordTime = Date.now() - 1_000
  const a = e.writer()
  await writeAll(a, e.keyId, interleave(origins(0, 0, 50, recordTime), origins(1, 1000, 1050, recordTime)))
  await a.close()
  const b = e.writer()
  await writeAll(b, e.keyId, interleave(origins(0, 25, 75, recordTime), origins(1, 1030, 1080, recordTime)))
  assert.equal(b.stats.duplicatesSkipped, 25 + 20)
  assert.equal(b.stats.written, 25 + 30)
  const frames = await e.frames()
  assert.equal(frames.length, 100 + 55)
  const headers = originHeaders(frames)
  assert.equal(new Set(headers).size, headers.length, 'a frame written twice')
  for (const p of [0, 1]) {
    const offsets = headers.filter((h) => h.startsWith(`${p}:`)).map((h) => Number(h.slice(2)))
    const expected = p === 0 ? origins(0, 0, 75, 0) : origins(1, 1000, 1080, 0)
    assert.deepEqual(offsets, expected.map((o) => o.offset), `partition ${p}`)
  }
})

test('rebalanced() makes the same writer read the tail again and see what another writer wrote meanwhile', { timeout: 60_000 }, async (t) => {
  const e = await env('rebalance', t)
  const recordTime = Date.now() - 1_000
  const a = e.writer()
  await writeAll(a, e.keyId, origins(0, 0, 10, recordTime))
  assert.equal(a.stats.tailReads, 1)
  // The same generation: the tail is known, nothing is read again.
  await writeAll(a, e.keyId, origins(0, 10, 15, recordTime))
  assert.equal(a.stats.tailReads, 1)
  assert.equal(a.stats.written, 15)

  // Partition 0 goes to B, which writes 15..29, then comes back to A.
  const b = e.writer()
  await writeAll(b, e.keyId, origins(0, 10, 30, recordTime))
  assert.equal(b.stats.duplicatesSkipped, 5)
  assert.equal(b.stats.written, 15)
  a.rebalanced()
  await writeAll(a, e.keyId, origins(0, 25, 40, recordTime))
  assert.equal(a.stats.tailReads, 2)
  assert.equal(a.stats.duplicatesSkipped, 5)
  assert.equal(a.stats.written, 15 + 10)
  const frames = await e.frames()
  assert.deepEqual(originHeaders(frames), origins(0, 0, 40, 0).map((o) => `0:${o.offset}`))
})

test('the tail scan stops at frames older than the first record less the clock skew: it does not read the topic to its start', { timeout: 90_000 }, async (t) => {
  const e = await env('bounded', t)
  const old = e.writer()
  await writeAll(old, e.keyId, origins(5, 0, 6000, Date.now()))
  assert.equal(old.stats.written, 6000)
  await sleep(1_500)

  // Records of partition 0 published now: frames for them cannot be older than now - 500 ms.
  const b = e.writer({ clockSkewMs: 500 })
  await writeAll(b, e.keyId, origins(0, 0, 10, Date.now()))
  assert.equal(b.stats.written, 10)
  assert.equal(b.stats.duplicatesSkipped, 0)
  assert.ok(b.stats.tailRecordsRead > 0 && b.stats.tailRecordsRead <= 2_000, `read ${b.stats.tailRecordsRead} frames of the tail`)

  // The default skew (60 s) covers every frame here: that writer has to read to the start.
  const c = e.writer()
  await writeAll(c, e.keyId, origins(1, 0, 10, Date.now()))
  assert.equal(c.stats.written, 10)
  assert.ok(c.stats.tailRecordsRead >= 6_010, `read ${c.stats.tailRecordsRead} frames of the tail`)
  assert.equal((await e.frames()).length, 6_020)
})

test('a burst of frames larger in all than the broker takes in one message batch (1 MiB) is written all the same', { timeout: 90_000 }, async (t) => {
  // A matcher catching up after a stall hands the writer thousands of frames of one key at once;
  // real frames are 200-400 octets. 4,000 frames of ~400 octets: 1.6 MB for one partition.
  const e = await env('burst', t)
  const w = e.writer()
  const written = writeAll(w, e.keyId, origins(0, 0, 4000, Date.now()), 350)
  const outcome = await within(written, 45_000)
  assert.equal(outcome, 'done', `frames not written after 45 s: ${JSON.stringify(w.stats)}`)
  assert.equal(w.stats.written, 4000)
  const frames = await e.frames()
  assert.equal(frames.length, 4000)
})

test('frames waiting for a tail read when a rebalance comes, with no record of their partition since, are written once the topic is read', { timeout: 60_000 }, async (t) => {
  const e = await env('rebalance-waiting', t)
  const w = e.writer()
  const now = Date.now()
  w.recordSeen(0, now)
  let done = 0
  for (const o of origins(0, 0, 3, now)) w.write(e.keyId, JSON.stringify({ n: o.offset }), o, () => { done++ })
  // The tail read has started (it is asynchronous); the rebalance forgets the partition's first record.
  w.rebalanced()
  assert.notEqual(await within(w.flush(), 20_000), 'timeout', 'the writer settles')
  assert.equal(done, 3)
  const frames = await e.frames()
  assert.deepEqual(frames.map((f) => f.headers.get('o')), ['0:0', '0:1', '0:2'])
})

test('takeRequest: frames in order, none of a topic in flight, and once full none of a topic passes its earlier frames', () => {
  const f = (topic: string, n: number, size = 1): { topic: string, value: string, n: number } => ({ topic, value: 'x'.repeat(size), n })
  const outgoing = [f('a', 1), f('b', 1), f('a', 2), f('c', 1), f('b', 2), f('c', 2)]
  const names = (list: ReadonlyArray<{ topic: string, n: number }>): string[] => list.map((x) => x.topic + String(x.n))
  let r = takeRequest(outgoing, new Set(['b']), 100, 1000)
  assert.deepEqual(names(r.batch), ['a1', 'a2', 'c1', 'c2'])
  assert.deepEqual(names(r.rest), ['b1', 'b2'])
  r = takeRequest(outgoing, new Set(), 3, 1000)
  assert.deepEqual(names(r.batch), ['a1', 'b1', 'a2'])
  assert.deepEqual(names(r.rest), ['c1', 'b2', 'c2'], 'full at 3 frames: b2 stays behind b1\'s request, c1 before c2')
  r = takeRequest([f('a', 1, 10), f('b', 1, 1), f('a', 2, 1)], new Set(), 100, 5)
  assert.deepEqual(names(r.batch), ['a1'], 'the first frame goes alone whatever its size; nothing after it fits')
  assert.deepEqual(names(r.rest), ['b1', 'a2'])
  r = takeRequest(outgoing, new Set(['a', 'b', 'c']), 100, 1000)
  assert.deepEqual(r.batch, [])
  assert.equal(r.rest.length, outgoing.length)
})

test('many keys with two requests in flight: every key topic gets its frames once, in order', { timeout: 90_000 }, async (t) => {
  const e = await env('in-flight', t)
  const w = e.writer({ batch: 8, lingerMs: 0, maxInFlight: 2 })
  const keys = Array.from({ length: 30 }, () => randomBytes(6).toString('hex'))
  await e.admin.ensureKeys(keys)
  const list = origins(0, 0, 40, Date.now())
  assert.equal(await within(writeEach(w, keys, list), 60_000), 'done', 'every frame written')
  await w.flush()
  assert.equal(w.stats.peakRequestsInFlight, 2, 'two requests were in flight at once')
  assert.equal(w.stats.requestsInFlight, 0)
  assert.equal(w.stats.written, keys.length * list.length)
  const expected = list.map((o) => `${o.partition}:${o.offset}`)
  for (const keyId of keys) assert.deepEqual(originHeaders(await e.frames(keyId)), expected, `key ${keyId}`)
})

for (const carry of [true, false]) {
  const what = carry ? 'and carry every frame written' : 'and carry no frame beyond maxNoticeFrameBytes (0 here)'
  test(`notices on the written topic give each key topic's end once its frames are written, ${what}`, { timeout: 60_000 }, async (t) => {
    const e = await env('notices', t)
    const w = e.writer({ batch: 2, lingerMs: 0, ...(carry ? {} : { maxNoticeFrameBytes: 0 }) })
    const other = randomBytes(6).toString('hex')
    let carried = 0
    /**
     * The highest end noticed per key, over every notice on the topic so far; ends never go down,
     * and the frames a notice carries are the key topic's at the offsets just before the end.
     */
    const noticed = async (): Promise<Record<string, number>> => {
      const topic = writtenTopic(e.settings)
      const { start, end } = await e.reader.bounds(topic)
      const out: Record<string, number> = {}
      carried = 0
      for (const r of await e.reader.readRange(topic, start, end)) {
        const keys = parseNotice(r.value ?? Buffer.alloc(0))
        if (keys instanceof Error) throw keys
        for (const { keyId, end: at, frames } of keys) {
          assert.ok(out[keyId] === undefined || Number(at) >= out[keyId], `the end of ${keyId} went down`)
          out[keyId] = Number(at)
          const written = await e.frames(keyId)
          const first = Number(at) - frames.length
          assert.deepEqual(frames.map((f) => f.toString()), written.slice(first, Number(at)).map((w) => w.value?.toString()), `frames of ${keyId} carried for offsets ${first}..${Number(at) - 1}`)
          carried += frames.length
        }
      }
      return out
    }
    await Promise.all([writeAll(w, e.keyId, origins(0, 0, 5, Date.now())), writeAll(w, other, origins(0, 0, 3, Date.now()))])
    let seen: Record<string, number> = {}
    for (let i = 0; i < 100 && !(seen[e.keyId] === 5 && seen[other] === 3); i++) {
      seen = await noticed()
      await sleep(100)
    }
    assert.deepEqual(seen, { [e.keyId]: 5, [other]: 3 })
    await writeAll(w, e.keyId, origins(0, 5, 7, Date.now()))
    for (let i = 0; i < 100 && seen[e.keyId] !== 7; i++) {
      seen = await noticed()
      await sleep(100)
    }
    assert.deepEqual(seen, { [e.keyId]: 7, [other]: 3 })
    assert.equal((await e.frames()).length, 7)
    assert.equal(carried, carry ? 5 + 3 + 2 : 0, 'frames carried by the notices')
    assert.ok(w.stats.notices >= 2)
    assert.equal(w.stats.noticeErrors, 0)
  })
}

test('the notices after many answers, larger in all than the broker takes in one message batch (1 MiB), are each written and carry every frame', { timeout: 90_000 }, async (t) => {
  // While a notice is on its way the answers that come meanwhile add to the next: after a burst,
  // several notices of up to 512 KiB of frames each. Sent in one request they are one record
  // batch for the written topic's partition, which the broker refuses whole (MESSAGE_TOO_LARGE).
  const e = await env('notices-burst', t)
  const w = e.writer()
  const keys = Array.from({ length: 40 }, () => randomBytes(6).toString('hex'))
  await e.admin.ensureKeys(keys)
  const list = origins(0, 0, 100, Date.now())
  // 40 keys x 100 frames of ~650 octets: 2.6 MB of frames, five produce requests of 512 KiB.
  assert.equal(await within(writeEach(w, keys, list, 600), 60_000), 'done', 'every frame written')
  await w.flush()
  const topic = writtenTopic(e.settings)
  let carried = 0
  for (let i = 0; i < 100; i++) {
    const { start, end } = await e.reader.bounds(topic)
    carried = 0
    for (const r of await e.reader.readRange(topic, start, end)) {
      const notice = parseNotice(r.value ?? Buffer.alloc(0))
      if (notice instanceof Error) throw notice
      for (const k of notice) carried += k.frames.length
    }
    if (carried >= keys.length * list.length || w.stats.noticeErrors > 0) break
    await sleep(100)
  }
  assert.equal(w.stats.noticeErrors, 0, 'no notice refused')
  assert.equal(carried, keys.length * list.length, 'every frame carried by a notice')
  assert.ok(w.stats.notices >= 5, `${w.stats.notices} notices`)
})
