// BIRD 2 connecting to the collector over IPv4 loopback: IPv4 and IPv6 unicast with ADD-PATH,
// community, large community, MED, a 4-octet ASN in the AS path; a withdrawal; kill → peer down.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { makeRunDir, removeRunDir } from '../../helpers/routers/harness.ts'
import { startBird } from '../../helpers/routers/bird.ts'
import type { Bird } from '../../helpers/routers/bird.ts'
import { peerStates, startCollector, updates } from '../../helpers/routers/collector-fixture.ts'
import { canonicalSet, netRoutes } from '../../helpers/routers/expect.ts'
import type { UpdateRecord } from '../../../src/record/types.ts'

test('BIRD over IPv4 loopback: routes with ADD-PATH, End-of-RIB, withdrawal, kill', async (t) => {
  const runDir = makeRunDir('bird')
  const fx = await startCollector({ peerDefaults: { holdTime: 15 } })
  const started: Bird[] = []
  t.after(async () => { for (const b of started) await b.stop(); await fx.stop(); removeRunDir(runDir) })
  const ip = '127.0.10.2'
  const bird = await startBird(runDir, { host: '127.0.0.1', port: fx.port }, ip)
  started.push(bird)
  await fx.waitFor((r) => updates(r, ip).filter((u) => u.eor !== undefined).length === 2 && netRoutes(r).size === 4, 15_000, 'BIRD routes and End-of-RIB')
  const vp = { ip, asn: 65002 }
  const source = 'bgp-collector'
  const attrs = { origin: 'IGP', as_path: [{ type: 'AS_SEQUENCE', asns: [65002, 4200000002, 65100] }], med: 22, communities: ['65002:100'], large_communities: ['65002:1:2'] }
  // BIRD chooses its path identifiers; they are checked to be there, not their values.
  assert.deepEqual(canonicalSet(fx.records, true), [
    { type: 'update', source, vp, announce: [{ next_hop: '198.18.0.2', prefixes: ['192.0.2.128/25', '198.51.100.0/24', '203.0.113.0/25'], path_ids: [-1, -1, -1] }], withdraw: [], attrs },
    { type: 'update', source, vp, announce: [{ next_hop: '2001:db8:ffff::2', prefixes: ['2001:db8:b::/48'], path_ids: [-1] }], withdraw: [], attrs },
    { type: 'update', source, vp, announce: [], withdraw: [], attrs: {}, eor: 'ipv4-unicast' },
    { type: 'update', source, vp, announce: [], withdraw: [], attrs: {}, eor: 'ipv6-unicast' }
  ].map((r) => JSON.stringify(r)).sort())
  const [route] = fx.collector.routes('192.0.2.128/25')
  assert.equal(route.next_hop, '198.18.0.2')
  assert.deepEqual(route.attrs, attrs)

  // Withdraw 192.0.2.128/25 (its static protocol is disabled).
  const pathId = route.path_id
  const mark = fx.records.length
  await bird.birdc('disable', 's4w')
  await fx.waitFor((r) => r.length > mark, 10_000, 'withdrawal')
  assert.deepEqual((fx.records[mark] as UpdateRecord).withdraw, [{ prefixes: ['192.0.2.128/25'], path_ids: [pathId] }])
  assert.deepEqual(fx.collector.routes('192.0.2.128/25'), [])

  // Kill BIRD: peer down, then the three routes it still had are withdrawn.
  const mark2 = fx.records.length
  await bird.daemon.stop('SIGKILL')
  await fx.waitFor((r) => peerStates(r.slice(mark2)).length === 1 && netRoutes(r).size === 0, 10_000, 'peer down')
  assert.equal(peerStates(fx.records.slice(mark2))[0].new_state, 'Idle')
  assert.deepEqual(updates(fx.records.slice(mark2)).flatMap((u) => u.withdraw.flatMap((w) => w.prefixes)).sort(), ['198.51.100.0/24', '2001:db8:b::/48', '203.0.113.0/25'])
})
