import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeMessage, encodeMessage } from '../../../src/codec/bgp/message.ts'
import type { UpdateMessage } from '../../../src/codec/bgp/types.ts'
import { CTX_2, CTX_4, CTX_EXTENDED, assertBgpError, message, toHex } from './hex.ts'

test('dispatches on the type and round-trips an UPDATE', () => {
  const wire = message(2, '0000 0014 400101 00 400206 0202 fde8 fde9 400304 c0000201 18 c00002')
  const update = decodeMessage(wire, CTX_2) as UpdateMessage
  assert.equal(update.type, 'update')
  assert.deepEqual(update.nlri.prefixes, ['192.0.2.0/24'])
  assert.equal(toHex(encodeMessage(update, CTX_2)), toHex(wire))
})

test('the buffer must hold exactly the message', () => {
  const wire = message(4, '')
  const longer = new Uint8Array(20)
  longer.set(wire)
  assert.throws(() => decodeMessage(longer, CTX_2), e => assertBgpError(e, { code: 1, subcode: 2, data: '0013' }))
  assert.throws(() => decodeMessage(wire.subarray(0, 18), CTX_2), e => assertBgpError(e, { code: 1, subcode: 2 }))
})

test('decodes from a view into a larger buffer (no copies needed)', () => {
  const wire = message(2, '0000 0000')
  const big = new Uint8Array(100)
  big.set(wire, 37)
  const update = decodeMessage(big.subarray(37, 37 + wire.length), CTX_4) as UpdateMessage
  assert.equal(update.attributes.length, 0)
})

test('encoding checks the message length against the context (RFC 8654)', () => {
  const update: UpdateMessage = {
    type: 'update',
    withdrawn: { afi: 1, safi: 1, prefixes: [], pathIds: null },
    attributes: [{ kind: 'unknown', code: 99, flags: 0xd0, value: new Uint8Array(5000) }],
    nlri: { afi: 1, safi: 1, prefixes: [], pathIds: null }
  }
  assert.throws(() => encodeMessage(update, CTX_4), RangeError)
  const wire = encodeMessage(update, CTX_EXTENDED)
  assert.equal(wire.length, 19 + 4 + 4 + 5000)
  assert.deepEqual((decodeMessage(wire, CTX_EXTENDED) as UpdateMessage).attributes[0], update.attributes[0])
})
