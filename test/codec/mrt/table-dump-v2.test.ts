import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MrtDecodeError } from '../../../src/codec/mrt/errors.ts'
import { createMrtDecodeContext, decodeMrtRecord } from '../../../src/codec/mrt/record.ts'
import type { MrtDecodeContext } from '../../../src/codec/mrt/record.ts'
import type { PeerIndexTable, RibRecord } from '../../../src/codec/mrt/types.ts'
import { header, hex } from './helpers.ts'

// Collector 192.0.2.254, view "v1", 2 peers: IPv4 with a 2-octet AS, IPv6 with a 4-octet AS.
const PEER_TABLE = 'c00002fe 0002 7631 0002' +
  '00 0a000001 0a000001 fde8' +
  '03 0a000002 20010db8000000000000000000000002 00031b3a'

function decode (subtype: number, bodyHex: string, context?: MrtDecodeContext): ReturnType<typeof decodeMrtRecord> {
  const body = hex(bodyHex)
  return decodeMrtRecord(header(13, subtype, body.length, 42), body, context)
}
const isErr = (kind: string) => (e: unknown) => e instanceof MrtDecodeError && e.kind === kind && e.offset === 42

test('PEER_INDEX_TABLE', () => {
  const context = createMrtDecodeContext()
  const t = decode(1, PEER_TABLE, context) as PeerIndexTable
  assert.equal(t.kind, 'peer-index-table')
  assert.equal(t.collectorBgpId, '192.0.2.254')
  assert.equal(t.viewName, 'v1')
  assert.deepEqual(t.peers, [
    { peerType: 0, bgpId: '10.0.0.1', ip: '10.0.0.1', asn: 65000 },
    { peerType: 3, bgpId: '10.0.0.2', ip: '2001:db8::2', asn: 203578 }
  ])
  assert.equal(context.peerIndexTable, t)
  assert.throws(() => decode(1, 'c00002fe 0002 7631 0003' + '00 0a000001 0a000001 fde8'), isErr('truncated'))
})

test('RIB_IPV4_UNICAST (2) with peers resolved from the context', () => {
  const context = createMrtDecodeContext()
  decode(1, PEER_TABLE, context)
  const r = decode(2, '00000007 17 c00002 0002 0000 5b9a0000 0004 40010100 0001 5b9a0001 0000', context) as RibRecord
  assert.deepEqual([r.kind, r.sequence, r.afi, r.safi, r.prefix, r.addPath], ['rib', 7, 1, 1, '192.0.2.0/23', false])
  assert.deepEqual(r.entries.map((e) => [e.peerIndex, e.peer?.ip, e.originatedTime, e.pathId, e.attributes.length]), [
    [0, '10.0.0.1', 0x5b9a0000, null, 4], [1, '2001:db8::2', 0x5b9a0001, null, 0]])
})

test('RIB_IPV6_MULTICAST (5) and the ADDPATH variants (RFC 8050)', () => {
  const r = decode(5, '00000001 20 20010db8 0001 0000 00000000 0000') as RibRecord
  assert.deepEqual([r.afi, r.safi, r.prefix, r.entries[0].peer], [2, 2, '2001:db8::/32', null])
  const a = decode(10, '00000001 30 20010db80001 0001 0001 00000000 0000002a 0000') as RibRecord
  assert.deepEqual([a.addPath, a.afi, a.safi, a.prefix, a.entries[0].pathId], [true, 2, 1, '2001:db8:1::/48', 42])
  for (const [subtype, afi, safi] of [[3, 1, 2], [8, 1, 1], [9, 1, 2], [11, 2, 2]]) {
    const x = decode(subtype, '00000001 00 0000') as RibRecord
    assert.deepEqual([x.afi, x.safi, x.prefix, x.addPath], [afi, safi, afi === 1 ? '0.0.0.0/0' : '::/0', subtype >= 8])
  }
})

test('RIB entry with a peer index past the table (GoBGP local routes): peer null, no error', () => {
  const context = createMrtDecodeContext()
  decode(1, PEER_TABLE, context)
  const r = decode(8, '00000000 18 0a0000 0001 0002 00000000 00000001 0000', context) as RibRecord
  assert.deepEqual([r.entries[0].peerIndex, r.entries[0].peer], [2, null])
})

test('RIB errors: prefix too long, entry count beyond the body, truncated entry, trailing octets', () => {
  assert.throws(() => decode(2, '00000001 21 0a000000 00 0000'), isErr('malformed'))
  assert.throws(() => decode(2, '00000001 08 0a ffff'), isErr('truncated'))
  assert.throws(() => decode(2, '00000001 08 0a 0001 0000 00000000 0005 4001'), isErr('truncated'))
  assert.throws(() => decode(2, '00000001 08 0a 0000 ff'), isErr('malformed'))
})

test('RIB_GENERIC and unknown subtypes are unsupported', () => {
  for (const subtype of [6, 12, 7, 99]) assert.equal(decode(subtype, '00').kind, 'unsupported')
})
