// ExaBGP connecting to the collector over IPv4 loopback: 4-octet AS, ADD-PATH for IPv4 (with
// path identifier 7 and the implicit 0), IPv6 without ADD-PATH; routes announced and withdrawn
// through its API; kill → peer down.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { makeRunDir, removeRunDir } from '../../helpers/routers/harness.ts'
import { startExaBgp } from '../../helpers/routers/exabgp.ts'
import type { ExaBgp } from '../../helpers/routers/exabgp.ts'
import { peerStates, startCollector, updates } from '../../helpers/routers/collector-fixture.ts'
import { canonicalSet, netRoutes } from '../../helpers/routers/expect.ts'

test('ExaBGP over IPv4 loopback: static and API routes, withdrawals, kill', async (t) => {
  const runDir = makeRunDir('exabgp')
  const fx = await startCollector()
  const started: ExaBgp[] = []
  t.after(async () => { for (const e of started) await e.stop(); await fx.stop(); removeRunDir(runDir) })
  const ip = '127.0.10.6'
  const ASN = 4200000006
  const exa = startExaBgp(runDir, { host: '127.0.0.1', port: fx.port }, ip)
  started.push(exa)
  await fx.waitFor((r) => netRoutes(r).size === 3 && updates(r).filter((u) => u.eor !== undefined).length === 2, 15_000, 'ExaBGP routes')
  const vp = { ip, asn: ASN }
  const source = 'bgp-collector'
  const key = (r: unknown): string => JSON.stringify(r)
  assert.deepEqual(canonicalSet(fx.records), [
    { type: 'update', source, vp, announce: [{ next_hop: '198.18.0.6', prefixes: ['100.70.0.0/16'], path_ids: [0] }], withdraw: [], attrs: { origin: 'IGP', as_path: [{ type: 'AS_SEQUENCE', asns: [ASN, 65500] }], communities: ['65006:1'], large_communities: ['4200000006:1:1'] } },
    { type: 'update', source, vp, announce: [{ next_hop: '198.18.0.6', prefixes: ['100.71.0.0/24'], path_ids: [7] }], withdraw: [], attrs: { origin: 'IGP', as_path: [{ type: 'AS_SEQUENCE', asns: [ASN] }] } },
    { type: 'update', source, vp, announce: [{ next_hop: '2001:db8:ffff::6', prefixes: ['2001:db8:f::/48'] }], withdraw: [], attrs: { origin: 'IGP', as_path: [{ type: 'AS_SEQUENCE', asns: [ASN, 65600] }], communities: ['65006:6'] } },
    { type: 'update', source, vp, announce: [], withdraw: [], attrs: {}, eor: 'ipv4-unicast' },
    { type: 'update', source, vp, announce: [], withdraw: [], attrs: {}, eor: 'ipv6-unicast' }
  ].map(key).sort())

  // Through the API: a second path for 100.71.0.0/24 with MED and communities, then withdrawals.
  let mark = fx.records.length
  exa.api('announce route 100.71.0.0/24 path-information 9 next-hop 198.18.0.7 med 50 as-path [ 4200000006 65700 ] community [ 65006:7 65006:8 ] large-community [ 4200000006:7:7 ]')
  await fx.waitFor((r) => netRoutes(r).size === 4, 10_000, 'API announcement')
  assert.deepEqual(canonicalSet(fx.records.slice(mark)), [
    key({ type: 'update', source, vp, announce: [{ next_hop: '198.18.0.7', prefixes: ['100.71.0.0/24'], path_ids: [9] }], withdraw: [], attrs: { origin: 'IGP', as_path: [{ type: 'AS_SEQUENCE', asns: [ASN, 65700] }], med: 50, communities: ['65006:7', '65006:8'], large_communities: ['4200000006:7:7'] } })
  ])
  assert.deepEqual(fx.collector.routes('100.71.0.0/24').map((r) => [r.path_id, r.next_hop]), [[7, '198.18.0.6'], [9, '198.18.0.7']])
  mark = fx.records.length
  exa.api('withdraw route 100.71.0.0/24 path-information 7 next-hop 198.18.0.6', 'withdraw route 2001:db8:f::/48 next-hop 2001:db8:ffff::6')
  await fx.waitFor((r) => netRoutes(r).size === 2, 10_000, 'API withdrawals')
  assert.deepEqual(canonicalSet(fx.records.slice(mark)), [
    key({ type: 'update', source, vp, announce: [], withdraw: [{ prefixes: ['100.71.0.0/24'], path_ids: [7] }], attrs: {} }),
    // ExaBGP puts ORIGIN and AS_PATH in an UPDATE that only carries MP_UNREACH_NLRI; the record
    // says what was on the wire.
    key({ type: 'update', source, vp, announce: [], withdraw: [{ prefixes: ['2001:db8:f::/48'] }], attrs: { origin: 'IGP', as_path: [{ type: 'AS_SEQUENCE', asns: [ASN] }] } })
  ].sort())

  mark = fx.records.length
  await exa.daemon.stop('SIGKILL')
  await fx.waitFor((r) => peerStates(r.slice(mark)).length === 1 && netRoutes(r).size === 0, 10_000, 'peer down')
  assert.deepEqual(updates(fx.records.slice(mark)).flatMap((u) => u.withdraw.flatMap((w) => w.prefixes.map((p, i) => `${p}#${w.path_ids?.[i]}`))).sort(), ['100.70.0.0/16#0', '100.71.0.0/24#9'])
})
