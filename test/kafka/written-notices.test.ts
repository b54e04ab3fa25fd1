// The written topic's notices (key id -> end offset): encoded in pieces of at most
// MAX_KEYS_PER_NOTICE keys, read back as written, and anything else refused with a reason.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { encodeNotices, MAX_KEYS_PER_NOTICE, parseNotice } from '../../src/kafka/written-notices.ts'

test('ends encode to one JSON object per MAX_KEYS_PER_NOTICE keys and parse back to the same pairs', () => {
  const ends = new Map<string, bigint>()
  for (let i = 0; i < MAX_KEYS_PER_NOTICE * 2 + 1; i++) ends.set(i.toString(16).padStart(12, '0'), BigInt(i * 1000))
  const texts = encodeNotices(ends)
  assert.equal(texts.length, 3)
  const back: Array<[string, bigint]> = []
  for (const text of texts) {
    const pairs = parseNotice(text)
    assert.ok(!(pairs instanceof Error), String(pairs))
    back.push(...pairs)
  }
  assert.deepEqual(back, [...ends])
  assert.deepEqual(texts.map((text) => Object.keys(JSON.parse(text) as object).length), [MAX_KEYS_PER_NOTICE, MAX_KEYS_PER_NOTICE, 1])
  assert.ok(texts.every((text) => text.length < 1024 * 1024 / 2), 'a notice stays far under the brokers\' 1 MiB')
  assert.deepEqual(encodeNotices(new Map()), [])
  assert.equal(encodeNotices(new Map([['a1b2c3d4e5f6', 42n]]))[0], '{"a1b2c3d4e5f6":42}')
})

test('a notice that is not an object of key ids to whole offsets is refused, saying why', () => {
  const reason = (text: string): string => {
    const r = parseNotice(text)
    assert.ok(r instanceof Error, `${text} accepted`)
    return r.message
  }
  assert.match(reason('{"a":1'), /^not JSON/)
  assert.match(reason('[1,2]'), /not a JSON object/)
  assert.match(reason('null'), /not a JSON object/)
  assert.match(reason('7'), /not a JSON object/)
  assert.match(reason('{"a":-1}'), /offset of key "a" is not a whole number of at least 0: -1/)
  assert.match(reason('{"a":1.5}'), /offset of key "a"/)
  assert.match(reason('{"a":"3"}'), /offset of key "a"/)
  assert.match(reason('{"a":1e300}'), /offset of key "a"/)
  assert.deepEqual(parseNotice('{}'), [])
  assert.deepEqual(parseNotice('{"a":0,"b":9007199254740991}'), [['a', 0n], ['b', 9007199254740991n]])
})
