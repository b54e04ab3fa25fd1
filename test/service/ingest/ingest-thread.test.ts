import { test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { MessageChannel } from 'node:worker_threads'
import type { MessagePort } from 'node:worker_threads'
import { frameBatchTexts as texts } from '../../helpers/frame-batch.ts'
import type { FrameBatch } from '../../../src/service/ingest/frame-batch.ts'
import { IngestThread } from '../../../src/service/ingest/ingest-thread.ts'
import { runIngestWorker } from '../../../src/service/ingest/ingest-worker.ts'
import { ACK_EVERY, MAX_UNACKED } from '../../../src/service/ingest/messages.ts'
import type { FromIngest, IngestWorkerData } from '../../../src/service/ingest/messages.ts'
import { resolveConfig } from '../../../src/sources/bgp/collector-config.ts'
import { TestPeer, announceUpdate, defaultCapabilities } from '../../helpers/routers/test-peer.ts'

function workerData (associations: Array<[string, string[]]>, listen = '127.0.0.1:0'): IngestWorkerData {
  return {
    collector: resolveConfig({ listen: [listen], routerId: '10.255.255.1', localAs: 65000 }),
    listenBmp: undefined,
    associations,
    logLevel: 'silent',
    logBase: {}
  }
}

/** Each key's frames, parsed, in arrival order. */
function framesOf (batches: FrameBatch[]): Array<[string, Record<string, unknown>]> {
  return batches.flatMap((b) => texts(b).map(([keyId, text]): [string, Record<string, unknown>] => [keyId, JSON.parse(text)]))
}

async function until (what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!ok()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/**
 * The worker's side run in this thread over a MessageChannel (the test is the main thread), key
 * `k` on 10.0.0.0/8, and one BGP peer established to it: 127.0.0.N, AS 645N.
 */
async function workerWithPeer (t: TestContext, n: number): Promise<{ got: FromIngest[], port: MessagePort, peer: TestPeer }> {
  const { port1, port2 } = new MessageChannel()
  const got: FromIngest[] = []
  port2.on('message', (m: FromIngest) => { got.push(m) })
  // Resolves once the sources listen; the worker then runs until told to stop.
  await runIngestWorker(port1 as MessagePort, workerData([['k', ['10.0.0.0/8']]]))
  const stopped = (): boolean => got.some((m) => m.type === 'stopped')
  t.after(async () => {
    // Whatever happened, the worker's sources stop, or they would keep the test process alive.
    if (!stopped()) {
      port2.postMessage({ type: 'ack', batches: 1000 })
      port2.postMessage({ type: 'stop' })
      await until('the worker stopped', stopped).catch(() => {})
    }
    port2.close()
  })
  await until('started', () => got.some((m) => m.type === 'started'))
  const started = got.find((m) => m.type === 'started')
  assert.ok(started?.type === 'started')
  const asn = 64500 + n
  const peer = await TestPeer.establish({ host: '127.0.0.1', port: started.bgp[0].port, localAddress: `127.0.0.${n}`, asn, bgpId: `10.0.0.${n}`, capabilities: defaultCapabilities(asn, false) })
  t.after(() => { peer.destroy() })
  return { got, port: port2 as MessagePort, peer }
}

test('the ingest thread: a router\'s UPDATEs become the keys\' frames in the main thread, prefix changes apply, stop hands over the last frames', async (t) => {
  const batches: FrameBatch[] = []
  const counted: Record<string, number> = {}
  let timed = 0
  const thread = new IngestThread({
    data: workerData([['k', ['10.0.0.0/8']]]),
    onFrames: (b) => { batches.push(b) },
    onRecords: (c) => {
      for (const source in c.sources) counted[source] = (counted[source] ?? 0) + c.sources[source]
      timed += c.matchSeconds.length
    },
    onFailure: (err) => { assert.fail(err) }
  })
  await thread.ready
  t.after(async () => { await thread.stop() })
  assert.equal(thread.bgp.length, 1)
  const peer = await TestPeer.establish({ host: '127.0.0.1', port: thread.bgp[0].port, localAddress: '127.0.0.31', asn: 64531, bgpId: '10.0.0.31', capabilities: defaultCapabilities(64531, false) })
  peer.send(announceUpdate({ prefixes: ['10.1.0.0/16', '192.0.2.0/24'], nextHop: '127.0.0.31', asPath: [64531, 64500] }))
  await until('the first frame', () => framesOf(batches).some(([, f]) => f.prefixes !== undefined))
  const first = framesOf(batches).filter(([, f]) => f.prefixes !== undefined)
  assert.deepEqual(first.map(([k, f]) => [k, f.prefixes, f['as-path']]), [['k', '10.1.0.0/16', '64531 64500']])

  // A change of the key's prefixes reaches the thread's matcher before the next UPDATE.
  thread.setKeyPrefixes('k', ['192.0.2.0/24'])
  thread.setKeyPrefixes('other', ['198.51.100.0/24'])
  await new Promise((resolve) => setTimeout(resolve, 50))
  peer.send(announceUpdate({ prefixes: ['10.2.0.0/16', '192.0.2.0/24', '198.51.100.0/24'], nextHop: '127.0.0.31', asPath: [64531] }))
  await until('the second frame', () => framesOf(batches).filter(([, f]) => f.prefixes !== undefined).length >= 3)
  assert.deepEqual(framesOf(batches).filter(([, f]) => f.prefixes !== undefined).slice(1).map(([k, f]) => [k, f.prefixes]).sort(),
    [['k', '192.0.2.0/24'], ['other', '198.51.100.0/24']])

  // Stop: the session is closed, and its peer-down frame is handed over before stop resolves.
  peer.send(announceUpdate({ prefixes: ['192.0.2.0/24'], nextHop: '127.0.0.31', asPath: [64531, 1] }))
  const records = await thread.stop()
  peer.destroy()
  assert.ok(records >= 4, `${records} records`)
  assert.deepEqual(counted, { 'bgp-collector': records }, 'every record matched counted once, by the time stop resolves')
  assert.equal(timed, records, 'and timed once')
  // The last UPDATE, then the session's end: the peer down, and the withdrawal of the route it had.
  const last = framesOf(batches).filter(([k]) => k === 'k').slice(-3).map(([, f]) => f.record_type === 'peer_state' ? `P ${f.state as string}` : f.prefixes !== undefined ? `A ${f.prefixes as string} ${f['as-path'] as string}` : `W ${f.withdrawn as string}`)
  assert.deepEqual(last, ['A 192.0.2.0/24 64531 1', 'P down', 'W 192.0.2.0/24'])
  assert.equal(thread.stats.queueLength, 0)
})

test('the ingest thread refuses to start when its sources cannot listen, with the reason', async (t) => {
  const taken = createServer()
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  t.after(() => { taken.close() })
  const port = (taken.address() as { port: number }).port
  const thread = new IngestThread({ data: workerData([], `127.0.0.1:${port}`), onFrames: () => {}, onRecords: () => {}, onFailure: () => {} })
  await assert.rejects(thread.ready, /EADDRINUSE|in use/)
  assert.equal(await thread.stop(), 0)
})

test('the ingest worker waits when the main thread has not acknowledged its batches, and goes on when it does', async (t) => {
  const { got, port: port2, peer } = await workerWithPeer(t, 32)
  const batches = (): Array<FromIngest & { type: 'frames' }> => got.filter((m): m is FromIngest & { type: 'frames' } => m.type === 'frames')
  const announced = (): string[] => batches().flatMap((b) => texts(b.frames).map(([, text]) => JSON.parse(text).prefixes as string | undefined)).filter((p) => p !== undefined)
  const frames = (): number => announced().length
  // One UPDATE a turn of the worker's bus: each makes a batch, none is acknowledged.
  const sent = MAX_UNACKED + 20
  for (let i = 0; i < sent; i++) {
    peer.send(announceUpdate({ prefixes: [`10.${i}.0.0/16`], nextHop: '127.0.0.32', asPath: [64532] }))
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  await new Promise((resolve) => setTimeout(resolve, 300))
  assert.equal(batches().length, MAX_UNACKED, 'no batch past the bound while none is acknowledged')
  assert.ok(frames() < sent)
  // Acknowledged: the rest follows, nothing lost, in order.
  port2.postMessage({ type: 'ack', batches: ACK_EVERY })
  port2.postMessage({ type: 'ack', batches: MAX_UNACKED - ACK_EVERY })
  await until('every frame', () => frames() === sent)
  assert.deepEqual(announced(), Array.from({ length: sent }, (_, i) => `10.${i}.0.0/16`))
  port2.postMessage({ type: 'ack', batches: 1000 })
  port2.postMessage({ type: 'stop' })
  await until('stopped', () => got.some((m) => m.type === 'stopped'))
})

test('the ingest worker sends nothing for records that concern no key; their counts go with the sources\' counters', async (t) => {
  const { got, peer } = await workerWithPeer(t, 33)
  const counted = (): number => got.reduce((n, m) => n + ((m.type === 'frames' || m.type === 'stats') && m.records !== undefined ? m.records.matchSeconds.length : 0), 0)
  // The peer up concerns every key: a batch.
  await until('the peer up', () => got.some((m) => m.type === 'frames'))
  const framesBefore = got.filter((m) => m.type === 'frames').length
  await until('the peer up counted', () => counted() === 1, 3000)
  // One UPDATE a turn, none for the key's prefix: no batch, yet every record is counted.
  for (let i = 0; i < 20; i++) {
    peer.send(announceUpdate({ prefixes: [`192.0.${i}.0/24`], nextHop: '127.0.0.33', asPath: [64533] }))
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  await until('the quiet records counted', () => counted() === 21, 3000)
  assert.equal(got.filter((m) => m.type === 'frames').length, framesBefore, 'no batch for records without frames')
  // The next record with a frame goes at once, alone.
  peer.send(announceUpdate({ prefixes: ['10.9.0.0/16'], nextHop: '127.0.0.33', asPath: [64533] }))
  await until('the frame', () => got.filter((m) => m.type === 'frames').length === framesBefore + 1)
  assert.equal(counted(), 22)
})
