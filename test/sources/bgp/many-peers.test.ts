// 50 peers at once (test peers written with our codec, on 127.0.20.1-50), each announcing its own
// prefix; then half of them vanish and only their routes go.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { TestPeer, announceUpdate, defaultCapabilities, endOfRibUpdate } from '../../helpers/routers/test-peer.ts'
import { peerStates, startCollector, updates } from '../../helpers/routers/collector-fixture.ts'

const N = 50

test('50 peers establish at once, announce, and half of them go down', async (t) => {
  const fx = await startCollector()
  const peers: TestPeer[] = []
  t.after(async () => { for (const p of peers) p.destroy(); await fx.stop() })
  const established = await Promise.all(Array.from({ length: N }, async (_, i) => {
    const asn = 64600 + i
    return await TestPeer.establish({ host: '127.0.0.1', port: fx.port, localAddress: `127.0.20.${i + 1}`, asn, bgpId: `10.20.0.${i + 1}`, capabilities: defaultCapabilities(asn, false) }, 10_000)
  }))
  peers.push(...established)
  for (const [i, p] of peers.entries()) {
    p.send(announceUpdate({ prefixes: [`10.${100 + i}.0.0/16`], nextHop: `198.18.1.${i + 1}`, asPath: [64600 + i], communities: [[64600 + i, 1]] }))
    p.send(endOfRibUpdate())
  }
  await fx.waitFor((r) => updates(r).length === 2 * N, 10_000, `${2 * N} updates`)
  assert.equal(peerStates(fx.records).filter((s) => s.new_state === 'Established').length, N)
  assert.equal(fx.collector.peerStatus().filter((s) => s.state === 'Established').length, N)
  for (let i = 0; i < N; i++) {
    const routes = fx.collector.routes(`10.${100 + i}.0.0/16`)
    assert.deepEqual(routes.map((r) => [r.vp.ip, r.vp.asn, r.next_hop, r.attrs.communities]), [[`127.0.20.${i + 1}`, 64600 + i, `198.18.1.${i + 1}`, [`${64600 + i}:1`]]])
  }
  // Odd-numbered peers vanish.
  const mark = fx.records.length
  for (let i = 1; i < N; i += 2) peers[i].destroy()
  await fx.waitFor((r) => r.length === mark + N, 10_000, 'peer down and withdrawal records')
  const downs = peerStates(fx.records.slice(mark))
  assert.deepEqual(downs.map((s) => s.vp.ip).sort(), Array.from({ length: N / 2 }, (_, k) => `127.0.20.${2 * k + 2}`).sort())
  for (let i = 0; i < N; i++) assert.equal(fx.collector.routes(`10.${100 + i}.0.0/16`).length, i % 2 === 0 ? 1 : 0)
  for (let i = 0; i < N; i += 2) assert.equal(peers[i].closed, false)
})
