import { test } from 'node:test'
import assert from 'node:assert/strict'
import { endOfRibFamily } from '../../../src/codec/bgp/end-of-rib.ts'
import { decodeMessage } from '../../../src/codec/bgp/message.ts'
import type { UpdateMessage } from '../../../src/codec/bgp/types.ts'
import { CTX_4, message } from './hex.ts'

const update = (body: string): UpdateMessage => decodeMessage(message(2, body), CTX_4) as UpdateMessage

test('an empty UPDATE is the IPv4 unicast End-of-RIB (RFC 4724 §2)', () => {
  assert.deepEqual(endOfRibFamily(update('0000 0000')), { afi: 1, safi: 1 })
})

test('an UPDATE with only an empty MP_UNREACH_NLRI is that family\'s End-of-RIB', () => {
  assert.deepEqual(endOfRibFamily(update('0000 0006 800f03 000201')), { afi: 2, safi: 1 })
  assert.deepEqual(endOfRibFamily(update('0000 0006 800f03 000180')), { afi: 1, safi: 128 })
})

test('anything else is not', () => {
  assert.equal(endOfRibFamily(update('0000 0008 800f05 000201 1020')), null, 'withdraws a prefix')
  assert.equal(endOfRibFamily(update('0000 000a 800f03 000201 40010100')), null, 'another attribute')
  assert.equal(endOfRibFamily(update('0004 18 c00002 0000')), null, 'withdrawn routes')
  assert.equal(endOfRibFamily(update('0000 0008 800f05 000180 1020')), null, 'raw withdrawn bytes')
})
