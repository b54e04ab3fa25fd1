import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeExtendedCommunities, encodeExtendedCommunities } from '../../../../src/codec/bgp/attributes/attr-16-extended-communities.ts'
import { ErrorAction } from '../../../../src/codec/bgp/errors.ts'
import { assertBgpError, hex, toHex } from '../hex.ts'

test('EXTENDED_COMMUNITIES keeps each community as its 8 octets', () => {
  const value = hex('0002fde800000064 0003fde800000001')
  const attr = decodeExtendedCommunities(value, 0, 16, 0xc0)
  assert.deepEqual(attr.communities.map(toHex), ['0002fde800000064', '0003fde800000001'])
  assert.equal(toHex(encodeExtendedCommunities(attr)), toHex(value))
})

test('EXTENDED_COMMUNITIES not a non-zero multiple of 8 is treat-as-withdraw (RFC 7606 §7.14)', () => {
  for (const body of ['', '0002fde8000000']) {
    const value = hex(body)
    assert.throws(() => decodeExtendedCommunities(value, 0, value.length, 0xc0), e => assertBgpError(e, { code: 3, subcode: 5, action: ErrorAction.TREAT_AS_WITHDRAW }))
  }
})
