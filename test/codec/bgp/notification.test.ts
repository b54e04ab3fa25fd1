import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeMessage, encodeMessage } from '../../../src/codec/bgp/message.ts'
import { CTX_2, message, toHex } from './hex.ts'

test('NOTIFICATION code, subcode and data (RFC 4271 §4.5)', () => {
  const wire = message(3, '06 02 0a')
  const notification = decodeMessage(wire, CTX_2)
  assert.deepEqual(notification, { type: 'notification', code: 6, subcode: 2, data: wire.subarray(21) })
  assert.equal(toHex(encodeMessage(notification, CTX_2)), toHex(wire))
})

test('NOTIFICATION without data', () => {
  const wire = message(3, '04 00')
  const notification = decodeMessage(wire, CTX_2)
  assert.equal(notification.type === 'notification' && notification.data.length, 0)
  assert.equal(toHex(encodeMessage(notification, CTX_2)), toHex(wire))
})
