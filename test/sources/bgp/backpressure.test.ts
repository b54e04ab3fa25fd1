// A consumer that does not read: the collector first stops reading the peer's socket (TCP
// backpressure), and only when the pause bound is hit reads again and drops records, counted.
// The Adj-RIB-In stays complete either way.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Collector } from '../../../src/sources/bgp/collector.ts'
import { resolveConfig } from '../../../src/sources/bgp/collector-config.ts'
import { encodeMessage } from '../../../src/codec/bgp/message.ts'
import { TestPeer, announceUpdate, defaultCapabilities } from '../../helpers/routers/test-peer.ts'

const N = 3000

async function setup (queue: Record<string, number>): Promise<{ collector: Collector, peer: TestPeer, sendAll: () => void }> {
  const collector = new Collector({ config: resolveConfig({ listen: ['127.0.0.1:0'], routerId: '10.255.255.3', localAs: 65000, queue }) })
  await collector.start()
  const peer = await TestPeer.establish({ host: '127.0.0.1', port: collector.listening()[0].port, localAddress: '127.0.40.1', asn: 65401, bgpId: '10.0.40.1', capabilities: defaultCapabilities(65401, false) })
  const sendAll = (): void => {
    // One write of all N UPDATEs (about 200 kB): more than one socket read.
    const parts: Uint8Array[] = []
    for (let i = 0; i < N; i++) parts.push(encodeMessage(announceUpdate({ prefixes: [`10.${i >> 8}.${i & 255}.0/24`], nextHop: '198.18.40.1', asPath: [65401, i + 1] }), peer.ctx))
    peer.sendRaw(Buffer.concat(parts))
  }
  return { collector, peer, sendAll }
}

async function sleep (ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms))
}

test('backpressure: the socket is paused above the high-water mark, nothing is dropped', async (t) => {
  const { collector, peer, sendAll } = await setup({ capacity: 10_000, highWaterMark: 100, lowWaterMark: 50, maxPauseMs: 0 })
  t.after(async () => { peer.destroy(); await collector.stop() })
  sendAll()
  await sleep(500)
  const held = collector.queue.length
  // Paused at the message that reached the mark: nothing handled past it.
  assert.equal(held, 100)
  assert.equal(collector.peerStatus()[0].updates, held - 1, 'the Established record and 99 UPDATEs')
  assert.equal(collector.peerStatus()[0].routes, 99)
  // Consume slowly: reading resumes each time the queue drains to its low-water mark.
  let got = 0
  const deadline = Date.now() + 10_000
  while (got < N + 1 && Date.now() < deadline) {
    if (collector.queue.shift() !== undefined) got++
    else await sleep(1)
    assert.ok(collector.queue.length <= 101, `bounded: ${collector.queue.length}`)
  }
  assert.equal(got, N + 1)
  assert.equal(collector.queue.stats.dropped, 0)
  assert.equal(collector.peerStatus()[0].routes, N)
})

test('drop: past the pause bound, reading resumes and records beyond the capacity are dropped and counted', async (t) => {
  const { collector, peer, sendAll } = await setup({ capacity: 200, highWaterMark: 100, lowWaterMark: 50, maxPauseMs: 100 })
  t.after(async () => { peer.destroy(); await collector.stop() })
  sendAll()
  const deadline = Date.now() + 10_000
  while (collector.peerStatus()[0].updates < N && Date.now() < deadline) await sleep(20)
  assert.equal(collector.peerStatus()[0].updates, N)
  assert.equal(collector.queue.length, 200)
  assert.equal(collector.queue.stats.dropped, N + 1 - 200)
  // The routes are all there even though their records were dropped; the session is up.
  assert.equal(collector.peerStatus()[0].routes, N)
  assert.equal(collector.routes('10.11.183.0/24')[0].attrs.as_path?.[0].asns[1], 3000)
  assert.equal(peer.closed, false)
})
