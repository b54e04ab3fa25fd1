import { test } from 'node:test'
import assert from 'node:assert/strict'
import { assertBgpError, hex } from '../hex.ts'
import { decode, roundTrip } from './capability-hex.ts'

test('unknown capabilities are kept raw (Cisco route refresh 128)', () => {
  assert.deepEqual(roundTrip('8000 fe02 abcd'), [{ kind: 'unknown', code: 128, value: hex('') }, { kind: 'unknown', code: 254, value: hex('abcd') }])
})

test('malformed capabilities: OPEN Message Error with the capability as data', () => {
  const cases = ['0103 000100', '0201 00', '0601 00', '4601 00', '4103 000001', '4503 000101', '4001 00', '4003 007800', '4901 00', '4903 05 7200', '0505 0001000100', '0500', '01', '0105 0001']
  for (const body of cases) {
    assert.throws(() => decode(body), e => assertBgpError(e, { code: 2, subcode: 0 }), body)
  }
})
