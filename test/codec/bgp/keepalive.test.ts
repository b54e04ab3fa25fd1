import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeMessage, encodeMessage } from '../../../src/codec/bgp/message.ts'
import { CTX_2, assertBgpError, message, toHex } from './hex.ts'

test('KEEPALIVE is the header alone', () => {
  const wire = message(4, '')
  assert.deepEqual(decodeMessage(wire, CTX_2), { type: 'keepalive' })
  assert.equal(toHex(encodeMessage({ type: 'keepalive' }, CTX_2)), toHex(wire))
})

test('KEEPALIVE with a body: Bad Message Length (RFC 4271 §6.1)', () => {
  assert.throws(() => decodeMessage(message(4, '00'), CTX_2), e => assertBgpError(e, { code: 1, subcode: 2 }))
})
