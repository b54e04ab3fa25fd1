// The written topic's notices (key id -> end offset, and the frames just before it): encoded in
// pieces of at most MAX_KEYS_PER_NOTICE keys and MAX_FRAME_BYTES_PER_NOTICE octets of frames,
// read back as written, and anything else refused with a reason.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { encodeNotices, MAX_FRAME_BYTES_PER_NOTICE, MAX_KEYS_PER_NOTICE, parseNotice } from '../../src/kafka/written-notices.ts'
import type { NoticeEntry, NoticeOfKey } from '../../src/kafka/written-notices.ts'

const parsed = (value: Buffer): NoticeOfKey[] => {
  const r = parseNotice(value)
  assert.ok(!(r instanceof Error), String(r))
  return r
}
const texts = (n: NoticeOfKey): [string, bigint, string[]] => [n.keyId, n.end, n.frames.map((f) => f.toString())]

test('ends without frames encode to one JSON object per MAX_KEYS_PER_NOTICE keys and parse back to the same ends', () => {
  const ends = new Map<string, NoticeEntry>()
  for (let i = 0; i < MAX_KEYS_PER_NOTICE * 2 + 1; i++) ends.set(i.toString(16).padStart(12, '0'), { end: BigInt(i * 1000) })
  const values = encodeNotices(ends)
  assert.equal(values.length, 3)
  const back = values.flatMap(parsed)
  assert.deepEqual(back.map(texts), [...ends].map(([k, e]) => [k, e.end, []]))
  assert.deepEqual(values.map((v) => Object.keys(JSON.parse(v.toString()) as object).length), [MAX_KEYS_PER_NOTICE, MAX_KEYS_PER_NOTICE, 1])
  assert.ok(values.every((v) => v.length < 1024 * 1024 / 2), 'a notice stays far under the brokers\' 1 MiB')
  assert.deepEqual(encodeNotices(new Map()), [])
  assert.equal(encodeNotices(new Map([['a1b2c3d4e5f6', { end: 42n }]]))[0].toString(), '{"a1b2c3d4e5f6":42}')
})

test('frames ride after the JSON: each key\'s are the ones at end - N .. end - 1, octet for octet', () => {
  const entries = new Map<string, NoticeEntry>([
    ['aaaaaaaaaaaa', { end: 7n, frames: ['{"prefixes":"10.0.0.0/8"}', '{"as-path":"65001 65002"}'] }],
    ['bbbbbbbbbbbb', { end: 3n }],
    // Octets, not characters: a frame with a multi-octet character keeps its place.
    ['cccccccccccc', { end: 1n, frames: ['{"collector":"é\\n"}'] }]
  ])
  const values = encodeNotices(entries)
  assert.equal(values.length, 1)
  assert.ok(values[0].toString().startsWith('{"aaaaaaaaaaaa":[7,0,'), values[0].toString())
  assert.deepEqual(parsed(values[0]).map(texts), [
    ['aaaaaaaaaaaa', 7n, ['{"prefixes":"10.0.0.0/8"}', '{"as-path":"65001 65002"}']],
    ['bbbbbbbbbbbb', 3n, []],
    ['cccccccccccc', 1n, ['{"collector":"é\\n"}']]
  ])
})

test('frames beyond MAX_FRAME_BYTES_PER_NOTICE go in the next notice; a key whose frames alone are more is told by its end only', () => {
  const frame = 'x'.repeat(100 * 1024)
  const entries = new Map<string, NoticeEntry>()
  for (let i = 0; i < 12; i++) entries.set(`k${i}`, { end: 10n, frames: [frame] })
  entries.set('huge', { end: 99n, frames: Array.from({ length: 6 }, () => frame) })
  const values = encodeNotices(entries)
  for (const v of values) {
    const body = v.length - v.indexOf(10) - 1
    assert.ok(v.indexOf(10) < 0 || body <= MAX_FRAME_BYTES_PER_NOTICE, `${body} octets of frames in one notice`)
  }
  const back = values.flatMap(parsed)
  assert.deepEqual(back.map((n) => [n.keyId, n.frames.length]), [...entries.keys()].map((k) => [k, k === 'huge' ? 0 : 1]))
  assert.equal(back.find((n) => n.keyId === 'huge')?.end, 99n)
  assert.ok(back.every((n) => n.frames.every((f) => f.toString() === frame)))
  assert.equal(values.length, 3, '5 frames of 100 KiB a notice, then 2 (and the huge key\'s end)')
})

test('a notice that is not an object of key ids to whole offsets and frames within it is refused, saying why', () => {
  const reason = (text: string): string => {
    const r = parseNotice(Buffer.from(text))
    assert.ok(r instanceof Error, `${text} accepted`)
    return r.message
  }
  assert.match(reason('{"a":1'), /^not JSON/)
  assert.match(reason('[1,2]'), /not a JSON object/)
  assert.match(reason('null'), /not a JSON object/)
  assert.match(reason('7'), /not a JSON object/)
  assert.match(reason('{"a":-1}'), /offsets of key "a" are not whole numbers of at least 0: -1/)
  assert.match(reason('{"a":1.5}'), /offsets of key "a"/)
  assert.match(reason('{"a":"3"}'), /offsets of key "a"/)
  assert.match(reason('{"a":1e300}'), /offsets of key "a"/)
  assert.match(reason('{"a":[5]}'), /\[end, at, length, \.\.\.\] expected/)
  assert.match(reason('{"a":[5,0]}\nxx'), /\[end, at, length, \.\.\.\] expected/)
  assert.match(reason('{"a":[1,0,1,1]}\nxx'), /2 frames cannot end at offset 1/)
  assert.match(reason('{"a":[5,1,2]}\nxx'), /its frames run past the notice's 2 octets of frames/)
  assert.match(reason('{"a":[5,0,-2]}\nxx'), /offsets of key "a"/)
  assert.deepEqual(parseNotice(Buffer.from('{}')), [])
  assert.deepEqual(parsed(Buffer.from('{"a":0,"b":9007199254740991}')).map(texts), [['a', 0n, []], ['b', 9007199254740991n, []]])
  assert.deepEqual(parsed(Buffer.from('{"a":[5,1,1]}\nxy')).map(texts), [['a', 5n, ['y']]])
})
