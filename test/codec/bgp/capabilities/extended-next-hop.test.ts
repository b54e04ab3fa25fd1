// extended-next-hop.ts, through the capability list decoder that dispatches to it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { roundTrip } from './capability-hex.ts'

test('extended next hop (RFC 8950 §3)', () => {
  assert.deepEqual(roundTrip('0506 0001 0001 0002'), [{ kind: 'extended-next-hop', entries: [{ afi: 1, safi: 1, nextHopAfi: 2 }] }])
})
