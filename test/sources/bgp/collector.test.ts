// The collector against our own test peer over loopback TCP: FSM, records, Adj-RIB-In reads,
// NOTIFICATIONs, the accept rule, Graceful Restart, hold timer, collisions.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { NotificationMessage } from '../../../src/codec/bgp/types.ts'
import { TestPeer, announceUpdate, defaultCapabilities, endOfRibUpdate, withdrawUpdate } from '../../helpers/routers/test-peer.ts'
import { peerStates, stable, startCollector, updates } from '../../helpers/routers/collector-fixture.ts'

test('announcements, withdrawals, End-of-RIB, routes() and peer down from a test peer', async (t) => {
  const fx = await startCollector()
  const peers: TestPeer[] = []
  t.after(async () => { for (const p of peers) p.destroy(); await fx.stop() })
  const peer = await TestPeer.establish({ host: '127.0.0.1', port: fx.port, localAddress: '127.0.0.21', asn: 4200000021, bgpId: '10.0.0.21' })
  peers.push(peer)
  peer.send(announceUpdate({ prefixes: ['192.0.2.0/24', '198.51.100.0/24'], pathIds: [1, 1], nextHop: '198.18.0.21', asPath: [4200000021, 65010], med: 7, communities: [[65021, 1]], largeCommunities: [[4200000021, 1, 2]] }))
  peer.send(announceUpdate({ prefixes: ['192.0.2.0/24'], pathIds: [2], nextHop: '198.18.0.22', asPath: [4200000021, 65011] }))
  peer.send(announceUpdate({ prefixes: ['2001:db8:21::/48'], pathIds: [5], nextHop: '2001:db8::21', asPath: [4200000021] }))
  peer.send(endOfRibUpdate())
  peer.send(endOfRibUpdate(2, 1))
  peer.send(withdrawUpdate(['198.51.100.0/24'], [1]))
  await fx.waitFor((r) => updates(r).length >= 6, 5000, '6 updates')
  // No Graceful Restart from this peer: the collector sent no UPDATE at all.
  assert.deepEqual(peer.received.filter((m) => m.type === 'update'), [])
  const vp = { ip: '127.0.0.21', asn: 4200000021 }
  assert.deepEqual(peerStates(fx.records).map(stable), [{ type: 'peer_state', source: 'bgp-collector', vp, old_state: 'OpenConfirm', new_state: 'Established' }])
  assert.deepEqual(updates(fx.records).map(stable), [
    { type: 'update', source: 'bgp-collector', vp, announce: [{ next_hop: '198.18.0.21', prefixes: ['192.0.2.0/24', '198.51.100.0/24'], path_ids: [1, 1] }], withdraw: [], attrs: { origin: 'IGP', as_path: [{ type: 'AS_SEQUENCE', asns: [4200000021, 65010] }], med: 7, communities: ['65021:1'], large_communities: ['4200000021:1:2'] } },
    { type: 'update', source: 'bgp-collector', vp, announce: [{ next_hop: '198.18.0.22', prefixes: ['192.0.2.0/24'], path_ids: [2] }], withdraw: [], attrs: { origin: 'IGP', as_path: [{ type: 'AS_SEQUENCE', asns: [4200000021, 65011] }] } },
    { type: 'update', source: 'bgp-collector', vp, announce: [{ next_hop: '2001:db8::21', prefixes: ['2001:db8:21::/48'], path_ids: [5] }], withdraw: [], attrs: { origin: 'IGP', as_path: [{ type: 'AS_SEQUENCE', asns: [4200000021] }] } },
    { type: 'update', source: 'bgp-collector', vp, announce: [], withdraw: [], attrs: {}, eor: 'ipv4-unicast' },
    { type: 'update', source: 'bgp-collector', vp, announce: [], withdraw: [], attrs: {}, eor: 'ipv6-unicast' },
    { type: 'update', source: 'bgp-collector', vp, announce: [], withdraw: [{ prefixes: ['198.51.100.0/24'], path_ids: [1] }], attrs: {} }
  ])
  // The Adj-RIB-In: two paths for 192.0.2.0/24, none left for 198.51.100.0/24.
  const routes = fx.collector.routes('192.0.2.0/24')
  assert.deepEqual(routes.map((r) => [r.path_id, r.next_hop, r.attrs.as_path?.[0].asns, r.stale]), [[1, '198.18.0.21', [4200000021, 65010], false], [2, '198.18.0.22', [4200000021, 65011], false]])
  assert.deepEqual(fx.collector.routes('198.51.100.0/24'), [])
  assert.equal(fx.collector.routes('2001:db8:21::1/48')[0].next_hop, '2001:db8::21')

  // The peer disappears without NOTIFICATION (no Graceful Restart): peer down, then withdrawals.
  const before = fx.records.length
  peer.destroy()
  await fx.waitFor((r) => r.length >= before + 2, 5000, 'peer down')
  const after = fx.records.slice(before).map(stable)
  assert.deepEqual(after[0], { type: 'peer_state', source: 'bgp-collector', vp, old_state: 'Established', new_state: 'Idle' })
  const withdrawn = after.slice(1).flatMap((r) => (r as { withdraw: Array<{ prefixes: string[], path_ids?: number[] }> }).withdraw)
  assert.deepEqual(withdrawn.flatMap((w) => w.prefixes.map((p, i) => `${p}#${w.path_ids?.[i]}`)).sort(), ['192.0.2.0/24#1', '192.0.2.0/24#2', '2001:db8:21::/48#5'])
  assert.deepEqual(fx.collector.routes('192.0.2.0/24'), [])
})

test('a TCP client sending garbage gets a NOTIFICATION, and an Established session does not notice', async (t) => {
  const fx = await startCollector()
  const peers: TestPeer[] = []
  t.after(async () => { for (const p of peers) p.destroy(); await fx.stop() })
  const good = await TestPeer.establish({ host: '127.0.0.1', port: fx.port, localAddress: '127.0.0.22', asn: 65022, bgpId: '10.0.0.22', capabilities: defaultCapabilities(65022, false) })
  peers.push(good)
  const bad = await TestPeer.tcp({ host: '127.0.0.1', port: fx.port, localAddress: '127.0.0.23' })
  peers.push(bad)
  bad.sendRaw(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))
  const n = await bad.waitFor((m) => m.type === 'notification') as NotificationMessage
  // RFC 4271 §6.1: the marker is not all ones: Message Header Error / Connection Not Synchronized.
  assert.deepEqual([n.code, n.subcode], [1, 1])
  await bad.waitClosed()
  good.send(announceUpdate({ prefixes: ['203.0.113.0/24'], nextHop: '198.18.0.22', asPath: [65022] }))
  await fx.waitFor((r) => updates(r, '127.0.0.22').length === 1)
  assert.equal(good.closed, false)
  assert.deepEqual(peerStates(fx.records).map((r) => [r.vp.ip, r.new_state]), [['127.0.0.22', 'Established']])
})

test('an address outside the accept rule gets Cease / Connection Rejected (RFC 4486)', async (t) => {
  const fx = await startCollector({ accept: ['127.0.0.0/30'] })
  const peers: TestPeer[] = []
  t.after(async () => { for (const p of peers) p.destroy(); await fx.stop() })
  const stranger = await TestPeer.tcp({ host: '127.0.0.1', port: fx.port, localAddress: '127.0.0.24' })
  peers.push(stranger)
  const n = await stranger.waitFor((m) => m.type === 'notification') as NotificationMessage
  assert.deepEqual([n.code, n.subcode], [6, 5])
  await stranger.waitClosed()
  assert.equal(fx.collector.rejected, 1)
  assert.deepEqual(fx.collector.peerStatus(), [])
})

test('a configured peer with the wrong AS gets OPEN Message Error / Bad Peer AS', async (t) => {
  const fx = await startCollector({ accept: [], peers: [{ address: '127.0.0.25', remoteAs: 65025 }] })
  const peers: TestPeer[] = []
  t.after(async () => { for (const p of peers) p.destroy(); await fx.stop() })
  await assert.rejects(TestPeer.establish({ host: '127.0.0.1', port: fx.port, localAddress: '127.0.0.25', asn: 65026, bgpId: '10.0.0.25' }))
  const ok = await TestPeer.establish({ host: '127.0.0.1', port: fx.port, localAddress: '127.0.0.25', asn: 65025, bgpId: '10.0.0.25' })
  peers.push(ok)
  assert.equal(fx.collector.peerStatus()[0].state, 'Established')
})

test('hold timer: a peer that stops sending gets Hold Timer Expired', async (t) => {
  const fx = await startCollector({ peerDefaults: { holdTime: 3 } })
  const peers: TestPeer[] = []
  t.after(async () => { for (const p of peers) p.destroy(); await fx.stop() })
  const peer = await TestPeer.establish({ host: '127.0.0.1', port: fx.port, localAddress: '127.0.0.26', asn: 65026, bgpId: '10.0.0.26', holdTime: 3, keepalives: false })
  peers.push(peer)
  const start = Date.now()
  const n = await peer.waitFor((m) => m.type === 'notification', 6000) as NotificationMessage
  assert.deepEqual([n.code, n.subcode], [4, 0])
  assert.ok(Date.now() - start >= 2500, 'not before the hold time')
  // The collector sent KEEPALIVEs every hold time / 3 meanwhile.
  assert.ok(peer.received.filter((m) => m.type === 'keepalive').length >= 2)
  await fx.waitFor((r) => peerStates(r).some((s) => s.new_state === 'Idle'))
})

test('hold time 0: no KEEPALIVEs and no hold timer', async (t) => {
  const fx = await startCollector({ peerDefaults: { holdTime: 0 } })
  const peers: TestPeer[] = []
  t.after(async () => { for (const p of peers) p.destroy(); await fx.stop() })
  const peer = await TestPeer.establish({ host: '127.0.0.1', port: fx.port, localAddress: '127.0.0.27', asn: 65027, bgpId: '10.0.0.27', holdTime: 0 })
  peers.push(peer)
  assert.equal(peer.remoteOpen?.holdTime, 0)
  await new Promise((resolve) => setTimeout(resolve, 1500))
  assert.equal(peer.received.filter((m) => m.type === 'keepalive').length, 1, 'only the one that confirms the OPEN')
  assert.equal(peer.closed, false)
})

test('Graceful Restart: routes kept stale, refreshed ones kept, the rest swept at End-of-RIB', async (t) => {
  const fx = await startCollector()
  const peers: TestPeer[] = []
  t.after(async () => { for (const p of peers) p.destroy(); await fx.stop() })
  const caps = [...defaultCapabilities(65028, false), { kind: 'graceful-restart' as const, flags: 0, restartTime: 30, families: [{ afi: 1, safi: 1, flags: 0x80 }] }]
  const opts = { host: '127.0.0.1', port: fx.port, localAddress: '127.0.0.28', asn: 65028, bgpId: '10.0.0.28', capabilities: caps }
  const first = await TestPeer.establish(opts)
  peers.push(first)
  // RFC 4724 §4.1: with Graceful Restart negotiated the collector sends End-of-RIB for each family.
  await first.waitFor((m) => m.type === 'update' && m.attributes.length === 1 && m.attributes[0].kind === 'mp-unreach' && m.attributes[0].afi === 2)
  assert.equal(first.received.filter((m) => m.type === 'update').length, 2)
  first.send(announceUpdate({ prefixes: ['192.0.2.0/24', '198.51.100.0/24'], nextHop: '198.18.0.28', asPath: [65028] }))
  first.send(announceUpdate({ prefixes: ['2001:db8:28::/48'], nextHop: '2001:db8::28', asPath: [65028] }))
  await fx.waitFor((r) => updates(r).length === 2)
  first.destroy()
  // IPv6 unicast is not preserved by the peer: withdrawn at once; IPv4 kept stale.
  await fx.waitFor((r) => updates(r).length === 3 && peerStates(r).length === 2)
  assert.deepEqual(updates(fx.records)[2].withdraw, [{ prefixes: ['2001:db8:28::/48'] }])
  assert.deepEqual(fx.collector.routes('192.0.2.0/24').map((r) => r.stale), [true])

  const second = await TestPeer.establish(opts)
  peers.push(second)
  second.send(announceUpdate({ prefixes: ['192.0.2.0/24'], nextHop: '198.18.0.28', asPath: [65028, 65029] }))
  await fx.waitFor((r) => updates(r).length === 4)
  assert.deepEqual(fx.collector.routes('192.0.2.0/24').map((r) => [r.stale, r.attrs.as_path?.[0].asns]), [[false, [65028, 65029]]])
  assert.deepEqual(fx.collector.routes('198.51.100.0/24').map((r) => r.stale), [true])
  second.send(endOfRibUpdate())
  await fx.waitFor((r) => updates(r).length === 6)
  const [eor, sweep] = updates(fx.records).slice(4)
  assert.equal(eor.eor, 'ipv4-unicast')
  assert.deepEqual(sweep.withdraw, [{ prefixes: ['198.51.100.0/24'] }])
  assert.deepEqual(fx.collector.routes('198.51.100.0/24'), [])
})

test('RFC 7606: a malformed COMMUNITIES makes a treat-as-withdraw record, the session stays up', async (t) => {
  const fx = await startCollector()
  const peers: TestPeer[] = []
  t.after(async () => { for (const p of peers) p.destroy(); await fx.stop() })
  const peer = await TestPeer.establish({ host: '127.0.0.1', port: fx.port, localAddress: '127.0.0.29', asn: 65029, bgpId: '10.0.0.29', capabilities: defaultCapabilities(65029, false) })
  peers.push(peer)
  const update = announceUpdate({ prefixes: ['192.0.2.0/24'], nextHop: '198.18.0.29', asPath: [65029], communities: [[1, 2]] })
  // COMMUNITIES of 3 octets (RFC 7606 §7.8: treat-as-withdraw).
  update.attributes[3] = { kind: 'unknown', code: 8, flags: 0xc0, value: Uint8Array.of(1, 2, 3) }
  peer.send(update)
  peer.send(announceUpdate({ prefixes: ['198.51.100.0/24'], nextHop: '198.18.0.29', asPath: [65029] }))
  await fx.waitFor((r) => updates(r).length === 2)
  const [bad, good] = updates(fx.records)
  assert.equal(bad.error?.action, 'treat-as-withdraw')
  assert.deepEqual(bad.withdraw, [{ prefixes: ['192.0.2.0/24'] }])
  assert.deepEqual(good.announce[0].prefixes, ['198.51.100.0/24'])
  assert.equal(peer.closed, false)
})

test('collision (RFC 4271 §6.8): a second connection while Established gets Cease / Connection Collision Resolution', async (t) => {
  const fx = await startCollector()
  const peers: TestPeer[] = []
  t.after(async () => { for (const p of peers) p.destroy(); await fx.stop() })
  const opts = { host: '127.0.0.1', port: fx.port, localAddress: '127.0.0.30', asn: 65030, bgpId: '10.0.0.30', capabilities: defaultCapabilities(65030, false) }
  const first = await TestPeer.establish(opts)
  peers.push(first)
  const second = await TestPeer.tcp(opts)
  peers.push(second)
  second.send({ type: 'open', version: 4, myAs: 65030, holdTime: 30, bgpId: '10.0.0.30', parameters: [{ kind: 'capabilities', capabilities: opts.capabilities }], extendedParameters: false })
  const n = await second.waitFor((m) => m.type === 'notification') as NotificationMessage
  assert.deepEqual([n.code, n.subcode], [6, 7])
  assert.equal(first.closed, false)
})
