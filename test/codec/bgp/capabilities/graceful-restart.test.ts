// graceful-restart.ts, through the capability list decoder that dispatches to it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { roundTrip } from './capability-hex.ts'

test('graceful restart (RFC 4724 §3)', () => {
  assert.deepEqual(roundTrip('4006 8078 00010180'), [{ kind: 'graceful-restart', flags: 8, restartTime: 120, families: [{ afi: 1, safi: 1, flags: 0x80 }] }])
  assert.deepEqual(roundTrip('4002 0078'), [{ kind: 'graceful-restart', flags: 0, restartTime: 120, families: [] }])
})
