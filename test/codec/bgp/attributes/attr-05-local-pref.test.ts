import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeLocalPref, encodeLocalPref } from '../../../../src/codec/bgp/attributes/attr-05-local-pref.ts'
import { ErrorAction } from '../../../../src/codec/bgp/errors.ts'
import { assertBgpError, hex, toHex } from '../hex.ts'

test('LOCAL_PREF is an unsigned 32-bit number', () => {
  const attr = decodeLocalPref(hex('00000064'), 0, 4, 0x40)
  assert.equal(attr.localPref, 100)
  assert.equal(toHex(encodeLocalPref(attr)), '00000064')
})

test('LOCAL_PREF of bad length is treat-as-withdraw (RFC 7606 §7.5)', () => {
  assert.throws(() => decodeLocalPref(hex('0064'), 0, 2, 0x40), e => assertBgpError(e, { code: 3, subcode: 5, action: ErrorAction.TREAT_AS_WITHDRAW }))
})
