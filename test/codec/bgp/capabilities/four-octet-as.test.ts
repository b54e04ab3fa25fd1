// four-octet-as.ts, through the capability list decoder that dispatches to it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { roundTrip } from './capability-hex.ts'

test('4-octet AS (RFC 6793 §3)', () => {
  assert.deepEqual(roundTrip('4104 fffffffe'), [{ kind: 'four-octet-as', asn: 4294967294 }])
})
