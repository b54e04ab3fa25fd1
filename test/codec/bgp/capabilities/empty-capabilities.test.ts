// empty-capabilities.ts, through the capability list decoder that dispatches to it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { roundTrip } from './capability-hex.ts'

test('route refresh, extended message, enhanced route refresh: empty values', () => {
  assert.deepEqual(roundTrip('0200 0600 4600').map(c => c.kind), ['route-refresh', 'extended-message', 'enhanced-route-refresh'])
})
