import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeMessage, encodeMessage } from '../../../src/codec/bgp/message.ts'
import { CTX_2, assertBgpError, hex, message, toHex } from './hex.ts'

test('ROUTE-REFRESH (RFC 2918 §3) and BoRR (RFC 7313 §3.2)', () => {
  for (const body of ['0001 00 01', '0002 01 01', '0002 02 02']) {
    const wire = message(5, body)
    const refresh = decodeMessage(wire, CTX_2)
    assert.equal(refresh.type, 'route-refresh')
    assert.equal(toHex(encodeMessage(refresh, CTX_2)), toHex(wire))
  }
  assert.deepEqual(decodeMessage(message(5, '0002 01 01'), CTX_2), { type: 'route-refresh', afi: 2, subtype: 1, safi: 1, rest: hex('') })
})

test('ORF entries (RFC 5291) are kept raw', () => {
  const wire = message(5, '0001 00 01 01 40 0007 00 0000000a 0018c0')
  const refresh = decodeMessage(wire, CTX_2)
  assert.equal(refresh.type === 'route-refresh' && toHex(refresh.rest), '01400007000000000a0018c0')
  assert.equal(toHex(encodeMessage(refresh, CTX_2)), toHex(wire))
})

test('BoRR/EoRR longer than 4 octets: ROUTE-REFRESH Message Error, Invalid Message Length (RFC 7313 §5)', () => {
  assert.throws(() => decodeMessage(message(5, '0001 02 01 00'), CTX_2), e => assertBgpError(e, { code: 7, subcode: 1, data: '0001020100' }))
})
