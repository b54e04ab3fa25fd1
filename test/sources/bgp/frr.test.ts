// FRR bgpd connecting to the collector over IPv4 and IPv6 loopback: networks through route maps
// (next hop, communities, large communities, AS prepend with a 4-octet ASN, MED), ADD-PATH, End-of-RIB; a
// withdrawal with `no network`; kill → peer down; restart → back.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { makeRunDir, removeRunDir } from '../../helpers/routers/harness.ts'
import { startFrr } from '../../helpers/routers/frr.ts'
import type { Frr } from '../../helpers/routers/frr.ts'
import { peerStates, startCollector, updates } from '../../helpers/routers/collector-fixture.ts'
import { canonicalSet, netRoutes } from '../../helpers/routers/expect.ts'

const source = 'bgp-collector'
const attrs4 = { origin: 'IGP', as_path: [{ type: 'AS_SEQUENCE', asns: [65003, 4200000003, 65300] }], med: 33, communities: ['65003:100', '65003:200'], large_communities: ['65003:1:1'] }
const attrs6 = { origin: 'IGP', as_path: [{ type: 'AS_SEQUENCE', asns: [65003, 4200000003, 65300] }], med: 0, communities: ['65003:600'], large_communities: ['65003:6:6'] }

function expected (ip: string): string[] {
  const vp = { ip, asn: 65003 }
  return [
    { type: 'update', source, vp, announce: [{ next_hop: '198.18.0.3', prefixes: ['100.64.0.0/16', '203.0.113.128/25'], path_ids: [-1, -1] }], withdraw: [], attrs: attrs4 },
    { type: 'update', source, vp, announce: [{ next_hop: '2001:db8:ffff::3', prefixes: ['2001:db8:c::/48'], path_ids: [-1] }], withdraw: [], attrs: attrs6 },
    { type: 'update', source, vp, announce: [], withdraw: [], attrs: {}, eor: 'ipv4-unicast' },
    { type: 'update', source, vp, announce: [], withdraw: [], attrs: {}, eor: 'ipv6-unicast' }
  ].map((r) => JSON.stringify(r)).sort()
}

test('FRR over IPv4 loopback: routes, withdrawal, kill and restart', async (t) => {
  const runDir = makeRunDir('frr4')
  const fx = await startCollector()
  let frr: Frr | undefined
  t.after(async () => { await frr?.stop(); await fx.stop(); removeRunDir(runDir) })
  const ip = '127.0.10.3'
  frr = await startFrr(runDir, { host: '127.0.0.1', port: fx.port }, ip)
  await fx.waitFor((r) => netRoutes(r).size === 3, 15_000, 'FRR routes')
  assert.deepEqual(canonicalSet(fx.records, true), expected(ip))
  assert.deepEqual(fx.collector.routes('100.64.0.0/16').map((r) => [r.next_hop, r.attrs]), [['198.18.0.3', attrs4]])

  const mark = fx.records.length
  await frr.vtysh('configure terminal', 'router bgp 65003', 'address-family ipv4 unicast', 'no network 100.64.0.0/16')
  await fx.waitFor((r) => netRoutes(r).size === 2, 15_000, 'withdrawal')
  const w = updates(fx.records.slice(mark))
  assert.equal(w.length, 1)
  assert.deepEqual(w[0].announce, [])
  assert.deepEqual(w[0].withdraw.map((x) => x.prefixes), [['100.64.0.0/16']])
  assert.deepEqual(fx.collector.routes('100.64.0.0/16'), [])

  const mark2 = fx.records.length
  await frr.daemon.stop('SIGKILL')
  await fx.waitFor((r) => peerStates(r.slice(mark2)).length === 1 && netRoutes(r).size === 0, 10_000, 'peer down')
  assert.deepEqual(updates(fx.records.slice(mark2)).flatMap((u) => u.withdraw.flatMap((x) => x.prefixes)).sort(), ['2001:db8:c::/48', '203.0.113.128/25'])

  frr = await startFrr(runDir, { host: '127.0.0.1', port: fx.port }, ip)
  await fx.waitFor((r) => peerStates(r, ip).filter((s) => s.new_state === 'Established').length === 2 && netRoutes(r).size === 3, 15_000, 'FRR back')
})

test('FRR over IPv6 loopback', async (t) => {
  const runDir = makeRunDir('frr6')
  const fx = await startCollector({ listen: ['[::1]:0'] })
  const started: Frr[] = []
  t.after(async () => { for (const f of started) await f.stop(); await fx.stop(); removeRunDir(runDir) })
  started.push(await startFrr(runDir, { host: '::1', port: fx.port }, '::1'))
  await fx.waitFor((r) => netRoutes(r).size === 3 && updates(r).filter((u) => u.eor !== undefined).length === 2, 15_000, 'FRR routes')
  assert.deepEqual(canonicalSet(fx.records, true), expected('::1'))
})
