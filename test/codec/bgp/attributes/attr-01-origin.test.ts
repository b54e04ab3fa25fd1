import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeOrigin, encodeOrigin } from '../../../../src/codec/bgp/attributes/attr-01-origin.ts'
import { ErrorAction } from '../../../../src/codec/bgp/errors.ts'
import { assertBgpError, hex, toHex } from '../hex.ts'

test('ORIGIN decodes IGP, EGP, INCOMPLETE and re-encodes', () => {
  for (const value of [0, 1, 2]) {
    const attr = decodeOrigin(hex('0' + value), 0, 1, 0x40)
    assert.deepEqual(attr, { kind: 'origin', code: 1, flags: 0x40, origin: value })
    assert.equal(toHex(encodeOrigin(attr)), '0' + value)
  }
})

test('ORIGIN with an undefined value is treat-as-withdraw, Invalid ORIGIN (RFC 7606 §7.1)', () => {
  assert.throws(() => decodeOrigin(hex('03'), 0, 1, 0x40), e => assertBgpError(e, { code: 3, subcode: 6, action: ErrorAction.TREAT_AS_WITHDRAW }))
})

test('ORIGIN with a length other than 1 is treat-as-withdraw, Attribute Length Error', () => {
  assert.throws(() => decodeOrigin(hex('0000'), 0, 2, 0x40), e => assertBgpError(e, { code: 3, subcode: 5, action: ErrorAction.TREAT_AS_WITHDRAW }))
  assert.throws(() => decodeOrigin(hex(''), 0, 0, 0x40), e => assertBgpError(e, { code: 3, subcode: 5, action: ErrorAction.TREAT_AS_WITHDRAW }))
})
