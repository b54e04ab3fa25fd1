import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeMed, encodeMed } from '../../../../src/codec/bgp/attributes/attr-04-med.ts'
import { ErrorAction } from '../../../../src/codec/bgp/errors.ts'
import { assertBgpError, hex, toHex } from '../hex.ts'

test('MULTI_EXIT_DISC is an unsigned 32-bit number', () => {
  const attr = decodeMed(hex('fffffffe'), 0, 4, 0x80)
  assert.equal(attr.med, 4294967294)
  assert.equal(toHex(encodeMed(attr)), 'fffffffe')
})

test('MULTI_EXIT_DISC of bad length is treat-as-withdraw (RFC 7606 §7.4)', () => {
  assert.throws(() => decodeMed(hex('0000000001'), 0, 5, 0x80), e => assertBgpError(e, { code: 3, subcode: 5, action: ErrorAction.TREAT_AS_WITHDRAW }))
})
