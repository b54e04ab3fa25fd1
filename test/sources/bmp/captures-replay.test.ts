// Every BMP capture in ../shared/data/bmp, replayed over real TCP connections into the station:
// each router flow (to port 1790) on its own connection, written in random-sized chunks (seeded,
// so a failure replays). Message counts are those the codec test pins (test/codec/bmp/
// captures.test.ts); record counts follow from them: one peer_state record per decoded Peer Up
// and Peer Down, one update record per Route Monitoring message that carries a family records
// hold (IPv4/IPv6 unicast or multicast), the others skipped and counted.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { readPcapTcpStreams } from '../../helpers/pcap.ts'
import type { BgpRecord } from '../../../src/record/types.ts'
import type { BmpStationStats } from '../../../src/sources/bmp/station.ts'
import { connectTo, endSocket, seededRandom, startHarness, waitFor, writeChunked } from './station-harness.ts'

const CAPTURE_DIR = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data', 'bmp')

interface Replay {
  stats: BmpStationStats
  records: BgpRecord[]
  /** Records per `type/view`, End-of-RIB apart. */
  kinds: Record<string, number>
}

async function replay (file: string, seed: number): Promise<Replay> {
  const streams = readPcapTcpStreams(join(CAPTURE_DIR, file)).filter(s => s.dstPort === 1790)
  assert.ok(streams.length > 0, `${file}: no BMP flow`)
  const h = await startHarness()
  try {
    const random = seededRandom(seed)
    let chunks = 0
    for (const stream of streams) {
      const socket = await connectTo(h.station)
      chunks += await writeChunked(socket, stream.data, random)
      await endSocket(socket)
    }
    assert.ok(chunks > streams.length, 'the streams were written in several chunks')
    const total = streams.reduce((n, s) => n + s.data.length, 0)
    await waitFor(() => h.station.stats().connected === 0 && h.station.stats().totals.bytes === total, 5000, `${file} processed`)
    const stats = h.station.stats()
    await h.close()
    const kinds: Record<string, number> = {}
    for (const r of h.records) {
      const key = `${r.type}/${r.router?.view ?? '-'}${r.type === 'update' && r.eor !== undefined ? '/eor' : ''}`
      kinds[key] = (kinds[key] ?? 0) + 1
    }
    return { stats, records: h.records, kinds }
  } finally {
    await h.close()
  }
}

function messages (r: Replay): Record<string, number> {
  return Object.fromEntries(Object.entries(r.stats.totals.messages).filter(([, n]) => n > 0))
}

test('replay: NetGauze pcapng, IOS XR: VPN routes skipped and counted, Peer Up/Down records', async () => {
  const r = await replay('netgauze-pcap-reader-bmp.pcapng', 1)
  assert.equal(r.stats.accepted, 4)
  assert.deepEqual(messages(r), { initiation: 2, 'peer-up': 3, 'route-monitoring': 3, 'statistics-report': 2, 'peer-down': 2 })
  assert.equal(r.stats.totals.decodeErrors, 0)
  // The three Route Monitoring messages are all VPNv4 (1/128): no record, each counted.
  assert.equal(r.stats.totals.skippedFamilies, 3)
  assert.equal(r.stats.totals.skippedUpdates, 3)
  assert.deepEqual(r.kinds, { 'peer_state/adj-rib-in-pre': 5 })
  const down = r.records.filter(x => x.type === 'peer_state' && x.new_state === 'Idle')
  assert.equal(down.length, 2)
})

test('replay: pmacct 200, Huawei: Loc-RIB records carry the router, its sysName and AS', async () => {
  const r = await replay('pmacct-200-BMP-HUAWEI-locrib_instance.traffic-00.pcap', 2)
  assert.deepEqual(messages(r), { initiation: 1, 'peer-up': 18, 'route-monitoring': 84 })
  assert.equal(r.stats.totals.decodeErrors, 0)
  assert.equal(r.stats.totals.skippedUpdates, 77)
  assert.deepEqual(r.kinds, {
    'peer_state/adj-rib-in-pre': 6, 'peer_state/adj-rib-in-post': 6, 'peer_state/loc-rib': 6, 'update/loc-rib': 5, 'update/loc-rib/eor': 2
  })
  const first = r.records.find(x => x.type === 'update' && x.announce.length > 0)
  assert.deepEqual(first, {
    type: 'update',
    time_us: 1682500576228879,
    source: 'test-bmp',
    vp: { ip: '127.0.0.1', asn: 65537 },
    // RFC 9069 §4.1: this Loc-RIB peer's non-zero distinguisher names its VRF.
    router: { ip: '127.0.0.1', asn: 65537, name: 'ipf-zbl1843-r-daisy-61', view: 'loc-rib', rd: '64499:11' },
    announce: [{ next_hop: '2001:db8:11::153', prefixes: ['2001:db8::10/128'] }],
    withdraw: [],
    attrs: {
      origin: 'IGP',
      as_path: [{ type: 'AS_SEQUENCE', asns: [65000] }],
      med: 0,
      communities: ['64496:299', '64496:1001', '64497:1', '64499:10', '64496:1033'],
      ext_communities: ['0003fbf10000000c']
    }
  })
})

test('replay: pmacct 201, IOS XR RD instance peers: every message a record, with the RD', async () => {
  const r = await replay('pmacct-201-BMP-CISCO-rd_instance.traffic-00.pcap', 3)
  assert.deepEqual(messages(r), { initiation: 1, 'peer-up': 42, 'statistics-report': 42, 'route-monitoring': 251 })
  assert.equal(r.stats.totals.decodeErrors, 0)
  assert.equal(r.stats.totals.skippedUpdates, 0)
  assert.deepEqual(r.kinds, { 'peer_state/adj-rib-in-pre': 42, 'update/adj-rib-in-pre': 215, 'update/adj-rib-in-pre/eor': 36 })
  assert.ok(r.records.every(x => x.router?.rd !== undefined && /^\d+:\d+$/.test(x.router.rd)))
  assert.ok(r.records.every(x => x.router?.name === 'ipf-zbl1843-r-daisy-55' && x.router.asn === 65000))
})

test('replay: pmacct 204, IOS XR over IPv6: Loc-RIB kept, VPN skipped, Peer Down records', async () => {
  const r = await replay('pmacct-204-BMP-CISCO-peer_down.traffic-00.pcap', 4)
  assert.deepEqual(messages(r), { initiation: 1, 'peer-up': 10, 'route-monitoring': 301, 'statistics-report': 28, 'peer-down': 3 })
  assert.equal(r.stats.totals.decodeErrors, 0)
  assert.equal(r.stats.totals.skippedFamilies, 249)
  assert.equal(r.stats.totals.skippedUpdates, 249)
  assert.deepEqual(r.kinds, { 'peer_state/adj-rib-in-post': 11, 'peer_state/loc-rib': 2, 'update/loc-rib': 49, 'update/loc-rib/eor': 3 })
  assert.equal(r.records.filter(x => x.type === 'peer_state' && x.new_state === 'Idle').length, 3)
})

test('replay: pmacct 205, FRR 6WIND: the invalid Peer Up is skipped, the session goes on', async () => {
  const r = await replay('pmacct-205-BMP-6wind-FRR-peer_down.traffic-00.pcap', 5)
  // As the codec documents (test/codec/bmp/captures.test.ts): message 1, a Peer Up with an
  // all-zero peer and OPENs saying AS 0, does not decode; it is skipped, every other message is
  // read on the same connection.
  assert.equal(r.stats.totals.decodeErrors, 1)
  assert.deepEqual(messages(r), { initiation: 1, 'peer-up': 6, 'route-monitoring': 451, 'statistics-report': 48, 'peer-down': 2 })
  // 90 Loc-RIB and 3 all-zero-peer messages have no Peer Up: decoded with the fallback context.
  assert.equal(r.stats.totals.unknownPeerMessages, 93)
  assert.equal(r.stats.totals.skippedUpdates, 309)
  assert.deepEqual(r.kinds, { 'peer_state/adj-rib-in-pre': 8, 'update/adj-rib-in-post': 94, 'update/loc-rib': 48 })
  // 140 IPv4 UPDATEs with no NEXT_HOP: RFC 7606 §3 (d) treat-as-withdraw, so withdrawals
  // with the error named. The 2 with a malformed AS_PATH only carry VPN routes: skipped above.
  // The 2 others announce the router's own 203.0.113.58/32 (Loc-RIB and the all-zero peer).
  const updates = r.records.filter(x => x.type === 'update')
  const withdrawn = updates.filter(x => x.error?.action === 'treat-as-withdraw' && x.error.code === 3 && x.error.subcode === 3)
  assert.equal(withdrawn.length, 140)
  assert.ok(withdrawn.every(x => x.announce.length === 0 && x.withdraw.length === 1 && Object.keys(x.attrs).length === 0))
  const announced = updates.filter(x => x.error === undefined)
  assert.deepEqual(announced.map(x => [x.router?.view, x.vp.ip, x.announce]), [
    ['loc-rib', '127.0.0.1', [{ next_hop: '0.0.0.0', prefixes: ['203.0.113.58/32'] }]],
    ['adj-rib-in-post', '0.0.0.0', [{ next_hop: '0.0.0.0', prefixes: ['203.0.113.58/32'] }]]
  ])
})

test('replay: the same capture chunked differently gives the same records', async () => {
  const a = await replay('pmacct-201-BMP-CISCO-rd_instance.traffic-00.pcap', 11)
  const b = await replay('pmacct-201-BMP-CISCO-rd_instance.traffic-00.pcap', 12)
  assert.equal(a.records.length, 293)
  assert.deepEqual(a.records, b.records)
})
