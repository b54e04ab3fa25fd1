import { test } from 'node:test'
import assert from 'node:assert/strict'
import { DeliveryLog, ENTRY_OVERHEAD } from '../../src/matcher/delivery-log.ts'
import type { SinceResult } from '../../src/matcher/delivery-log.ts'
import type { UpdateFrame } from '../../src/matcher/frame.ts'
import { rng } from './helpers.ts'

function frame (n: number, pad = 0): UpdateFrame {
  return { record_type: 'update', vp: '64500_192.0.2.1', sec: n, Usec: 0, prefixes: '10.0.0.0/8', collector: 'c'.repeat(1 + pad) }
}

function seqs (result: SinceResult): number[] {
  assert.equal(result.kind, 'frames')
  return result.kind === 'frames' ? result.frames.map((f) => f.seq) : []
}

test('frames are numbered per key from 1, with seq first in the text', () => {
  const log = new DeliveryLog()
  assert.equal(log.append('a', frame(1)).seq, 1)
  assert.equal(log.append('a', frame(2)).seq, 2)
  const b = log.append('b', frame(3))
  assert.equal(b.seq, 1)
  assert.ok(b.bytes.toString().startsWith('{"seq":1,"record_type":"update",'))
  assert.deepEqual(JSON.parse(b.bytes.toString()), { seq: 1, ...frame(3) })
  assert.equal(log.lastSeq('a'), 2)
  assert.equal(log.lastSeq('nobody'), 0)
})

test('since(seq) returns exactly the frames after seq: no gap, no duplicate', () => {
  const log = new DeliveryLog({ maxFramesPerKey: 50 })
  for (let i = 1; i <= 40; i++) log.append('k', frame(i))
  assert.deepEqual(seqs(log.since('k', 0)), [...Array(40).keys()].map((i) => i + 1))
  assert.deepEqual(seqs(log.since('k', 37)), [38, 39, 40])
  assert.deepEqual(seqs(log.since('k', 40)), [])
  const r = log.since('k', 38)
  assert.ok(r.kind === 'frames')
  assert.deepEqual(r.frames.map((f) => JSON.parse(f.bytes.toString()).sec), [39, 40])
  assert.equal(r.lastSeq, 40)
  assert.deepEqual(log.since('new-key', 0), { kind: 'frames', frames: [], lastSeq: 0 })
})

test('resume across ring wrap-around, at every point, with random reconnects', () => {
  const random = rng(11)
  const log = new DeliveryLog({ maxFramesPerKey: 16 })
  let clientSeq = 0
  const received: number[] = []
  let lost = 0
  for (let i = 1; i <= 2000; i++) {
    log.append('k', frame(i))
    if (random() < 0.2) {
      // The client reconnects and resumes from what it has.
      let r = log.since('k', clientSeq)
      if (r.kind === 'too-old') {
        assert.equal(r.oldestSeq, i - 15)
        assert.ok(clientSeq + 1 < r.oldestSeq)
        // The gateway says what was lost; the client goes on from the oldest frame kept.
        lost += r.oldestSeq - 1 - clientSeq
        clientSeq = r.oldestSeq - 1
        r = log.since('k', clientSeq)
      }
      assert.equal(r.kind, 'frames')
      if (r.kind !== 'frames') continue
      for (const f of r.frames) {
        assert.equal(f.seq, clientSeq + 1)
        assert.equal(JSON.parse(f.bytes.toString()).sec, f.seq)
        clientSeq = f.seq
        received.push(f.seq)
      }
    }
  }
  assert.ok(received.length > 1000, `received ${received.length}`)
  assert.ok(lost > 0, 'the too-old path was taken')
  assert.equal(received.length + lost, clientSeq)
  for (let i = 1; i < received.length; i++) assert.ok(received[i] > received[i - 1])
})

test('a seq older than the log is "too-old"; one past the last is "ahead"', () => {
  const log = new DeliveryLog({ maxFramesPerKey: 10 })
  for (let i = 1; i <= 25; i++) log.append('k', frame(i))
  assert.deepEqual(log.since('k', 14), { kind: 'too-old', oldestSeq: 16, lastSeq: 25 })
  assert.deepEqual(seqs(log.since('k', 15)), [16, 17, 18, 19, 20, 21, 22, 23, 24, 25])
  assert.deepEqual(log.since('k', 0), { kind: 'too-old', oldestSeq: 16, lastSeq: 25 })
  assert.deepEqual(log.since('k', 26), { kind: 'ahead', lastSeq: 25 })
  assert.deepEqual(log.since('other', 3), { kind: 'ahead', lastSeq: 0 })
  assert.throws(() => log.since('k', -1), RangeError)
  assert.throws(() => log.since('k', 1.5), RangeError)
  assert.equal(log.stats.evictedPerKey, 15)
})

test('the per-key byte bound evicts the key\'s oldest frames, and keeps at least the newest', () => {
  const size = JSON.stringify({ seq: 1, ...frame(1, 99) }).length + ENTRY_OVERHEAD
  const log = new DeliveryLog({ maxBytesPerKey: size * 3 + 10 })
  for (let i = 1; i <= 5; i++) log.append('k', frame(i, 99))
  assert.deepEqual(seqs(log.since('k', 2)), [3, 4, 5])
  assert.equal(log.stats.evictedPerKey, 2)
  const tiny = new DeliveryLog({ maxBytesPerKey: 10 })
  tiny.append('k', frame(1))
  tiny.append('k', frame(2))
  assert.deepEqual(seqs(tiny.since('k', 1)), [2])
  assert.equal(tiny.stats.frames, 1)
})

test('the global byte bound evicts the oldest frames of all keys first and is never exceeded for long', () => {
  const size = JSON.stringify({ seq: 1, ...frame(1) }).length + ENTRY_OVERHEAD
  const log = new DeliveryLog({ maxBytes: size * 10 })
  for (let i = 1; i <= 6; i++) log.append('a', frame(i))
  for (let i = 1; i <= 6; i++) log.append('b', frame(i))
  // 12 frames into room for 10: a's two oldest go.
  assert.deepEqual(log.since('a', 0), { kind: 'too-old', oldestSeq: 3, lastSeq: 6 })
  assert.deepEqual(seqs(log.since('b', 0)), [1, 2, 3, 4, 5, 6])
  assert.equal(log.stats.evictedGlobal, 2)
  assert.equal(log.stats.frames, 10)
  assert.ok(log.stats.bytes <= size * 10)
  const random = rng(5)
  for (let i = 0; i < 5000; i++) {
    log.append(random() < 0.5 ? 'a' : 'c' + String(Math.floor(random() * 20)), frame(i))
    assert.ok(log.stats.bytes <= size * 10 + 20) // seq digits grow a little
    assert.ok(log.stats.frames <= 10)
  }
  // Each key still resumes with no gap from its oldest kept frame.
  const r = log.since('a', log.lastSeq('a') - 1)
  assert.deepEqual(seqs(r), [log.lastSeq('a')])
})

test('global eviction skips frames the key already evicted, and memory of that bookkeeping stays bounded', () => {
  const log = new DeliveryLog({ maxFramesPerKey: 2, maxBytes: 10_000_000 })
  for (let i = 1; i <= 100_000; i++) log.append('k' + String(i % 3), frame(i))
  assert.equal(log.stats.frames, 6)
  assert.equal(log.stats.evictedPerKey, 100_000 - 6)
  const order = (log as unknown as { order: { length: number } }).order
  assert.ok(order.length <= 2 * 6 + 512 + 1)
})

test('seq survives everything but dropKey', () => {
  const log = new DeliveryLog({ maxFramesPerKey: 1 })
  for (let i = 1; i <= 5; i++) log.append('k', frame(i))
  assert.equal(log.append('k', frame(6)).seq, 6)
  assert.equal(log.dropKey('k'), true)
  assert.equal(log.dropKey('k'), false)
  assert.equal(log.stats.frames, 0)
  assert.equal(log.stats.bytes, 0)
  assert.equal(log.append('k', frame(7)).seq, 1)
})

test('bounds must be positive', () => {
  assert.throws(() => new DeliveryLog({ maxFramesPerKey: 0 }), RangeError)
  assert.throws(() => new DeliveryLog({ maxBytes: -1 }), RangeError)
})

test('with a seq base (a restarted serve), seqs start above it and older ones are "too-old"', () => {
  const base = 1_764_219_000_000_000 // Date.now() * 1000 on 2025-11-27: what serve passes
  const log = new DeliveryLog({ seqBase: base, maxFramesPerKey: 5 })
  assert.equal(log.seqBase, base)
  assert.equal(log.lastSeq('k'), base)
  // Nothing numbered yet: a seq of an earlier run is too old, 0 and the base itself are served (nothing).
  assert.deepEqual(log.since('k', 17), { kind: 'too-old', oldestSeq: base + 1, lastSeq: base })
  assert.deepEqual(log.since('k', base - 1), { kind: 'too-old', oldestSeq: base + 1, lastSeq: base })
  assert.deepEqual(log.since('k', 0), { kind: 'frames', frames: [], lastSeq: base })
  assert.deepEqual(log.since('k', base), { kind: 'frames', frames: [], lastSeq: base })
  assert.deepEqual(log.since('k', base + 1), { kind: 'ahead', lastSeq: base })

  const first = log.append('k', frame(1))
  assert.equal(first.seq, base + 1)
  assert.ok(first.bytes.toString().startsWith(`{"seq":${base + 1},"record_type":"update",`))
  assert.equal(JSON.parse(first.bytes.toString()).seq, base + 1)
  assert.equal(log.append('other', frame(2)).seq, base + 1)
  for (let i = 2; i <= 4; i++) log.append('k', frame(i))
  assert.equal(log.lastSeq('k'), base + 4)
  // The frames of this run: all of them from 0 or the base, the rest after a seq of this run.
  assert.deepEqual(seqs(log.since('k', 0)), [base + 1, base + 2, base + 3, base + 4])
  assert.deepEqual(seqs(log.since('k', base)), [base + 1, base + 2, base + 3, base + 4])
  assert.deepEqual(seqs(log.since('k', base + 2)), [base + 3, base + 4])
  // A client of the previous run (its seqs below this base): told it lost frames, never silently served.
  assert.deepEqual(log.since('k', 12), { kind: 'too-old', oldestSeq: base + 1, lastSeq: base + 4 })
  assert.deepEqual(log.since('k', base - 1), { kind: 'too-old', oldestSeq: base + 1, lastSeq: base + 4 })
  assert.deepEqual(log.since('k', base + 5), { kind: 'ahead', lastSeq: base + 4 })
  // Evictions of this run: 0 is too old too, from the oldest kept.
  for (let i = 5; i <= 8; i++) log.append('k', frame(i))
  assert.deepEqual(log.since('k', 0), { kind: 'too-old', oldestSeq: base + 4, lastSeq: base + 8 })
  assert.deepEqual(seqs(log.since('k', base + 3)), [base + 4, base + 5, base + 6, base + 7, base + 8])
  // A key dropped for good numbers from the base again.
  log.dropKey('k')
  assert.equal(log.lastSeq('k'), base)
  assert.equal(log.append('k', frame(9)).seq, base + 1)
})

test('the seq base must be a whole number from 0 below 2^52', () => {
  assert.equal(new DeliveryLog().seqBase, 0)
  assert.equal(new DeliveryLog({ seqBase: 0 }).append('k', frame(1)).seq, 1)
  for (const bad of [-1, 1.5, 2 ** 52, Number.NaN]) assert.throws(() => new DeliveryLog({ seqBase: bad }), RangeError)
})

test('a frame given as octets is kept and numbered as the same frame given as text', () => {
  const log = new DeliveryLog()
  const text = JSON.stringify({ ...frame(7), collector: 'rrc00-é' })
  const octets = Buffer.from('xx' + text + 'yy')
  const a = log.append('a', text)
  const b = log.appendOctets('b', octets, 2, 2 + Buffer.byteLength(text))
  assert.equal(b.bytes.toString(), a.bytes.toString())
  assert.deepEqual(JSON.parse(b.bytes.toString()), { seq: 1, ...frame(7), collector: 'rrc00-é' })
  const resumed = log.since('b', 0)
  assert.ok(resumed.kind === 'frames')
  assert.equal(resumed.frames[0].bytes.toString(), a.bytes.toString())
  assert.equal(log.stats.bytes, 2 * (a.bytes.length + ENTRY_OVERHEAD))
})

test('frames of quiet keys holding old chunks cannot grow the arena past the global bound', () => {
  const maxBytes = 64 * 1024
  const log = new DeliveryLog({ maxFramesPerKey: 2, maxBytes })
  // A busy key evicts its own frames; between them each of 2,000 quiet keys gets one frame,
  // which alone keeps its chunk held.
  for (let q = 0; q < 2000; q++) {
    for (let i = 0; i < 25; i++) log.append('busy', frame(i))
    log.append('quiet' + String(q), frame(q))
    assert.ok(log.stats.arenaBytes <= maxBytes + 4096, `arena ${log.stats.arenaBytes} octets`)
    assert.ok(log.stats.bytes <= maxBytes)
  }
  assert.ok(log.stats.evictedGlobal > 0)
  // The newest quiet keys' frames are still there, the oldest went.
  assert.deepEqual(seqs(log.since('quiet1999', 0)), [1])
  assert.deepEqual(log.since('quiet0', 0), { kind: 'too-old', oldestSeq: 2, lastSeq: 1 })
})

test('a frame handed out keeps its octets after the log evicts it', () => {
  const log = new DeliveryLog({ maxFramesPerKey: 1, maxBytes: 8192 })
  const first = log.append('k', frame(1))
  const text = first.bytes.toString()
  const resumed = log.since('k', 0)
  assert.ok(resumed.kind === 'frames')
  // Every frame evicts the one before it: the arena's chunks are released and written again.
  for (let i = 2; i < 1000; i++) log.append('k', frame(i))
  assert.equal(first.bytes.toString(), text)
  assert.equal(resumed.frames[0].bytes.toString(), text)
  assert.deepEqual(JSON.parse(text), { seq: 1, ...frame(1) })
})
