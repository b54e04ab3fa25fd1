import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeOriginatorId, encodeOriginatorId } from '../../../../src/codec/bgp/attributes/attr-09-originator-id.ts'
import { ErrorAction } from '../../../../src/codec/bgp/errors.ts'
import { assertBgpError, hex, toHex } from '../hex.ts'

test('ORIGINATOR_ID is a BGP identifier', () => {
  const attr = decodeOriginatorId(hex('0a000001'), 0, 4, 0x80)
  assert.equal(attr.originatorId, '10.0.0.1')
  assert.equal(toHex(encodeOriginatorId(attr)), '0a000001')
})

test('ORIGINATOR_ID of bad length is treat-as-withdraw (RFC 7606 §7.9)', () => {
  assert.throws(() => decodeOriginatorId(hex('0a00000101'), 0, 5, 0x80), e => assertBgpError(e, { code: 3, subcode: 5, action: ErrorAction.TREAT_AS_WITHDRAW }))
})
