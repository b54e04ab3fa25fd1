// multiprotocol.ts, through the capability list decoder that dispatches to it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { roundTrip } from './capability-hex.ts'

test('multiprotocol (RFC 4760 §8)', () => {
  assert.deepEqual(roundTrip('0104 00020001'), [{ kind: 'multiprotocol', afi: 2, reserved: 0, safi: 1 }])
})
