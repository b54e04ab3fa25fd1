// GoBGP 3 connecting to the collector over IPv4 and over IPv6 loopback: 4-octet AS, ADD-PATH,
// IPv4 and IPv6 unicast with communities, large communities and MED; withdrawals; kill and
// restart of the daemon.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { freePort, makeRunDir, removeRunDir } from '../../helpers/routers/harness.ts'
import { startGoBgp } from '../../helpers/routers/gobgp.ts'
import type { GoBgp } from '../../helpers/routers/gobgp.ts'
import { peerStates, stable, startCollector, updates } from '../../helpers/routers/collector-fixture.ts'
import type { CollectorFixture } from '../../helpers/routers/collector-fixture.ts'
import type { UpdateRecord } from '../../../src/record/types.ts'

const ASN = 4200000005

async function announceAll (g: GoBgp): Promise<void> {
  await g.gobgp('global', 'rib', 'add', '-a', 'ipv4', '10.10.0.0/16', 'identifier', '1', 'origin', 'igp', 'aspath', '65010,4200000010', 'nexthop', '198.18.0.5', 'med', '10', 'community', '65001:100,65001:200', 'large-community', '65001:1:1,4200000000:2:3')
  await g.gobgp('global', 'rib', 'add', '-a', 'ipv4', '10.10.0.0/16', 'identifier', '2', 'origin', 'igp', 'aspath', '65011', 'nexthop', '198.18.0.6', 'med', '20')
  await g.gobgp('global', 'rib', 'add', '-a', 'ipv4', '10.20.0.0/24', 'origin', 'igp', 'aspath', '65020', 'nexthop', '198.18.0.5', 'community', '65001:300')
  await g.gobgp('global', 'rib', 'add', '-a', 'ipv6', '2001:db8:5::/48', 'origin', 'igp', 'aspath', '65060', 'nexthop', '2001:db8::5', 'med', '30', 'large-community', '4200000005:6:6')
}

/** Announced prefixes (with path id) minus withdrawn ones, in record order. */
function net (records: readonly UpdateRecord[]): Map<string, UpdateRecord> {
  const rib = new Map<string, UpdateRecord>()
  for (const r of records) {
    for (const w of r.withdraw) w.prefixes.forEach((p, i) => rib.delete(`${p}#${w.path_ids?.[i] ?? ''}`))
    for (const a of r.announce) a.prefixes.forEach((p, i) => rib.set(`${p}#${a.path_ids?.[i] ?? ''}`, r))
  }
  return rib
}

async function scenario (fx: CollectorFixture, g: GoBgp, ip: string): Promise<void> {
  await fx.waitFor((r) => peerStates(r, ip).some((s) => s.new_state === 'Established'), 15_000, 'GoBGP Established')
  await announceAll(g)
  const vp = { ip, asn: ASN }
  const source = 'bgp-collector'
  await fx.waitFor((r) => net(updates(r, ip)).size === 4, 10_000, '4 routes')
  // GoBGP sends one UPDATE per path here; the exact records, in any order.
  const announced = updates(fx.records, ip).filter((r) => r.announce.length > 0).map(stable)
  const expected = [
    { type: 'update', source, vp, announce: [{ next_hop: '198.18.0.5', prefixes: ['10.10.0.0/16'], path_ids: [1] }], withdraw: [], attrs: { origin: 'IGP', as_path: [{ type: 'AS_SEQUENCE', asns: [ASN, 65010, 4200000010] }], med: 10, communities: ['65001:100', '65001:200'], large_communities: ['65001:1:1', '4200000000:2:3'] } },
    { type: 'update', source, vp, announce: [{ next_hop: '198.18.0.6', prefixes: ['10.10.0.0/16'], path_ids: [2] }], withdraw: [], attrs: { origin: 'IGP', as_path: [{ type: 'AS_SEQUENCE', asns: [ASN, 65011] }], med: 20 } },
    { type: 'update', source, vp, announce: [{ next_hop: '198.18.0.5', prefixes: ['10.20.0.0/24'], path_ids: [1] }], withdraw: [], attrs: { origin: 'IGP', as_path: [{ type: 'AS_SEQUENCE', asns: [ASN, 65020] }], communities: ['65001:300'] } },
    { type: 'update', source, vp, announce: [{ next_hop: '2001:db8::5', prefixes: ['2001:db8:5::/48'], path_ids: [1] }], withdraw: [], attrs: { origin: 'IGP', as_path: [{ type: 'AS_SEQUENCE', asns: [ASN, 65060] }], med: 30, large_communities: ['4200000005:6:6'] } }
  ]
  const key = (r: unknown): string => JSON.stringify(r)
  assert.deepEqual(announced.map(key).sort(), expected.map(key).sort())
  // GoBGP sends no End-of-RIB here (it does so only with Graceful Restart families negotiated).
  assert.deepEqual(updates(fx.records, ip).filter((r) => r.eor !== undefined), [])
  assert.deepEqual(fx.collector.routes('10.10.0.0/16').map((r) => [r.path_id, r.next_hop, r.attrs.med]), [[1, '198.18.0.5', 10], [2, '198.18.0.6', 20]])

  // Withdraw one path of 10.10.0.0/16 and the IPv6 prefix.
  const mark = fx.records.length
  await g.gobgp('global', 'rib', 'del', '-a', 'ipv4', '10.10.0.0/16', 'identifier', '2')
  await g.gobgp('global', 'rib', 'del', '-a', 'ipv6', '2001:db8:5::/48')
  await fx.waitFor((r) => net(updates(r, ip)).size === 2, 10_000, 'withdrawals')
  const withdrawals = updates(fx.records.slice(mark), ip).map(stable).map(key).sort()
  assert.deepEqual(withdrawals, [
    { type: 'update', source, vp, announce: [], withdraw: [{ prefixes: ['10.10.0.0/16'], path_ids: [2] }], attrs: {} },
    { type: 'update', source, vp, announce: [], withdraw: [{ prefixes: ['2001:db8:5::/48'], path_ids: [1] }], attrs: {} }
  ].map(key).sort())
  assert.deepEqual(fx.collector.routes('10.10.0.0/16').map((r) => r.path_id), [1])
  assert.deepEqual(fx.collector.routes('2001:db8:5::/48'), [])
}

test('GoBGP over IPv4 loopback, the collector connecting: routes, withdrawals, kill and restart', async (t) => {
  const runDir = makeRunDir('gobgp4')
  const ip = '127.0.10.5'
  const listenPort = await freePort()
  // The collector is the active side here (its connector, with backoff), from 127.0.0.1.
  const fx = await startCollector({ peers: [{ address: ip, remoteAs: ASN, passive: false, port: listenPort, localAddress: '127.0.0.1', connectRetryMinMs: 200, connectRetryMaxMs: 1000 }] })
  let g: GoBgp | undefined
  t.after(async () => { await g?.stop(); await fx.stop(); removeRunDir(runDir) })
  g = await startGoBgp(runDir, { collector: { host: '127.0.0.1', port: fx.port }, localAddress: ip, listenPort })
  await scenario(fx, g, ip)

  // Kill the daemon: peer down and the withdrawals of what it still announced.
  const mark = fx.records.length
  await g.daemon.stop('SIGKILL')
  await fx.waitFor((r) => r.length >= mark + 2, 10_000, 'peer down')
  const after = fx.records.slice(mark)
  assert.deepEqual(after.map((r) => r.type === 'peer_state' ? `${r.old_state}>${r.new_state}` : 'update'), ['Established>Idle', 'update'])
  const w = (after[1] as UpdateRecord).withdraw
  assert.deepEqual(w.flatMap((x) => x.prefixes.map((p, i) => `${p}#${x.path_ids?.[i]}`)).sort(), ['10.10.0.0/16#1', '10.20.0.0/24#1'])
  assert.deepEqual(fx.collector.routes('10.10.0.0/16'), [])

  // Restart it (same API port): the session comes back.
  g = await startGoBgp(runDir, { collector: { host: '127.0.0.1', port: fx.port }, localAddress: ip, listenPort, apiPort: g.apiPort })
  await fx.waitFor((r) => peerStates(r, ip).filter((s) => s.new_state === 'Established').length === 2, 15_000, 'GoBGP back')
})

test('GoBGP over IPv6 loopback, GoBGP connecting', async (t) => {
  const runDir = makeRunDir('gobgp6')
  const fx = await startCollector({ listen: ['[::1]:0'] })
  const started: GoBgp[] = []
  t.after(async () => { for (const g of started) await g.stop(); await fx.stop(); removeRunDir(runDir) })
  const g = await startGoBgp(runDir, { collector: { host: '::1', port: fx.port }, localAddress: '::1' })
  started.push(g)
  await scenario(fx, g, '::1')
})
