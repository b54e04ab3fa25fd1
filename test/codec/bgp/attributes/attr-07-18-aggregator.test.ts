import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeAggregator, decodeAs4Aggregator, encodeAggregator } from '../../../../src/codec/bgp/attributes/attr-07-18-aggregator.ts'
import { ErrorAction } from '../../../../src/codec/bgp/errors.ts'
import { assertBgpError, hex, toHex } from '../hex.ts'

test('AGGREGATOR with a 2-octet AS (6 octets)', () => {
  const attr = decodeAggregator(hex('5ba0 c0000201'), 0, 6, 0xc0, false)
  assert.deepEqual(attr, { kind: 'aggregator', code: 7, flags: 0xc0, asn: 23456, address: '192.0.2.1', asnSize: 2 })
  assert.equal(toHex(encodeAggregator(attr)), '5ba0c0000201')
})

test('AGGREGATOR with a 4-octet AS (8 octets)', () => {
  const attr = decodeAggregator(hex('00031e3a c0000201'), 0, 8, 0xc0, true)
  assert.equal(attr.asn, 204346)
  assert.equal(toHex(encodeAggregator(attr)), '00031e3ac0000201')
})

test('AGGREGATOR of the wrong length for the session is attribute discard (RFC 7606 §7.7)', () => {
  assert.throws(() => decodeAggregator(hex('00031e3a c0000201'), 0, 8, 0xc0, false), e => assertBgpError(e, { code: 3, subcode: 5, action: ErrorAction.ATTRIBUTE_DISCARD }))
  assert.throws(() => decodeAggregator(hex('5ba0 c0000201'), 0, 6, 0xc0, true), e => assertBgpError(e, { code: 3, subcode: 5, action: ErrorAction.ATTRIBUTE_DISCARD }))
})

test('AS4_AGGREGATOR is 8 octets, else discarded (RFC 6793 §6)', () => {
  const attr = decodeAs4Aggregator(hex('00031e3a c0000201'), 0, 8, 0xc0)
  assert.equal(attr.kind, 'as4-aggregator')
  assert.equal(attr.asn, 204346)
  assert.throws(() => decodeAs4Aggregator(hex('5ba0 c0000201'), 0, 6, 0xc0), e => assertBgpError(e, { code: 3, subcode: 5, action: ErrorAction.ATTRIBUTE_DISCARD }))
})
