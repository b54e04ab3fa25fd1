// `serve` with its ingest thread (the default) and without (BGPL_INGEST_THREAD=off): the same
// UPDATEs from a BGP peer reach the key's client, a prefix change made through the API applies to
// the next UPDATE, /metrics counts the records and shows the sources' queue, and a SIGTERM hands
// the peer-down frame to the client before the 1001 close, exit 0.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { it } from 'node:test'
import { openClient } from '../gateway/gateway-fixture.ts'
import type { StreamClient } from '../gateway/gateway-fixture.ts'
import { TestPeer, announceUpdate, defaultCapabilities } from '../helpers/routers/test-peer.ts'
import { createKeyWithCli, startServe } from './serve-process.ts'
import type { ServeProcess } from './serve-process.ts'

for (const thread of ['on', 'off']) {
  it(`serve with BGPL_INGEST_THREAD=${thread}: UPDATEs to the key's client, prefix changes at once, /metrics, the last frames at stop`, { timeout: 60_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), `bgpl-threads-${thread}-`))
    let serve: ServeProcess | undefined
    let client: StreamClient | undefined
    let peer: TestPeer | undefined
    try {
      const { key } = await createKeyWithCli(dataDir, '10.60.0.0/16')
      serve = await startServe(['--data-dir', dataDir, '--listen-http', '127.0.0.1:0', '--listen-bgp', '127.0.0.1:0', '--listen-bmp', 'none'], { BGPL_INGEST_THREAD: thread })
      const [host, port] = (serve.bgp as string).split(':')
      client = openClient(`${serve.ws}?api_key=${key}`)
      const c = client
      await c.waitFor(() => c.ws.readyState === c.ws.OPEN, 'the stream open')
      peer = await TestPeer.establish({ host, port: Number(port), localAddress: thread === 'on' ? '127.0.0.41' : '127.0.0.42', asn: 64541, bgpId: '10.0.0.41', capabilities: defaultCapabilities(64541, false) })
      peer.send(announceUpdate({ prefixes: ['10.60.1.0/24', '10.61.0.0/24'], nextHop: '127.0.0.41', asPath: [64541, 64500] }))
      await c.waitFor((f) => f.some((x) => x.prefixes !== undefined), 'the announcement')
      assert.deepEqual(c.frames.filter((f) => f.prefixes !== undefined).map((f) => f.prefixes), ['10.60.1.0/24'])

      // The key's prefixes changed through the API: the next UPDATE is matched with the new list.
      const changed = await fetch(`${serve.http}/update_live_prefixes?api_key=${key}&new_pfxs=10.61.0.0/24`)
      assert.equal(changed.status, 200)
      peer.send(announceUpdate({ prefixes: ['10.60.2.0/24', '10.61.0.0/24'], nextHop: '127.0.0.41', asPath: [64541] }))
      await c.waitFor((f) => f.filter((x) => x.prefixes !== undefined).length === 2, 'the second announcement')
      assert.equal(c.frames.filter((f) => f.prefixes !== undefined)[1].prefixes, '10.61.0.0/24')

      const metrics = await (await fetch(`${serve.http}/metrics`)).text()
      assert.match(metrics, /^bgpl_records_total\{source="[^"]+"\} [3-9]/m)
      assert.match(metrics, /^bgpl_frames_matched_total [2-9]/m)
      assert.match(metrics, /^bgpl_source_queue_length 0$/m)
      assert.match(metrics, /^bgpl_match_seconds_count [3-9]/m)

      // Stop: the BGP session is closed and its peer-down frame reaches the client before the close.
      const closed = new Promise<number>((resolve) => { c.ws.once('close', (code) => { resolve(code) }) })
      assert.equal(await serve.stop(), 0)
      assert.equal(await closed, 1001)
      assert.deepEqual(c.frames.filter((f) => f.record_type === 'peer_state').map((f) => f.state), ['up', 'down'])
      const seqs = c.frames.map((f) => f.seq as number)
      assert.deepEqual(seqs, seqs.map((_, i) => seqs[0] + i), 'seq follows on')
    } finally {
      peer?.destroy()
      client?.ws.terminate()
      await serve?.stop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
}
