// RFC 4271 §6.8 connection collision between the collector's own connection to an active peer and
// the peer's connection to the collector, both past OpenSent: the connection opened by the
// speaker with the higher BGP Identifier stays, the other gets Cease / Connection Collision
// Resolution (RFC 4486 subcode 7). The collector's identifier is 10.255.255.1.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import type { Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import type { NotificationMessage } from '../../../src/codec/bgp/types.ts'
import { TestPeer, defaultCapabilities } from '../../helpers/routers/test-peer.ts'
import { peerStates, startCollector } from '../../helpers/routers/collector-fixture.ts'

async function collide (peerId: string): Promise<{ outbound: TestPeer, inbound: TestPeer, states: string[] }> {
  const address = '127.0.50.1'
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, address, resolve))
  const port = (server.address() as AddressInfo).port
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve))
  const fx = await startCollector({ peers: [{ address, remoteAs: 65501, passive: false, port, localAddress: '127.0.0.1', connectRetryMinMs: 100 }] })
  const peers: TestPeer[] = []
  try {
    const options = { asn: 65501, bgpId: peerId, capabilities: defaultCapabilities(65501, false) }
    // 1. The collector connects to us and sends its OPEN; we hold ours back (it waits in OpenSent).
    const outbound = TestPeer.fromSocket(await accepted)
    peers.push(outbound)
    await outbound.waitFor((m) => m.type === 'open')
    // 2. We connect to the collector: OPENs exchanged, that connection reaches OpenConfirm.
    const inbound = await TestPeer.tcp({ host: '127.0.0.1', port: fx.port, localAddress: address })
    peers.push(inbound)
    inbound.sendOpen(options)
    await inbound.waitFor((m) => m.type === 'keepalive')
    // 3. Now our OPEN on the first connection: the collision is detected.
    outbound.sendOpen(options)
    const loser = await Promise.race([outbound.waitFor((m) => m.type === 'notification').then(() => outbound), inbound.waitFor((m) => m.type === 'notification').then(() => inbound)])
    const winner = loser === outbound ? inbound : outbound
    const n = loser.received.find((m) => m.type === 'notification') as NotificationMessage
    assert.deepEqual([n.code, n.subcode], [6, 7])
    // The survivor completes the session.
    winner.send({ type: 'keepalive' })
    await fx.waitFor((r) => peerStates(r).length === 1, 5000, 'Established')
    assert.equal(winner.received.some((m) => m.type === 'notification'), false)
    return { outbound, inbound, states: [loser === outbound ? 'outbound closed' : 'inbound closed'] }
  } finally {
    for (const p of peers) p.destroy()
    await fx.stop()
    server.close()
  }
}

test('the peer has the higher BGP Identifier: its connection (inbound to us) stays', async () => {
  const { states } = await collide('10.255.255.200')
  assert.deepEqual(states, ['outbound closed'])
})

test('the collector has the higher BGP Identifier: its connection stays', async () => {
  const { states } = await collide('10.0.0.1')
  assert.deepEqual(states, ['inbound closed'])
})
