import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeLargeCommunities, encodeLargeCommunities } from '../../../../src/codec/bgp/attributes/attr-32-large-communities.ts'
import { ErrorAction } from '../../../../src/codec/bgp/errors.ts'
import { assertBgpError, hex, toHex } from '../hex.ts'

test('LARGE_COMMUNITY as flattened triples', () => {
  const value = hex('0000fde8 00000001 ffffffff')
  const attr = decodeLargeCommunities(value, 0, 12, 0xc0)
  assert.deepEqual(attr.values, [65000, 1, 4294967295])
  assert.equal(toHex(encodeLargeCommunities(attr)), toHex(value))
})

test('LARGE_COMMUNITY not a non-zero multiple of 12 is treat-as-withdraw (RFC 8092 §6)', () => {
  for (const body of ['', '0000fde800000001']) {
    const value = hex(body)
    assert.throws(() => decodeLargeCommunities(value, 0, value.length, 0xc0), e => assertBgpError(e, { code: 3, subcode: 5, action: ErrorAction.TREAT_AS_WITHDRAW }))
  }
})
