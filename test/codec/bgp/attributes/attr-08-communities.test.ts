import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeCommunities, encodeCommunities } from '../../../../src/codec/bgp/attributes/attr-08-communities.ts'
import { ErrorAction } from '../../../../src/codec/bgp/errors.ts'
import { assertBgpError, hex, toHex } from '../hex.ts'

test('COMMUNITIES as unsigned 32-bit numbers', () => {
  const value = hex('1b0b0d0b ffffff01')
  const attr = decodeCommunities(value, 0, 8, 0xc0)
  assert.deepEqual(attr.communities, [(6923 * 65536) + 3339, 0xffffff01])
  assert.equal(toHex(encodeCommunities(attr)), toHex(value))
})

test('COMMUNITIES not a non-zero multiple of 4 is treat-as-withdraw (RFC 7606 §7.8)', () => {
  for (const body of ['', '1b0b0d', '1b0b0d0b00']) {
    const value = hex(body)
    assert.throws(() => decodeCommunities(value, 0, value.length, 0xc0), e => assertBgpError(e, { code: 3, subcode: 5, action: ErrorAction.TREAT_AS_WITHDRAW }))
  }
})
