// BIRD and ExaBGP connecting to the collector over IPv6 loopback (::1): the session, its
// vantage point named by the IPv6 address, the same routes as over IPv4 (IPv4 unicast with the
// configured IPv4 next hop, IPv6 unicast), and the peer down with its withdrawals on a kill.
// (GoBGP and FRR over IPv6 are in gobgp.test.ts and frr.test.ts.)
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { makeRunDir, removeRunDir } from '../../helpers/routers/harness.ts'
import { startBird } from '../../helpers/routers/bird.ts'
import { startExaBgp } from '../../helpers/routers/exabgp.ts'
import { peerStates, startCollector, updates } from '../../helpers/routers/collector-fixture.ts'
import { netRoutes } from '../../helpers/routers/expect.ts'
import type { UpdateRecord } from '../../../src/record/types.ts'

function announced (records: readonly unknown[]): Array<[string, string | null]> {
  return (records as UpdateRecord[]).filter((r) => r.type === 'update')
    .flatMap((r) => r.announce.flatMap((a) => a.prefixes.map((p): [string, string | null] => [p, a.next_hop])))
    .sort((a, b) => a[0].localeCompare(b[0]))
}

test('BIRD over IPv6 loopback: routes of both families, then peer down and withdrawals on a kill', async (t) => {
  const runDir = makeRunDir('bird6')
  const fx = await startCollector({ listen: ['[::1]:0'], peerDefaults: { holdTime: 15 } })
  const stops: Array<() => Promise<void>> = []
  t.after(async () => { for (const s of stops) await s(); await fx.stop(); removeRunDir(runDir) })
  const bird = await startBird(runDir, { host: '::1', port: fx.port }, '::1')
  stops.push(bird.stop)
  await fx.waitFor((r) => updates(r, '::1').filter((u) => u.eor !== undefined).length === 2 && netRoutes(r).size === 4, 20_000, 'BIRD routes over ::1')
  const ups = peerStates(fx.records)
  assert.deepEqual(ups.map((s) => [s.vp, s.new_state]), [[{ ip: '::1', asn: 65002 }, 'Established']])
  assert.deepEqual(announced(fx.records), [
    ['192.0.2.128/25', '198.18.0.2'], ['198.51.100.0/24', '198.18.0.2'], ['2001:db8:b::/48', '2001:db8:ffff::2'], ['203.0.113.0/25', '198.18.0.2']
  ])
  const mark = fx.records.length
  await bird.daemon.stop('SIGKILL')
  await fx.waitFor((r) => peerStates(r.slice(mark)).length === 1 && netRoutes(r).size === 0, 15_000, 'peer down')
  assert.deepEqual(updates(fx.records.slice(mark)).flatMap((u) => u.withdraw.flatMap((w) => w.prefixes)).sort(),
    ['192.0.2.128/25', '198.51.100.0/24', '2001:db8:b::/48', '203.0.113.0/25'])
})

test('ExaBGP over IPv6 loopback: 4-octet AS, ADD-PATH for IPv4, IPv6 routes; kill', async (t) => {
  const runDir = makeRunDir('exabgp6')
  const fx = await startCollector({ listen: ['[::1]:0'] })
  const stops: Array<() => Promise<void>> = []
  t.after(async () => { for (const s of stops) await s(); await fx.stop(); removeRunDir(runDir) })
  const exa = startExaBgp(runDir, { host: '::1', port: fx.port }, '::1')
  stops.push(exa.stop)
  await fx.waitFor((r) => netRoutes(r).size === 3 && updates(r).filter((u) => u.eor !== undefined).length === 2, 20_000, 'ExaBGP routes over ::1')
  assert.deepEqual(peerStates(fx.records).map((s) => [s.vp, s.new_state]), [[{ ip: '::1', asn: 4200000006 }, 'Established']])
  assert.deepEqual([...netRoutes(fx.records)].sort(), ['100.70.0.0/16#0', '100.71.0.0/24#7', '2001:db8:f::/48#'])
  assert.deepEqual(announced(fx.records), [['100.70.0.0/16', '198.18.0.6'], ['100.71.0.0/24', '198.18.0.6'], ['2001:db8:f::/48', '2001:db8:ffff::6']])
  const mark = fx.records.length
  await exa.daemon.stop('SIGKILL')
  await fx.waitFor((r) => peerStates(r.slice(mark)).length === 1 && netRoutes(r).size === 0, 15_000, 'peer down')
})
