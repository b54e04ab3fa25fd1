import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MrtDecodeError } from '../../../src/codec/mrt/errors.ts'
import { decodeMrtRecord } from '../../../src/codec/mrt/record.ts'
import type { Bgp4mpMessage, Bgp4mpStateChange } from '../../../src/codec/mrt/types.ts'
import { header, hex, toHex } from './helpers.ts'

const KEEPALIVE = 'ffffffffffffffffffffffffffffffff 0013 04'

function decode (type: number, subtype: number, bodyHex: string): ReturnType<typeof decodeMrtRecord> {
  const body = hex(bodyHex)
  return decodeMrtRecord(header(type, subtype, body.length, 1234), body)
}

function isDecodeError (kind?: string) {
  return (e: unknown) => e instanceof MrtDecodeError && e.offset === 1234 && (kind === undefined || e.kind === kind)
}

test('BGP4MP MESSAGE (1): 2-octet ASNs, IPv4', () => {
  const r = decode(16, 1, '3039 fde8 0003 0001 c0000201 c0000202' + KEEPALIVE) as Bgp4mpMessage
  assert.equal(r.kind, 'bgp4mp-message')
  assert.deepEqual([r.peerAs, r.localAs, r.interfaceIndex, r.afi, r.peerIp, r.localIp], [12345, 65000, 3, 1, '192.0.2.1', '192.0.2.2'])
  assert.deepEqual([r.asn4, r.addPath, r.local], [false, false, false])
  assert.equal(toHex(r.message), hex(KEEPALIVE).reduce((s, b) => s + b.toString(16).padStart(2, '0'), ''))
})

test('BGP4MP MESSAGE_AS4 (4): 4-octet ASNs, IPv6', () => {
  const r = decode(16, 4, '00031b3a 0000fde8 0000 0002 20010db8000000000000000000000001 20010db8000000000000000000000002' + KEEPALIVE) as Bgp4mpMessage
  assert.deepEqual([r.peerAs, r.localAs, r.afi, r.peerIp, r.localIp, r.asn4], [203578, 65000, 2, '2001:db8::1', '2001:db8::2', true])
  assert.equal(r.message.length, 19)
})

const subtypeFlags: Array<[number, boolean, boolean, boolean]> = [
  // subtype, asn4, local, addPath
  [6, false, true, false], [7, true, true, false], [8, false, false, true],
  [9, true, false, true], [10, false, true, true], [11, true, true, true]
]
for (const [subtype, asn4, local, addPath] of subtypeFlags) {
  test(`BGP4MP subtype ${subtype}: asn4=${asn4} local=${local} addPath=${addPath}`, () => {
    const as = asn4 ? '0000fde9 0000fdea' : 'fde9 fdea'
    const r = decode(16, subtype, as + '0000 0001 0a000001 0a000002' + KEEPALIVE) as Bgp4mpMessage
    assert.deepEqual([r.kind, r.asn4, r.local, r.addPath, r.peerAs, r.localAs, r.peerIp], ['bgp4mp-message', asn4, local, addPath, 65001, 65002, '10.0.0.1'])
  })
}

test('BGP4MP STATE_CHANGE (0) and STATE_CHANGE_AS4 (5)', () => {
  const s = decode(16, 0, 'fde9 fdea 0000 0001 0a000001 0a000002 0003 0004') as Bgp4mpStateChange
  assert.deepEqual([s.kind, s.peerAs, s.localAs, s.peerIp, s.localIp, s.oldState, s.newState], ['bgp4mp-state-change', 65001, 65002, '10.0.0.1', '10.0.0.2', 3, 4])
  const s4 = decode(16, 5, '00031b3a 0000fdea 0000 0002 20010db8000000000000000000000001 20010db8000000000000000000000002 0006 0001') as Bgp4mpStateChange
  assert.deepEqual([s4.peerAs, s4.peerIp, s4.oldState, s4.newState], [203578, '2001:db8::1', 6, 1])
})

test('BGP4MP STATE_CHANGE shortened by Zebra (8 octets) and FRR (12 octets, AS4)', () => {
  const s = decode(16, 0, '011e 316e 0003 0004') as Bgp4mpStateChange
  assert.deepEqual([s.peerAs, s.localAs, s.peerIp, s.oldState, s.newState], [286, 12654, '0.0.0.0', 3, 4])
  const s4 = decode(16, 5, '00000000 00000000 0001 0008') as Bgp4mpStateChange
  assert.deepEqual([s4.peerAs, s4.oldState, s4.newState], [0, 1, 8])
})

test('BGP4MP MESSAGE with Zebra interface/family 0xFFFF: the marker starts there', () => {
  const r = decode(16, 1, 'fde9 fdea' + KEEPALIVE) as Bgp4mpMessage
  assert.deepEqual([r.peerAs, r.afi, r.peerIp, r.message.length], [65001, 1, '0.0.0.0', 19])
})

test('BGP4MP_ET: microseconds taken off the body and the length', () => {
  const body = hex('000f4240 fde9 fdea 0000 0001 0a000001 0a000002 0002 0003')
  const h = header(17, 0, body.length, 1234)
  const s = decodeMrtRecord(h, body) as Bgp4mpStateChange
  assert.deepEqual([s.header.microseconds, s.header.length, s.oldState, s.newState], [1_000_000, body.length - 4, 2, 3])
  assert.throws(() => decode(17, 4, '000f42'), isDecodeError('truncated'))
})

test('BGP4MP errors: truncated fields, unknown family, trailing octets', () => {
  assert.throws(() => decode(16, 4, '00031b3a 0000'), isDecodeError('truncated'))
  assert.throws(() => decode(16, 1, 'fde9 fdea 0000 0001 0a0000'), isDecodeError('truncated'))
  assert.throws(() => decode(16, 1, 'fde9 fdea 0000 0003 0a000001 0a000002'), isDecodeError('malformed'))
  assert.throws(() => decode(16, 0, 'fde9 fdea 0000 0001 0a000001 0a000002 0003'), isDecodeError('truncated'))
  assert.throws(() => decode(16, 0, 'fde9 fdea 0000 0001 0a000001 0a000002 0003 0004 00'), isDecodeError('malformed'))
})

test('BGP4MP unknown subtypes are unsupported, not errors', () => {
  for (const subtype of [2, 3, 12, 0xffff]) assert.equal(decode(16, subtype, '00').kind, 'unsupported')
})
