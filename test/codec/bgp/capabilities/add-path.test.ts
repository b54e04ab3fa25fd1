// add-path.ts, through the capability list decoder that dispatches to it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { roundTrip } from './capability-hex.ts'

test('ADD-PATH (RFC 7911 §4)', () => {
  assert.deepEqual(roundTrip('4508 00010103 00020102'), [{ kind: 'add-path', families: [{ afi: 1, safi: 1, sendReceive: 3 }, { afi: 2, safi: 1, sendReceive: 2 }] }])
})
