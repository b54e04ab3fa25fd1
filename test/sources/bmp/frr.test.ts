// A real FRR (bgpd 8.4.4 -M bmp, after frr-c-bmp.conf) exporting BMP pre- and post-policy
// Adj-RIB-In to the station. Its neighbour is a real GoBGP whose routes come and go with
// `gobgp global rib add/del`; FRR's inbound route-map tags what it accepts (community 65003:999,
// local-pref 250) so that post-policy differs from pre-policy. Then the station drops FRR's
// connection (FRR reconnects and the new connection starts a fresh session state), and the
// neighbour goes away (Peer Down).
//
// What FRR 8.4.4 does that the assertions follow (all seen on the wire, none of it ours):
// - Route Monitoring UPDATEs are built with bgp_packet_attribute() as if FRR were sending the
//   route to the monitored peer (bgpd/bgp_bmp.c), so an eBGP peer's AS_PATH shows FRR's own AS
//   prepended and LOCAL_PREF is left out, in both views.
// - A route's first Route Monitoring can be a withdrawal sent before the route is installed,
//   followed by the announcement: so the tests assert the last record of each view.
// - Peer Up/Down timestamps come from the session's uptime and are not wall-clock time: only
//   Route Monitoring times are checked.

import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { freePort, makeRunDir, removeRunDir } from '../../helpers/routers/harness.ts'
import type { BgpRecord } from '../../../src/record/types.ts'
import { startFrrBmp, startGoBgpRouter } from './bmp-routers.ts'
import type { FrrRouter, GoBgpRouter } from './bmp-routers.ts'
import { recordsFor, startHarness, untimed, waitFor } from './station-harness.ts'
import type { Harness } from './station-harness.ts'

const FRR = '127.0.0.83'
const FEEDER = '127.0.0.81'
const ROUTER = { ip: '127.0.0.1', asn: 65003, name: 'frr-c-bmp' }
const PEER = { ip: FEEDER, asn: 65001 }

describe('BMP from a real FRR with GoBGP as its neighbour', () => {
  let h: Harness
  let runDir: string
  let frr: FrrRouter | undefined
  let feeder: GoBgpRouter | undefined
  const started = Date.now()

  before(async () => {
    h = await startHarness()
    runDir = makeRunDir('bmp-frr')
    const frrPort = await freePort()
    const feederPort = await freePort()
    frr = await startFrrBmp(runDir, {
      address: FRR,
      asn: 65003,
      routerId: '10.255.0.3',
      hostname: 'frr-c-bmp',
      neighbor: { address: FEEDER, asn: 65001, port: feederPort },
      stationPort: h.station.address.port,
      bgpPort: frrPort
    })
    // Passive, so that only FRR opens the BGP session (no connection collision to resolve).
    feeder = await startGoBgpRouter(runDir, {
      name: 'gobgp-feeder',
      asn: 65001,
      routerId: '10.255.0.81',
      address: FEEDER,
      bgpPort: feederPort,
      neighbors: [{ address: FRR, asn: 65003, passive: true, port: frrPort }]
    })
  })

  after(async () => {
    await feeder?.stop()
    await frr?.stop()
    await h.close()
    if (process.env.KEEP_RUN_DIR !== '1') removeRunDir(runDir)
  })

  function dump (): string {
    return `records:\n${h.records.map(r => JSON.stringify(r)).join('\n')}\nstats: ${JSON.stringify(h.station.stats())}\n` +
      `bgpd:\n${frr?.daemon.log().slice(-2000) ?? ''}\ngobgpd:\n${feeder?.daemon.log().slice(-2000) ?? ''}`
  }

  async function until (condition: () => boolean, what: string): Promise<void> {
    try {
      await waitFor(condition, 15_000, what)
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${dump()}`)
    }
  }

  function last (view: string, prefix: string): BgpRecord | undefined {
    return recordsFor(h.records, view, prefix).at(-1)
  }

  function announces (view: string, prefix: string): boolean {
    const r = last(view, prefix)
    return r?.type === 'update' && r.announce.length > 0
  }

  function withdraws (view: string, prefix: string): boolean {
    const r = last(view, prefix)
    return r?.type === 'update' && r.withdraw.length > 0
  }

  function timesAreSane (records: ReadonlyArray<BgpRecord | undefined>): void {
    for (const r of records) {
      assert.ok(r !== undefined && r.time_us > (started - 60_000) * 1000 && r.time_us < (Date.now() + 60_000) * 1000, JSON.stringify(r))
    }
  }

  it('gets Initiation (sysName frr-c-bmp) and the Peer Up of the GoBGP neighbour', async () => {
    await until(() => h.records.some(r => r.type === 'peer_state' && r.new_state === 'Established'), 'Peer Up')
    const up = h.records.filter(r => r.type === 'peer_state' && r.new_state === 'Established')
    assert.deepEqual(up.map(untimed), [{
      type: 'peer_state', source: 'test-bmp', vp: PEER, router: { ...ROUTER, view: 'adj-rib-in-pre' }, old_state: 'Idle', new_state: 'Established'
    }])
    const [connection] = h.station.connections()
    assert.equal(connection.name, 'frr-c-bmp')
    assert.equal(connection.asn, 65003)
    assert.equal(connection.peersUp, 1)
  })

  it('announcements: pre-policy, and post-policy with the route-map\'s community', async () => {
    assert.ok(feeder !== undefined)
    await feeder.gobgp('global', 'rib', 'add', '-a', 'ipv4', '10.10.0.0/16', 'origin', 'igp', 'aspath', '65010,65020',
      'nexthop', '198.18.0.1', 'med', '10', 'community', '65001:100', 'large-community', '65001:1:1')
    await feeder.gobgp('global', 'rib', 'add', '-a', 'ipv6', '2001:db8:10::/48', 'origin', 'egp', 'aspath', '65010',
      'nexthop', '2001:db8::1', 'community', '65001:600')
    await until(() => announces('adj-rib-in-pre', '10.10.0.0/16') && announces('adj-rib-in-post', '10.10.0.0/16') &&
      announces('adj-rib-in-pre', '2001:db8:10::/48') && announces('adj-rib-in-post', '2001:db8:10::/48'), 'announcements')
    const base = { type: 'update', source: 'test-bmp', vp: PEER, withdraw: [] }
    const v4 = { origin: 'IGP', as_path: [{ type: 'AS_SEQUENCE', asns: [65003, 65001, 65010, 65020] }], med: 10 }
    const v6 = { origin: 'EGP', as_path: [{ type: 'AS_SEQUENCE', asns: [65003, 65001, 65010] }] }
    const records = [
      last('adj-rib-in-pre', '10.10.0.0/16'), last('adj-rib-in-post', '10.10.0.0/16'),
      last('adj-rib-in-pre', '2001:db8:10::/48'), last('adj-rib-in-post', '2001:db8:10::/48')
    ]
    timesAreSane(records)
    assert.deepEqual(records.map(r => r === undefined ? r : untimed(r)), [
      {
        ...base,
        router: { ...ROUTER, view: 'adj-rib-in-pre' },
        announce: [{ next_hop: '198.18.0.1', prefixes: ['10.10.0.0/16'] }],
        attrs: { ...v4, communities: ['65001:100'], large_communities: ['65001:1:1'] }
      },
      {
        ...base,
        router: { ...ROUTER, view: 'adj-rib-in-post' },
        announce: [{ next_hop: '198.18.0.1', prefixes: ['10.10.0.0/16'] }],
        attrs: { ...v4, communities: ['65001:100', '65003:999'], large_communities: ['65001:1:1'] }
      },
      {
        ...base,
        router: { ...ROUTER, view: 'adj-rib-in-pre' },
        announce: [{ next_hop: '2001:db8::1', prefixes: ['2001:db8:10::/48'] }],
        attrs: { ...v6, communities: ['65001:600'] }
      },
      {
        ...base,
        router: { ...ROUTER, view: 'adj-rib-in-post' },
        announce: [{ next_hop: '2001:db8::1', prefixes: ['2001:db8:10::/48'] }],
        attrs: { ...v6, communities: ['65001:600', '65003:999'] }
      }
    ])
  })

  it('withdrawal: the IPv4 route goes from both views, the IPv6 one stays', async () => {
    assert.ok(feeder !== undefined)
    await feeder.gobgp('global', 'rib', 'del', '-a', 'ipv4', '10.10.0.0/16')
    await until(() => withdraws('adj-rib-in-pre', '10.10.0.0/16') && withdraws('adj-rib-in-post', '10.10.0.0/16'), 'withdrawals')
    const records = [last('adj-rib-in-pre', '10.10.0.0/16'), last('adj-rib-in-post', '10.10.0.0/16')]
    timesAreSane(records)
    assert.deepEqual(records.map(r => r === undefined ? r : untimed(r)), ['adj-rib-in-pre', 'adj-rib-in-post'].map(view => ({
      type: 'update', source: 'test-bmp', vp: PEER, router: { ...ROUTER, view }, announce: [], withdraw: [{ prefixes: ['10.10.0.0/16'] }], attrs: {}
    })))
    assert.ok(announces('adj-rib-in-pre', '2001:db8:10::/48'))
    const totals = h.station.stats().totals
    assert.equal(totals.decodeErrors + totals.bgpErrors + totals.sessionResetUpdates, 0, JSON.stringify(totals))
  })

  it('a dropped connection: FRR reconnects, the new session starts fresh and resends its state', async () => {
    const [first] = h.station.connections()
    const before = h.records.length
    const eors = (records: readonly BgpRecord[]): number => records.filter(r => r.type === 'update' && r.eor === 'ipv6-unicast').length
    assert.ok(h.station.disconnect(first.id))
    await until(() => h.station.connections().some(c => c.id !== first.id) && eors(h.records.slice(before)) === 2, 'reconnection and resync')
    const [second] = h.station.connections()
    assert.ok(second.id > first.id)
    assert.equal(second.peersUp, 1)
    assert.equal(second.counters.messages.initiation, 1)
    assert.equal(second.counters.messages['peer-up'], 1)
    assert.equal(second.counters.unknownPeerMessages, 0)
    // Peer Up again, then per view: End-of-RIB for IPv4 (its route was withdrawn), the IPv6
    // route, End-of-RIB for IPv6 (RFC 4724 §2, one per view).
    const again = h.records.slice(before)
    const router = (view: string): Record<string, unknown> => ({ ...ROUTER, view })
    const base = { type: 'update', source: 'test-bmp', vp: PEER }
    const eor = (view: string, family: string): unknown => ({ ...base, router: router(view), announce: [], withdraw: [], attrs: {}, eor: family })
    const v6 = (view: string, communities: string[]): unknown => ({
      ...base,
      router: router(view),
      announce: [{ next_hop: '2001:db8::1', prefixes: ['2001:db8:10::/48'] }],
      withdraw: [],
      attrs: { origin: 'EGP', as_path: [{ type: 'AS_SEQUENCE', asns: [65003, 65001, 65010] }], communities }
    })
    assert.deepEqual(again.filter(r => r.type === 'peer_state').map(untimed), [{
      type: 'peer_state', source: 'test-bmp', vp: PEER, router: router('adj-rib-in-pre'), old_state: 'Idle', new_state: 'Established'
    }])
    for (const [view, communities] of [['adj-rib-in-pre', ['65001:600']], ['adj-rib-in-post', ['65001:600', '65003:999']]] as const) {
      assert.deepEqual(again.filter(r => r.type === 'update' && r.router?.view === view).map(untimed), [
        eor(view, 'ipv4-unicast'), v6(view, [...communities]), eor(view, 'ipv6-unicast')
      ])
    }
  })

  it('Peer Down when the neighbour goes away', async () => {
    assert.ok(feeder !== undefined)
    const before = h.records.length
    await feeder.stop()
    await until(() => h.records.slice(before).some(r => r.type === 'peer_state'), 'Peer Down')
    const down = h.records.slice(before).filter(r => r.type === 'peer_state')
    // GoBGP closes with a NOTIFICATION Cease (RFC 4486 subcode 3, peer de-configured) on SIGTERM.
    assert.deepEqual(down.map(untimed), [{
      type: 'peer_state',
      source: 'test-bmp',
      vp: PEER,
      router: { ...ROUTER, view: 'adj-rib-in-pre' },
      old_state: 'Established',
      new_state: 'Idle',
      reason: 'remote system closed the session with a NOTIFICATION (code 6, subcode 3)'
    }])
    await until(() => h.station.connections()[0]?.peersUp === 0, 'peer forgotten')
  })

  it('Statistics Reports and Route Mirroring were read, nothing failed to decode', async () => {
    await until(() => h.station.stats().totals.messages['statistics-report'] > 0, 'a Statistics Report')
    const totals = h.station.stats().totals
    // `bmp mirror`: FRR copies every BGP message it receives from the peer (RFC 7854 §4.7).
    assert.ok(totals.messages['route-mirroring'] > 0, JSON.stringify(totals))
    assert.equal(totals.decodeErrors + totals.bgpErrors + totals.sessionResetUpdates + totals.skippedUpdates, 0, JSON.stringify(totals))
    assert.equal(totals.messages.unknown, 0)
  })
})
