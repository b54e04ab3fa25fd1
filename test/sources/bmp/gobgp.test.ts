// A real GoBGP (gobgpd 3.10, `[[bmp-servers]]`, route-monitoring-policy "all") exporting BMP to
// the station. Its neighbour is a real ExaBGP "D" (exabgp-d.conf: AS 65004, ADD-PATH, IPv4 and
// IPv6 routes); GoBGP adds the community 65001:999 to what it imports, so pre- and post-policy
// differ; `gobgp global rib add/del` puts a route in and out of its Loc-RIB (RFC 9069).
// The exact records are asserted for each view, then the Peer Down when ExaBGP goes away.

import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { makeRunDir, removeRunDir } from '../../helpers/routers/harness.ts'
import type { Daemon } from '../../helpers/routers/harness.ts'
import type { BgpRecord } from '../../../src/record/types.ts'
import { startExaBgpD, startGoBgpRouter } from './bmp-routers.ts'
import type { GoBgpRouter } from './bmp-routers.ts'
import { recordsFor, startHarness, untimed, waitFor } from './station-harness.ts'
import type { Harness } from './station-harness.ts'

const GOBGP = '127.0.0.71'
const EXABGP = '127.0.0.74'
/** The router as every record names it: the BMP session's source, GoBGP's AS and sysName. */
const ROUTER = { ip: '127.0.0.1', asn: 65001, name: 'GoBGP' }
const PEER = { ip: EXABGP, asn: 65004 }
/** RFC 9069 §4.1: the Loc-RIB peer is the router itself (its address, the header's AS). */
const LOC_RIB_VP = { ip: '127.0.0.1', asn: 65001 }

describe('BMP from a real GoBGP with ExaBGP as its neighbour', () => {
  let h: Harness
  let runDir: string
  let gobgp: GoBgpRouter | undefined
  let exabgp: Daemon | undefined
  const started = Date.now()

  before(async () => {
    h = await startHarness()
    runDir = makeRunDir('bmp-gobgp')
    gobgp = await startGoBgpRouter(runDir, {
      name: 'gobgp-a',
      asn: 65001,
      routerId: '10.255.0.1',
      address: GOBGP,
      neighbors: [{ address: EXABGP, asn: 65004, passive: true, addPathReceive: true }],
      station: { port: h.station.address.port, policy: 'all' },
      importCommunity: '65001:999'
    })
    exabgp = startExaBgpD(runDir, EXABGP, { address: GOBGP, port: gobgp.bgpPort })
  })

  after(async () => {
    await exabgp?.stop()
    await gobgp?.stop()
    await h.close()
    if (process.env.KEEP_RUN_DIR !== '1') removeRunDir(runDir)
  })

  function dump (): string {
    return `records:\n${h.records.map(r => JSON.stringify(r)).join('\n')}\nstats: ${JSON.stringify(h.station.stats())}\n` +
      `gobgpd:\n${gobgp?.daemon.log().slice(-2000) ?? ''}\nexabgp:\n${exabgp?.log().slice(-2000) ?? ''}`
  }

  async function until (condition: () => boolean, what: string): Promise<void> {
    try {
      await waitFor(condition, 15_000, what)
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${dump()}`)
    }
  }

  function timesAreSane (records: readonly BgpRecord[]): void {
    for (const r of records) assert.ok(r.time_us > (started - 60_000) * 1000 && r.time_us < (Date.now() + 60_000) * 1000, JSON.stringify(r))
  }

  it('gets Initiation and the Peer Up of ExaBGP, with the router named and its AS', async () => {
    await until(() => h.records.some(r => r.type === 'peer_state'), 'Peer Up')
    const up = h.records.filter(r => r.type === 'peer_state')
    assert.deepEqual(up.map(untimed), [{
      type: 'peer_state', source: 'test-bmp', vp: PEER, router: { ...ROUTER, view: 'adj-rib-in-pre' }, old_state: 'Idle', new_state: 'Established'
    }])
    timesAreSane(up)
    const [connection] = h.station.connections()
    assert.equal(connection.name, 'GoBGP')
    assert.equal(connection.asn, 65001)
    assert.equal(connection.peersUp, 1)
    assert.equal(connection.counters.messages.initiation, 1)
  })

  it('pre-policy Adj-RIB-In: ExaBGP routes as received, ADD-PATH path identifiers included', async () => {
    await until(() => recordsFor(h.records, 'adj-rib-in-pre', '2001:db8:d::/48').length === 1 &&
      recordsFor(h.records, 'adj-rib-in-pre', '100.66.1.0/24').length === 2, 'pre-policy routes')
    const pre = h.records.filter(r => r.router?.view === 'adj-rib-in-pre' && r.type === 'update')
    timesAreSane(pre)
    const router = { ...ROUTER, view: 'adj-rib-in-pre' }
    const base = { type: 'update', source: 'test-bmp', vp: PEER, router, withdraw: [] }
    assert.deepEqual(pre.map(untimed), [
      {
        ...base,
        announce: [{ next_hop: '198.18.0.4', prefixes: ['100.65.0.0/16'], path_ids: [0] }],
        attrs: {
          origin: 'IGP',
          as_path: [{ type: 'AS_SEQUENCE', asns: [65004, 65410, 4200000004] }],
          med: 5,
          communities: ['65004:100', '65004:200', '65535:65281'],
          large_communities: ['65004:1:1', '4200000004:2:2']
        }
      },
      {
        ...base,
        announce: [{ next_hop: '198.18.0.4', prefixes: ['100.66.1.0/24'], path_ids: [1] }],
        attrs: { origin: 'IGP', as_path: [{ type: 'AS_SEQUENCE', asns: [65004, 65420] }], communities: ['65004:1'] }
      },
      {
        ...base,
        announce: [{ next_hop: '198.18.0.5', prefixes: ['100.66.1.0/24'], path_ids: [2] }],
        attrs: { origin: 'IGP', as_path: [{ type: 'AS_SEQUENCE', asns: [65004, 65421, 65422] }], communities: ['65004:2'] }
      },
      {
        ...base,
        announce: [{ next_hop: '2001:db8:ffff::4', prefixes: ['2001:db8:d::/48'] }],
        attrs: { origin: 'IGP', as_path: [{ type: 'AS_SEQUENCE', asns: [65004, 65430] }], communities: ['65004:600'], large_communities: ['65004:6:6'] }
      }
    ])
  })

  it('post-policy Adj-RIB-In: the import policy\'s community added; GoBGP leaves the path identifiers out', async () => {
    await until(() => recordsFor(h.records, 'adj-rib-in-post', '2001:db8:d::/48').length === 1 &&
      recordsFor(h.records, 'adj-rib-in-post', '100.65.0.0/16').length === 1, 'post-policy routes')
    const router = { ...ROUTER, view: 'adj-rib-in-post' }
    const base = { type: 'update', source: 'test-bmp', vp: PEER, router, withdraw: [] }
    assert.deepEqual(recordsFor(h.records, 'adj-rib-in-post', '100.65.0.0/16').map(untimed), [{
      ...base,
      announce: [{ next_hop: '198.18.0.4', prefixes: ['100.65.0.0/16'] }],
      attrs: {
        origin: 'IGP',
        as_path: [{ type: 'AS_SEQUENCE', asns: [65004, 65410, 4200000004] }],
        med: 5,
        communities: ['65004:100', '65004:200', '65535:65281', '65001:999'],
        large_communities: ['65004:1:1', '4200000004:2:2']
      }
    }])
    assert.deepEqual(recordsFor(h.records, 'adj-rib-in-post', '2001:db8:d::/48').map(untimed), [{
      ...base,
      announce: [{ next_hop: '2001:db8:ffff::4', prefixes: ['2001:db8:d::/48'] }],
      attrs: { origin: 'IGP', as_path: [{ type: 'AS_SEQUENCE', asns: [65004, 65430] }], communities: ['65004:600', '65001:999'], large_communities: ['65004:6:6'] }
    }])
    // Read with the negotiated ADD-PATH they are malformed; read without, they decode cleanly.
    const totals = h.station.stats().totals
    assert.ok(totals.addPathFallbacks >= 2, JSON.stringify(totals))
    assert.equal(totals.sessionResetUpdates, 0)
    assert.equal(totals.bgpErrors, 0)
    assert.equal(totals.decodeErrors, 0)
  })

  it('Loc-RIB: a route added with `gobgp global rib add`, then withdrawn with `del`', async () => {
    assert.ok(gobgp !== undefined)
    await gobgp.gobgp('global', 'rib', 'add', '-a', 'ipv4', '10.10.0.0/16', 'origin', 'igp', 'aspath', '65010,65020',
      'nexthop', '198.18.0.1', 'med', '10', 'community', '65001:100', 'large-community', '65001:1:1')
    await until(() => recordsFor(h.records, 'loc-rib', '10.10.0.0/16').length === 1, 'Loc-RIB announcement')
    await gobgp.gobgp('global', 'rib', 'del', '-a', 'ipv4', '10.10.0.0/16')
    await until(() => recordsFor(h.records, 'loc-rib', '10.10.0.0/16').length === 2, 'Loc-RIB withdrawal')
    const locRib = recordsFor(h.records, 'loc-rib', '10.10.0.0/16')
    timesAreSane(locRib)
    const base = { type: 'update', source: 'test-bmp', vp: LOC_RIB_VP, router: { ...ROUTER, view: 'loc-rib' } }
    assert.deepEqual(locRib.map(untimed), [
      {
        ...base,
        announce: [{ next_hop: '198.18.0.1', prefixes: ['10.10.0.0/16'] }],
        withdraw: [],
        attrs: {
          origin: 'IGP',
          as_path: [{ type: 'AS_SEQUENCE', asns: [65010, 65020] }],
          med: 10,
          communities: ['65001:100', '65001:999'],
          large_communities: ['65001:1:1']
        }
      },
      { ...base, announce: [], withdraw: [{ prefixes: ['10.10.0.0/16'] }], attrs: {} }
    ])
    // ExaBGP's routes are in the Loc-RIB too (best of the two paths of 100.66.1.0/24).
    assert.ok(recordsFor(h.records, 'loc-rib', '100.65.0.0/16').length >= 1)
    assert.ok(recordsFor(h.records, 'loc-rib', '2001:db8:d::/48').length >= 1)
  })

  it('Peer Down when ExaBGP goes away, and its routes withdrawn from the views', async () => {
    assert.ok(exabgp !== undefined)
    const before = h.records.length
    await exabgp.stop()
    await until(() => h.records.slice(before).some(r => r.type === 'peer_state'), 'Peer Down')
    const down = h.records.slice(before).filter(r => r.type === 'peer_state')
    assert.deepEqual(down.map(untimed), [{
      type: 'peer_state',
      source: 'test-bmp',
      vp: PEER,
      router: { ...ROUTER, view: 'adj-rib-in-pre' },
      old_state: 'Established',
      new_state: 'Idle',
      reason: 'remote system closed the session without a NOTIFICATION'
    }])
    await until(() => recordsFor(h.records.slice(before), 'loc-rib', '2001:db8:d::/48').length === 1, 'Loc-RIB withdrawal')
    const withdrawn = recordsFor(h.records.slice(before), 'loc-rib', '2001:db8:d::/48')
    assert.deepEqual(withdrawn.map(untimed), [{
      type: 'update', source: 'test-bmp', vp: LOC_RIB_VP, router: { ...ROUTER, view: 'loc-rib' }, announce: [], withdraw: [{ prefixes: ['2001:db8:d::/48'] }], attrs: {}
    }])
    assert.equal(h.station.connections()[0].peersUp, 0)
    const totals = h.station.stats().totals
    assert.equal(totals.decodeErrors + totals.bgpErrors + totals.sessionResetUpdates, 0, JSON.stringify(totals))
  })
})
