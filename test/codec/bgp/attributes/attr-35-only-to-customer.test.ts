import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeOnlyToCustomer, encodeOnlyToCustomer } from '../../../../src/codec/bgp/attributes/attr-35-only-to-customer.ts'
import { ErrorAction } from '../../../../src/codec/bgp/errors.ts'
import { assertBgpError, hex, toHex } from '../hex.ts'

test('ONLY_TO_CUSTOMER is a 4-octet ASN', () => {
  const attr = decodeOnlyToCustomer(hex('00031e3a'), 0, 4, 0xc0)
  assert.equal(attr.asn, 204346)
  assert.equal(toHex(encodeOnlyToCustomer(attr)), '00031e3a')
})

test('ONLY_TO_CUSTOMER of bad length is treat-as-withdraw (RFC 9234 §5)', () => {
  assert.throws(() => decodeOnlyToCustomer(hex('1e3a'), 0, 2, 0xc0), e => assertBgpError(e, { code: 3, subcode: 5, action: ErrorAction.TREAT_AS_WITHDRAW }))
})
