import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeAs4Path, decodeAsPath, encodeAsPath } from '../../../../src/codec/bgp/attributes/attr-02-17-as-path.ts'
import { ErrorAction } from '../../../../src/codec/bgp/errors.ts'
import { assertBgpError, hex, toHex } from '../hex.ts'

test('AS_PATH with 2-octet ASNs: a sequence then a set', () => {
  const value = hex('0203 1b6a 0ddd 3065  0102 fde8 fde9')
  const attr = decodeAsPath(value, 0, value.length, 0x40, false)
  assert.equal(attr.asnSize, 2)
  assert.deepEqual(attr.segments, [{ type: 2, asns: [7018, 3549, 12389] }, { type: 1, asns: [65000, 65001] }])
  assert.equal(toHex(encodeAsPath(attr)), toHex(value))
})

test('AS_PATH with 4-octet ASNs, confederation segments kept', () => {
  const value = hex('0301 0000fde8  0202 00031e3a fffffffe')
  const attr = decodeAsPath(value, 0, value.length, 0x50, true)
  assert.deepEqual(attr.segments, [{ type: 3, asns: [65000] }, { type: 2, asns: [204346, 4294967294] }])
  assert.equal(toHex(encodeAsPath(attr)), toHex(value))
})

test('an empty AS_PATH is legal (iBGP)', () => {
  assert.deepEqual(decodeAsPath(hex(''), 0, 0, 0x40, true).segments, [])
})

test('AS4_PATH is always 4-octet and a malformed one is discarded (RFC 6793 §6)', () => {
  const value = hex('0201 00031e3a')
  const attr = decodeAs4Path(value, 0, value.length, 0xc0)
  assert.equal(attr.kind, 'as4-path')
  assert.deepEqual(attr.segments, [{ type: 2, asns: [204346] }])
  assert.throws(() => decodeAs4Path(hex('0202 00031e3a'), 0, 6, 0xc0), e => assertBgpError(e, { code: 3, subcode: 11, action: ErrorAction.ATTRIBUTE_DISCARD }))
})

test('malformed AS_PATH is treat-as-withdraw, Malformed AS_PATH (RFC 7606 §7.2)', () => {
  const cases = {
    'undefined segment type': '0501 0001',
    'zero-length segment': '0200',
    'segment overrun': '0203 0001 0002',
    'truncated segment header': '0201 0001 02'
  }
  for (const [name, body] of Object.entries(cases)) {
    const value = hex(body)
    assert.throws(() => decodeAsPath(value, 0, value.length, 0x40, false), e => assertBgpError(e, { code: 3, subcode: 11, action: ErrorAction.TREAT_AS_WITHDRAW }), name)
  }
})

test('a segment of more than 255 ASNs cannot be encoded', () => {
  assert.throws(() => encodeAsPath({ kind: 'as-path', code: 2, flags: 0x40, asnSize: 4, segments: [{ type: 2, asns: new Array(256).fill(1) }] }), RangeError)
})
