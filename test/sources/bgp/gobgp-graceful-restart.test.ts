// Graceful Restart (RFC 4724) with GoBGP as the restarting speaker: killed, its routes are kept
// stale; back with the Restart State bit, it gets our End-of-RIB, sends what it still has and its
// own End-of-RIB, and only the routes it did not send again are withdrawn.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { freePort, makeRunDir, removeRunDir } from '../../helpers/routers/harness.ts'
import { startGoBgp } from '../../helpers/routers/gobgp.ts'
import type { GoBgp } from '../../helpers/routers/gobgp.ts'
import { peerStates, startCollector, updates } from '../../helpers/routers/collector-fixture.ts'

const ASN = 4200000005

test('GoBGP killed and restarted with Graceful Restart: stale routes, then swept at End-of-RIB', async (t) => {
  const runDir = makeRunDir('gobgp-gr')
  const ip = '127.0.10.15'
  const listenPort = await freePort()
  const fx = await startCollector({ peers: [{ address: ip, remoteAs: ASN, passive: false, port: listenPort, localAddress: '127.0.0.1', connectRetryMinMs: 200, connectRetryMaxMs: 1000 }] })
  const started: GoBgp[] = []
  t.after(async () => { for (const g of started) await g.stop(); await fx.stop(); removeRunDir(runDir) })
  const options = { collector: { host: '127.0.0.1', port: fx.port }, localAddress: ip, listenPort, gracefulRestartTime: 30 }
  const first = await startGoBgp(runDir, options)
  started.push(first)
  await first.gobgp('global', 'rib', 'add', '-a', 'ipv4', '10.30.0.0/16', 'origin', 'igp', 'aspath', '65030', 'nexthop', '198.18.0.15')
  await first.gobgp('global', 'rib', 'add', '-a', 'ipv4', '10.31.0.0/16', 'origin', 'igp', 'aspath', '65031', 'nexthop', '198.18.0.15')
  await first.gobgp('global', 'rib', 'add', '-a', 'ipv6', '2001:db8:30::/48', 'origin', 'igp', 'aspath', '65030', 'nexthop', '2001:db8::15')
  // Both families' End-of-RIB, in whichever order GoBGP sends them, before the kill.
  await fx.waitFor((r) => updates(r).filter((u) => u.announce.length > 0).length === 3 &&
    updates(r).some((u) => u.eor === 'ipv4-unicast') && updates(r).some((u) => u.eor === 'ipv6-unicast'), 15_000, 'three routes and both End-of-RIBs')

  // SIGKILL: no NOTIFICATION, so the routes are kept, stale.
  let mark = fx.records.length
  await first.daemon.stop('SIGKILL')
  await fx.waitFor((r) => peerStates(r.slice(mark)).length === 1, 10_000, 'peer down')
  assert.match(peerStates(fx.records.slice(mark))[0].reason ?? '', /graceful restart: 3 routes kept stale for up to 30 s/)
  assert.deepEqual(updates(fx.records.slice(mark)), [], 'nothing withdrawn')
  assert.deepEqual(fx.collector.routes('10.31.0.0/16').map((r) => r.stale), [true])

  // Back with -r; it only has 10.30.0.0/16 now.
  mark = fx.records.length
  // The neighbour starts administratively down so that the route is in GoBGP's RIB before the
  // session comes up (otherwise its End-of-RIB may come first, and the route is swept).
  const second = await startGoBgp(runDir, { ...options, apiPort: first.apiPort, restarting: true, adminDown: true })
  started.push(second)
  await second.gobgp('global', 'rib', 'add', '-a', 'ipv4', '10.30.0.0/16', 'origin', 'igp', 'aspath', '65030,65039', 'nexthop', '198.18.0.15')
  await second.gobgp('neighbor', '127.0.0.1', 'enable')
  const withdrawn = (): string[] => updates(fx.records.slice(mark)).flatMap((u) => u.withdraw.flatMap((w) => w.prefixes)).sort()
  await fx.waitFor((r) => updates(r.slice(mark)).filter((u) => u.eor !== undefined).length === 2 && withdrawn().length === 2, 20_000, 'End-of-RIB and sweep')
  assert.equal(fx.collector.peerStatus()[0].staleRoutes, 0)
  const after = updates(fx.records.slice(mark))
  assert.deepEqual(after.filter((u) => u.announce.length > 0).map((u) => [u.announce[0].prefixes, u.attrs.as_path?.[0].asns]), [[['10.30.0.0/16'], [ASN, 65030, 65039]]])
  assert.deepEqual(withdrawn(), ['10.31.0.0/16', '2001:db8:30::/48'])
  // Each sweep follows the End-of-RIB of its family.
  const order = after.map((u) => u.eor ?? (u.withdraw[0]?.prefixes[0] ?? 'announce'))
  assert.ok(order.indexOf('10.31.0.0/16') > order.indexOf('ipv4-unicast'))
  assert.ok(order.indexOf('2001:db8:30::/48') > order.indexOf('ipv6-unicast'))
  assert.deepEqual(fx.collector.routes('10.30.0.0/16').map((r) => [r.stale, r.attrs.as_path?.[0].asns]), [[false, [ASN, 65030, 65039]]])
  assert.deepEqual(fx.collector.routes('10.31.0.0/16'), [])
})
