import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeHeader, writeHeader } from '../../../src/codec/bgp/header.ts'
import { assertBgpError, hex, message, toHex } from './hex.ts'

test('reads length and type', () => {
  assert.deepEqual(decodeHeader(message(4, ''), 0, false), { length: 19, type: 4 })
  const out = new Uint8Array(19)
  writeHeader(out, 0, 19, 4)
  assert.equal(toHex(out), toHex(message(4, '')))
})

test('a marker that is not all ones: Connection Not Synchronized (RFC 4271 §6.1)', () => {
  const m = message(4, '')
  m[3] = 0xfe
  assert.throws(() => decodeHeader(m, 0, false), e => assertBgpError(e, { code: 1, subcode: 1, data: '' }))
})

test('an unknown type: Bad Message Type with the type as data', () => {
  assert.throws(() => decodeHeader(message(6, ''), 0, false), e => assertBgpError(e, { code: 1, subcode: 3, data: '06' }))
  assert.throws(() => decodeHeader(message(0, ''), 0, false), e => assertBgpError(e, { code: 1, subcode: 3, data: '00' }))
})

test('bad lengths: Bad Message Length with the length field as data', () => {
  const tooShortUpdate = message(2, '0000')
  assert.throws(() => decodeHeader(tooShortUpdate, 0, false), e => assertBgpError(e, { code: 1, subcode: 2, data: '0015' }))
  assert.throws(() => decodeHeader(message(4, '00'), 0, false), e => assertBgpError(e, { code: 1, subcode: 2, data: '0014' }), 'KEEPALIVE is exactly 19')
  assert.throws(() => decodeHeader(message(3, '06'), 0, false), e => assertBgpError(e, { code: 1, subcode: 2 }), 'NOTIFICATION needs 21')
  assert.throws(() => decodeHeader(message(5, '000100'), 0, false), e => assertBgpError(e, { code: 1, subcode: 2 }), 'ROUTE-REFRESH needs 23')
  assert.throws(() => decodeHeader(hex('ffffffffffffffffffffffffffffffff0013'), 0, false), e => assertBgpError(e, { code: 1, subcode: 2 }), 'shorter than the header')
})

test('more than 4096 octets only with the extended message capability, and never for OPEN (RFC 8654 §5)', () => {
  const big = message(2, '0000 0000' + '00'.repeat(5000))
  assert.throws(() => decodeHeader(big, 0, false), e => assertBgpError(e, { code: 1, subcode: 2 }))
  assert.equal(decodeHeader(big, 0, true).length, big.length)
  const bigOpen = message(1, '00'.repeat(5000))
  assert.throws(() => decodeHeader(bigOpen, 0, true), e => assertBgpError(e, { code: 1, subcode: 2 }))
})
