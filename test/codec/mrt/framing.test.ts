import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MrtDecodeError } from '../../../src/codec/mrt/errors.ts'
import { MrtFraming } from '../../../src/codec/mrt/framing.ts'
import type { MrtFrame } from '../../../src/codec/mrt/framing.ts'
import { concatBytes, hex, mrtRecord } from './helpers.ts'

function drain (framing: MrtFraming): MrtFrame[] {
  const out: MrtFrame[] = []
  let frame: MrtFrame | null
  while ((frame = framing.next()) !== null) out.push(frame)
  return out
}

const a = mrtRecord(16, 4, hex('0102030405'))
const b = mrtRecord(17, 4, hex('000f4240 aabb'))
const big = mrtRecord(13, 4, new Uint8Array(70_000).fill(7))
const stream = concatBytes(a, b, big, a)

test('framing: whole stream in one chunk gives zero-copy frames with offsets', () => {
  const f = new MrtFraming()
  f.push(stream)
  f.end()
  const frames = drain(f)
  assert.deepEqual(frames.map((x) => x.header.offset), [0, a.length, a.length + b.length, a.length + b.length + big.length])
  assert.deepEqual(frames.map((x) => [x.header.type, x.header.subtype, x.header.length]), [[16, 4, 5], [17, 4, 6], [13, 4, 70_000], [16, 4, 5]])
  assert.equal(frames[0].body.buffer, stream.buffer, 'body is a view, not a copy')
  assert.equal(frames[0].header.timestamp, 0x5b9a0000)
  assert.equal(f.offset, stream.length)
})

for (const size of [1, 3, 11, 12, 13, 100, 4096]) {
  test(`framing: the same records whatever the chunk size (${size})`, () => {
    const f = new MrtFraming()
    const frames: MrtFrame[] = []
    for (let i = 0; i < stream.length; i += size) {
      f.push(stream.subarray(i, i + size))
      frames.push(...drain(f))
    }
    f.end()
    frames.push(...drain(f))
    assert.equal(frames.length, 4)
    assert.deepEqual(Buffer.from(frames[2].body), Buffer.from(big.subarray(12)))
    assert.deepEqual(Buffer.from(frames[3].body), Buffer.from(a.subarray(12)))
    assert.equal(frames[3].header.offset, stream.length - a.length)
  })
}

test('framing: a partial header or record at the end is a truncated error with the offset', () => {
  for (const cut of [5, a.length + 10]) {
    const f = new MrtFraming()
    f.push(stream.subarray(0, cut))
    drain(f)
    f.end()
    assert.throws(() => drain(f), (e: unknown) => e instanceof MrtDecodeError && e.kind === 'truncated' && e.offset === (cut === 5 ? 0 : a.length))
  }
})

test('framing: a length over the maximum is an error, not an allocation', () => {
  const f = new MrtFraming({ maxRecordLength: 1000 })
  f.push(concatBytes(a, hex('00000000 0010 0004 7fffffff')))
  assert.equal(f.next()?.header.offset, 0)
  assert.throws(() => f.next(), (e: unknown) => e instanceof MrtDecodeError && e.kind === 'too-large' && e.offset === a.length)
})

test('framing: empty input ends cleanly', () => {
  const f = new MrtFraming()
  f.end()
  assert.equal(f.next(), null)
})

test('framing: TABLE_DUMP length bug detected from the first record, lengths then corrected', () => {
  // View 0, sequence 1, then two IPv4 entries (18 + 4 octets each); declared length 4 short.
  const entry = hex('c0000200 18 01 00000000 0a000001 fde8 0004 40010100')
  const body = concatBytes(hex('0000 0001'), entry, entry)
  const rec = mrtRecord(12, 1, body)
  rec[11] -= 4
  const f = new MrtFraming()
  f.push(concatBytes(rec, rec))
  f.end()
  const frames = drain(f)
  assert.equal(f.tableDumpLengthFix, 4)
  assert.equal(frames.length, 2)
  assert.equal(frames[1].header.offset, rec.length)
  assert.equal(frames[0].body.length, body.length)
})

test('framing: a correct TABLE_DUMP file is not taken for the length bug', () => {
  const rec = mrtRecord(12, 1, hex('0000 0001 c0000200 18 01 00000000 0a000001 fde8 0004 40010100'))
  const f = new MrtFraming()
  f.push(concatBytes(rec, rec, rec))
  f.end()
  assert.equal(drain(f).length, 3)
  assert.equal(f.tableDumpLengthFix, 0)
})

test('framing: TABLE_DUMP length bug detected when the first record arrives in small chunks', () => {
  const entry = hex('c0000200 18 01 00000000 0a000001 fde8 0004 40010100')
  const body = concatBytes(hex('0000 0001'), ...Array.from({ length: 40 }, () => entry))
  const rec = mrtRecord(12, 1, body)
  new DataView(rec.buffer).setUint32(8, body.length - 4)
  const all = concatBytes(rec, rec, rec)
  const f = new MrtFraming()
  const frames: MrtFrame[] = []
  for (let i = 0; i < all.length; i += 50) {
    f.push(all.subarray(i, i + 50))
    frames.push(...drain(f))
  }
  f.end()
  frames.push(...drain(f))
  assert.equal(f.tableDumpLengthFix, 4)
  assert.deepEqual(frames.map((x) => x.body.length), [body.length, body.length, body.length])
})
