// fqdn.ts, through the capability list decoder that dispatches to it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { roundTrip } from './capability-hex.ts'

test('FQDN (draft-walton-bgp-hostname-capability); non-ASCII names kept raw', () => {
  assert.deepEqual(roundTrip('490d 05726f757465 06 6578616d706c'), [{ kind: 'fqdn', hostname: 'route', domainName: 'exampl' }])
  assert.deepEqual(roundTrip('4904 01 72 01 00'), [{ kind: 'fqdn', hostname: 'r', domainName: '\u0000' }])
  assert.equal(roundTrip('4904 01 e9 01 61')[0].kind, 'unknown')
})
