import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join, resolve } from 'node:path'
import { AdjRibIn } from '../../../src/sources/bgp/adj-rib-in.ts'
import { AttributeInterner, attributeKey } from '../../../src/sources/bgp/attribute-intern.ts'
import { decodeMessage, encodeMessage } from '../../../src/codec/bgp/message.ts'
import { createDecodeContext } from '../../../src/codec/bgp/decode-context.ts'
import type { DecodeContext } from '../../../src/codec/bgp/decode-context.ts'
import type { UpdateMessage } from '../../../src/codec/bgp/types.ts'
import { updateToRecord } from '../../../src/record/from-update.ts'
import type { UpdateRecord } from '../../../src/record/types.ts'
import { readMrtFile } from '../../../src/sources/mrt/read-mrt-file.ts'
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

/** The UPDATEs of an MRT file with the context of their session, grouped by peer. */
async function mrtUpdates (file: string): Promise<Map<string, Array<{ raw: Uint8Array, ctx: DecodeContext, record: UpdateRecord }>>> {
  const byPeer = new Map<string, Array<{ raw: Uint8Array, ctx: DecodeContext, record: UpdateRecord }>>()
  for await (const r of readMrtFile(file)) {
    if (r.kind !== 'bgp4mp-message' || r.local || r.addPath || r.message[18] !== 2) continue
    const ctx = createDecodeContext({ asn4: r.asn4 })
    const record = updateToRecord(decodeMessage(r.message, ctx) as UpdateMessage, { time_us: 0, source: 't', vp })
    if (record.eor !== undefined) continue
    const peer = `${r.peerIp} ${r.asn4}`
    let list = byPeer.get(peer)
    if (list === undefined) byPeer.set(peer, list = [])
    list.push({ raw: r.message, ctx, record })
  }
  return byPeer
}

const DATA = resolve(import.meta.dirname, '../../../../shared/data/mrt/updates')

test('from the message octets or from the record text: the same routes, next hops and attributes (real UPDATEs, IPv4 and IPv6)', async () => {
  for (const file of ['ris.rrc06.updates.1427846400.gz', 'updates.20100722.2015.gz', 'routeviews.route-views.jinx.updates.1427846400.bz2']) {
    const octets = new AttributeInterner()
    const text = new AttributeInterner()
    for (const [peer, updates] of await mrtUpdates(join(DATA, file))) {
      const a = new AdjRibIn(octets)
      const b = new AdjRibIn(text)
      for (const u of updates) {
        a.applyUpdate(u.record, u.raw, u.ctx)
        b.apply(u.record, attributeKey(u.raw))
      }
      const view = (rib: AdjRibIn): string[] => [...rib.entries()].map((r) => JSON.stringify([r.family, r.prefix, r.pathId, r.stale, r.path.nextHop, r.path.nextHopLl, r.path.attrs])).sort()
      assert.deepEqual(view(a), view(b), `${file} ${peer}`)
      assert.equal(a.size, b.size)
      for (const r of a.entries()) assert.deepEqual(a.lookup(r.prefix).map((x) => x.path.attrs), b.lookup(r.prefix).map((x) => x.path.attrs))
    }
    assert.equal(octets.size, text.size, file)
  }
})

test('attribute sets from octets: shared between peers, counted per route, gone with their last route', () => {
  const interner = new AttributeInterner()
  const ctx = createDecodeContext({ asn4: true })
  const message = (prefixes: string[], med: number, nextHop = '198.18.0.1'): { raw: Uint8Array, record: UpdateRecord } => {
    const raw = encodeMessage(announceUpdate({ prefixes, nextHop, asPath: [64500, 64501], med, communities: [[64500, med]] }), ctx)
    return { raw, record: updateToRecord(decodeMessage(raw, ctx) as UpdateMessage, { time_us: 0, source: 't', vp }) }
  }
  const ribs = [new AdjRibIn(interner), new AdjRibIn(interner)]
  const a = message(['10.0.0.0/8', '11.0.0.0/8'], 1)
  for (const rib of ribs) rib.applyUpdate(a.record, a.raw, ctx)
  const v6 = message(['2001:db8::/32'], 1, '2001:db8::1')
  ribs[0].applyUpdate(v6.record, v6.raw, ctx)
  assert.equal(interner.size, 2, 'one set for the IPv4 routes of both peers, one for the IPv6 route')
  const [route] = ribs[1].lookup('10.0.0.0/8')
  assert.deepEqual([route.family, route.path.nextHop, route.path.attrs], ['ipv4-unicast', '198.18.0.1', a.record.attrs])
  assert.equal(route.path.key, ribs[0].lookup('11.0.0.0/8')[0].path.key)
  assert.deepEqual(ribs[0].lookup('2001:db8::/32').map((r) => [r.family, r.path.nextHop, r.path.attrs]), [['ipv6-unicast', '2001:db8::1', v6.record.attrs]])
  // Replaced everywhere: the first set goes.
  const b = message(['10.0.0.0/8', '11.0.0.0/8'], 2)
  for (const rib of ribs) rib.applyUpdate(b.record, b.raw, ctx)
  assert.equal(interner.size, 2)
  assert.deepEqual(ribs[0].lookup('10.0.0.0/8').map((r) => r.path.attrs.med), [2])
  ribs[0].clear()
  assert.equal(interner.size, 1)
  assert.deepEqual(ribs[1].clear().map((r) => [r.family, [...r.prefixes].sort(), r.pathIds]), [[undefined, ['10.0.0.0/8', '11.0.0.0/8'], undefined]])
  assert.equal(interner.size, 0)
})

test('attribute sets from octets: many made and dropped (arena compaction), the live ones intact', () => {
  const interner = new AttributeInterner()
  const rib = new AdjRibIn(interner)
  const ctx = createDecodeContext({ asn4: true })
  const records = new Map<number, UpdateRecord>()
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 3000; i++) {
      const raw = encodeMessage(announceUpdate({ prefixes: [`10.${i >> 8}.${i & 0xff}.0/24`], nextHop: '198.18.0.1', asPath: [64500, 64500 + round, i], med: i, communities: Array.from({ length: 20 }, (_, k) => [round, k] as [number, number]) }), ctx)
      const record = updateToRecord(decodeMessage(raw, ctx) as UpdateMessage, { time_us: 0, source: 't', vp })
      rib.applyUpdate(record, raw, ctx)
      records.set(i, record)
    }
    assert.equal(interner.size, 3000, `round ${round}: the sets of earlier rounds went with their routes`)
  }
  for (const i of [0, 1, 777, 2999]) assert.deepEqual(rib.lookup(`10.${i >> 8}.${i & 0xff}.0/24`)[0].path.attrs, records.get(i)?.attrs)
})
