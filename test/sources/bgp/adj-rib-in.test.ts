import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AdjRibIn } from '../../../src/sources/bgp/adj-rib-in.ts'
import { AttributeInterner, attributeKey } from '../../../src/sources/bgp/attribute-intern.ts'
import { encodeMessage } from '../../../src/codec/bgp/message.ts'
import { createDecodeContext } from '../../../src/codec/bgp/decode-context.ts'
import type { UpdateRecord } from '../../../src/record/types.ts'
import { announceUpdate } from '../../helpers/routers/test-peer.ts'

const vp = { ip: '192.0.2.1', asn: 64500 }
function rec (announce: UpdateRecord['announce'], withdraw: UpdateRecord['withdraw'], attrs: UpdateRecord['attrs'] = {}): UpdateRecord {
  return { type: 'update', time_us: 0, source: 't', vp, announce, withdraw, attrs }
}

test('attribute sets are shared between prefixes and between UPDATEs with the same attributes', () => {
  const interner = new AttributeInterner()
  const rib = new AdjRibIn(interner)
  const attrs = { origin: 'IGP' as const, med: 5 }
  rib.apply(rec([{ next_hop: '198.18.0.1', prefixes: ['10.0.0.0/8', '11.0.0.0/8'] }], [], attrs), 'K1')
  rib.apply(rec([{ next_hop: '198.18.0.1', prefixes: ['12.0.0.0/8'] }], [], { ...attrs }), 'K1')
  rib.apply(rec([{ next_hop: '198.18.0.2', prefixes: ['13.0.0.0/8'] }], [], attrs), 'K1')
  const paths = ['10.0.0.0/8', '11.0.0.0/8', '12.0.0.0/8', '13.0.0.0/8'].map((p) => rib.lookup(p)[0].path)
  assert.equal(paths[0], paths[1])
  assert.equal(paths[0], paths[2])
  assert.notEqual(paths[0], paths[3], 'another next hop is another entry')
  assert.equal(interner.size, 2)
  assert.equal(rib.size, 4)
})

test('ADD-PATH routes by path id; withdrawals by id; a route replaced keeps the count', () => {
  const rib = new AdjRibIn(new AttributeInterner())
  rib.apply(rec([{ next_hop: 'a', prefixes: ['10.0.0.0/8', '10.0.0.0/8'], path_ids: [1, 2] }], []), 'K')
  rib.apply(rec([{ next_hop: 'b', prefixes: ['10.0.0.0/8'], path_ids: [2] }], []), 'K')
  assert.deepEqual(rib.lookup('10.0.0.0/8').map((r) => [r.pathId, r.path.nextHop]), [[1, 'a'], [2, 'b']])
  assert.equal(rib.size, 2)
  rib.apply(rec([], [{ prefixes: ['10.0.0.0/8'], path_ids: [1] }]), '')
  assert.deepEqual(rib.lookup('10.0.0.0/8').map((r) => r.pathId), [2])
  rib.apply(rec([], [{ prefixes: ['10.0.0.0/8', '2001:db8::/32'], path_ids: [2, 9] }]), '')
  assert.equal(rib.size, 0)
})

test('multicast lives apart from unicast; clear returns everything for withdrawal records', () => {
  const rib = new AdjRibIn(new AttributeInterner())
  rib.apply(rec([{ next_hop: 'a', prefixes: ['10.0.0.0/8', '2001:db8::/32'] }, { family: 'ipv4-multicast', next_hop: 'a', prefixes: ['10.0.0.0/8'] }], []), 'K')
  assert.deepEqual(rib.lookup('10.0.0.0/8').map((r) => r.family).sort(), ['ipv4-multicast', 'ipv4-unicast'])
  assert.equal(rib.lookup('2001:db8::/32')[0].family, 'ipv6-unicast')
  assert.deepEqual(rib.clear(), [
    { family: undefined, prefixes: ['10.0.0.0/8', '2001:db8::/32'], pathIds: undefined },
    { family: 'ipv4-multicast', prefixes: ['10.0.0.0/8'], pathIds: undefined }
  ])
  assert.equal(rib.size, 0)
})

test('Graceful Restart: markStale keeps chosen families, new routes un-stale, sweep per family', () => {
  const rib = new AdjRibIn(new AttributeInterner())
  rib.apply(rec([{ next_hop: 'a', prefixes: ['10.0.0.0/8', '11.0.0.0/8', '2001:db8::/32'] }], []), 'K')
  assert.deepEqual(rib.markStale(new Set(['ipv4-unicast'])), [{ family: undefined, prefixes: ['2001:db8::/32'], pathIds: undefined }])
  assert.deepEqual([rib.size, rib.staleSize], [2, 2])
  rib.apply(rec([{ next_hop: 'b', prefixes: ['10.0.0.0/8'] }], []), 'K')
  assert.deepEqual(rib.lookup('10.0.0.0/8').map((r) => [r.stale, r.path.nextHop]), [[false, 'b']])
  assert.deepEqual([rib.size, rib.staleSize], [2, 1])
  assert.deepEqual(rib.sweepStale('ipv6-unicast'), [])
  assert.deepEqual(rib.sweepStale('ipv4-unicast'), [{ family: undefined, prefixes: ['11.0.0.0/8'], pathIds: undefined }])
  assert.deepEqual([rib.size, rib.staleSize], [1, 0])
})

test('the attribute key leaves out the NLRI of MP_REACH_NLRI and MP_UNREACH_NLRI', () => {
  const ctx = createDecodeContext({ asn4: true })
  const a = encodeMessage(announceUpdate({ prefixes: ['2001:db8:1::/48'], nextHop: '2001:db8::1', asPath: [64500], med: 1 }), ctx)
  const b = encodeMessage(announceUpdate({ prefixes: ['2001:db8:2::/48', '2001:db8:3::/48'], nextHop: '2001:db8::1', asPath: [64500], med: 1 }), ctx)
  const c = encodeMessage(announceUpdate({ prefixes: ['2001:db8:2::/48'], nextHop: '2001:db8::1', asPath: [64500], med: 2 }), ctx)
  const d = encodeMessage(announceUpdate({ prefixes: ['192.0.2.0/24'], nextHop: '198.18.0.1', asPath: [64500], med: 1 }), ctx)
  const e = encodeMessage(announceUpdate({ prefixes: ['198.51.100.0/24'], nextHop: '198.18.0.1', asPath: [64500], med: 1 }), ctx)
  assert.equal(attributeKey(a), attributeKey(b))
  assert.notEqual(attributeKey(a), attributeKey(c))
  assert.equal(attributeKey(d), attributeKey(e), 'IPv4 NLRI are after the attributes')
})
