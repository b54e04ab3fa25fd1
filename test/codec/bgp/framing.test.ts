import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BgpMessageSplitter } from '../../../src/codec/bgp/framing.ts'
import { assertBgpError, message, toHex } from './hex.ts'

const KEEPALIVE = message(4, '')
const UPDATE = message(2, '0000 0014 400101 00 400206 0202 fde8 fde9 400304 c0000201 18 c00002')
const NOTIFICATION = message(3, '0602')
const STREAM = Buffer.concat([KEEPALIVE, UPDATE, NOTIFICATION, KEEPALIVE])
const EXPECTED = [KEEPALIVE, UPDATE, NOTIFICATION, KEEPALIVE].map(toHex)

test('whole messages from one chunk, as views into it', () => {
  const splitter = new BgpMessageSplitter()
  const messages = splitter.push(STREAM)
  assert.deepEqual(messages.map(toHex), EXPECTED)
  assert.equal(messages[1].buffer, STREAM.buffer)
  assert.equal(splitter.buffered, 0)
})

test('every way of cutting the stream in two gives the same messages', () => {
  for (let cut = 0; cut <= STREAM.length; cut++) {
    const splitter = new BgpMessageSplitter()
    const messages = [...splitter.push(STREAM.subarray(0, cut)), ...splitter.push(STREAM.subarray(cut))]
    assert.deepEqual(messages.map(toHex), EXPECTED, `cut at ${cut}`)
    assert.equal(splitter.buffered, 0)
  }
})

test('one octet at a time', () => {
  const splitter = new BgpMessageSplitter()
  const messages: string[] = []
  for (let i = 0; i < STREAM.length; i++) {
    messages.push(...splitter.push(STREAM.subarray(i, i + 1)).map(toHex))
    assert.ok(splitter.buffered <= UPDATE.length)
  }
  assert.deepEqual(messages, EXPECTED)
})

test('a message completed from a held-back part is a copy, safe when the chunk is reused', () => {
  const splitter = new BgpMessageSplitter()
  const chunk = new Uint8Array(UPDATE.length)
  chunk.set(UPDATE.subarray(0, 10))
  splitter.push(chunk.subarray(0, 10))
  chunk.set(UPDATE.subarray(10), 0)
  const [whole] = splitter.push(chunk.subarray(0, UPDATE.length - 10))
  chunk.fill(0)
  assert.equal(toHex(whole), toHex(UPDATE))
})

test('header errors are thrown as soon as the header is whole, and again on every later push (RFC 4271 §6.1)', () => {
  const bad = message(4, '')
  bad[0] = 0
  const splitter = new BgpMessageSplitter()
  assert.deepEqual(splitter.push(bad.subarray(0, 18)), [])
  assert.throws(() => splitter.push(bad.subarray(18)), e => assertBgpError(e, { code: 1, subcode: 1 }))
  assert.throws(() => splitter.push(KEEPALIVE), e => assertBgpError(e, { code: 1, subcode: 1 }))
  assert.equal(splitter.buffered, 0)
})

test('lengths beyond 4096 need the extended message capability (RFC 8654)', () => {
  const big = message(2, '0000 0000' + '00'.repeat(5000))
  assert.throws(() => new BgpMessageSplitter().push(big), e => assertBgpError(e, { code: 1, subcode: 2, data: toHex(big.subarray(16, 18)) }))
  const splitter = new BgpMessageSplitter({ extendedMessage: true })
  assert.deepEqual(splitter.push(big.subarray(0, 3000)), [])
  assert.deepEqual(splitter.push(big.subarray(3000)).map(toHex), [toHex(big)])
})

test('bad type and bad length', () => {
  assert.throws(() => new BgpMessageSplitter().push(message(9, '')), e => assertBgpError(e, { code: 1, subcode: 3, data: '09' }))
  const short = message(4, '')
  short[17] = 18
  assert.throws(() => new BgpMessageSplitter().push(short), e => assertBgpError(e, { code: 1, subcode: 2 }))
})
