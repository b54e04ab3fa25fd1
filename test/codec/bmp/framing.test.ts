import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeCommonHeader, withCommonHeader } from '../../../src/codec/bmp/common-header.ts'
import { BmpDecodeError } from '../../../src/codec/bmp/errors.ts'
import { createBmpSplitter } from '../../../src/codec/bmp/framing.ts'
import { corpusMessage, hex, toHex } from './fixtures.ts'

const INITIATION = corpusMessage('netgauze-2-0-initiation')
const PEER_DOWN = corpusMessage('netgauze-0-1-peer-down')

test('common header: version, length and type (RFC 7854 §4.1)', () => {
  assert.deepEqual(decodeCommonHeader(INITIATION), { version: 3, length: 23, type: 4 })
  assert.equal(toHex(withCommonHeader(4, INITIATION.subarray(6))), toHex(INITIATION))
})

test('common header: errors name the offset and bytes at fault', () => {
  assert.throws(() => decodeCommonHeader(hex('0300000006')), (e: unknown) => e instanceof BmpDecodeError && /needs 6 octets/.test(e.message))
  assert.throws(() => decodeCommonHeader(hex('020000000604')), (e: unknown) =>
    e instanceof BmpDecodeError && /version 2/.test(e.message) && e.offset === 0 && toHex(e.bytes) === '020000000604')
  assert.throws(() => decodeCommonHeader(hex('030000000504')), (e: unknown) =>
    e instanceof BmpDecodeError && /length 5 outside/.test(e.message) && e.offset === 1 && e.messageType === 4)
  assert.throws(() => decodeCommonHeader(hex('03 00100001 00')), /length 1048577 outside/)
  assert.throws(() => decodeCommonHeader(hex('03 00000100 00'), 0, 255), /length 256 outside 6\.\.255/)
})

test('splitter: hands out whole messages however the stream is cut', () => {
  const stream = new Uint8Array([...INITIATION, ...PEER_DOWN, ...INITIATION])
  for (const cut of [1, 5, 6, 7, 22, 23, 24, 50, stream.length]) {
    const splitter = createBmpSplitter()
    const out: Uint8Array[] = []
    for (let i = 0; i < stream.length; i += cut) out.push(...splitter.push(stream.subarray(i, i + cut)))
    assert.deepEqual(out.map(toHex), [INITIATION, PEER_DOWN, INITIATION].map(toHex), `chunks of ${cut}`)
    assert.equal(splitter.pending(), 0)
    assert.equal(splitter.consumed(), stream.length)
  }
})

test('splitter: keeps a partial message pending and copies what it hands out', () => {
  const splitter = createBmpSplitter()
  const chunk = new Uint8Array([...INITIATION, ...PEER_DOWN.subarray(0, 10)])
  const [first, ...rest] = splitter.push(chunk)
  assert.equal(rest.length, 0)
  assert.equal(splitter.pending(), 10)
  assert.equal(splitter.consumed(), 23)
  chunk.fill(0)
  assert.equal(toHex(first), toHex(INITIATION))
  assert.deepEqual(splitter.push(new Uint8Array(0)), [])
  assert.equal(toHex(splitter.push(PEER_DOWN.subarray(10))[0]), toHex(PEER_DOWN))
})

test('splitter: a bad version or an absurd length stops the stream for good, with the stream offset', () => {
  const splitter = createBmpSplitter({ maxMessageLength: 4096 })
  assert.equal(splitter.push(INITIATION).length, 1)
  const check = (e: unknown): boolean => e instanceof BmpDecodeError && e.offset === 24 && /stream lost: BMP message length 4097/.test(e.message)
  assert.throws(() => splitter.push(hex('03 00001001 00')), check)
  // Sticky: the same error again, whatever comes next.
  assert.throws(() => splitter.push(INITIATION), check)

  const other = createBmpSplitter()
  assert.throws(() => other.push(hex('01 00000006 00')), (e: unknown) => e instanceof BmpDecodeError && e.offset === 0 && /version 1/.test(e.message))
})

test('splitter: buffering is bounded by the largest message', () => {
  const splitter = createBmpSplitter({ maxMessageLength: 64 })
  // A header announcing 64 octets is fine and waits; 65 is refused before anything is buffered.
  assert.deepEqual(splitter.push(hex('03 00000040 00')), [])
  assert.equal(splitter.pending(), 6)
  assert.throws(() => createBmpSplitter({ maxMessageLength: 64 }).push(hex('03 00000041 00')), BmpDecodeError)
})
