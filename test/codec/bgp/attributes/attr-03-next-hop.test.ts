import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeNextHop, encodeNextHop } from '../../../../src/codec/bgp/attributes/attr-03-next-hop.ts'
import { ErrorAction } from '../../../../src/codec/bgp/errors.ts'
import { assertBgpError, hex, toHex } from '../hex.ts'

test('NEXT_HOP decodes and re-encodes an IPv4 address', () => {
  const attr = decodeNextHop(hex('0c00013f'), 0, 4, 0x40)
  assert.equal(attr.nextHop, '12.0.1.63')
  assert.equal(toHex(encodeNextHop(attr)), '0c00013f')
})

test('NEXT_HOP of bad length is treat-as-withdraw (RFC 7606 §7.3)', () => {
  assert.throws(() => decodeNextHop(hex('0c0001'), 0, 3, 0x40), e => assertBgpError(e, { code: 3, subcode: 5, action: ErrorAction.TREAT_AS_WITHDRAW }))
})

test('encoding a NEXT_HOP that is not IPv4 is a RangeError', () => {
  assert.throws(() => encodeNextHop({ kind: 'next-hop', code: 3, flags: 0x40, nextHop: '2001:db8::1' }), RangeError)
})
