// End to end over BMP: a real GoBGP exporting its Loc-RIB (RFC 9069) to serve's BMP station; a
// route put into GoBGP's RIB and taken out reaches the key's client as a bmp_update announcement
// then withdrawal, named after the router, and nothing outside the key's prefixes does.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { it } from 'node:test'
import { openClient } from '../gateway/gateway-fixture.ts'
import type { StreamClient } from '../gateway/gateway-fixture.ts'
import { freePort, makeRunDir, removeRunDir } from '../helpers/routers/harness.ts'
import { startGoBgpRouter } from '../sources/bmp/bmp-routers.ts'
import type { GoBgpRouter } from '../sources/bmp/bmp-routers.ts'
import { createKeyWithCli, startServe } from './serve-process.ts'
import type { ServeProcess } from './serve-process.ts'

it('streams a BMP router\'s routes: bmp_update frames for the key\'s prefixes', { timeout: 90_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bgpl-bmp-e2e-'))
  const runDir = makeRunDir('e2e-bmp')
  let serve: ServeProcess | undefined
  let router: GoBgpRouter | undefined
  let client: StreamClient | undefined
  try {
    const { key } = await createKeyWithCli(dataDir, '10.50.0.0/16')
    const bmpPort = await freePort()
    serve = await startServe(['--data-dir', dataDir, '--listen-http', '127.0.0.1:0', '--listen-bgp', 'none', '--listen-bmp', `127.0.0.1:${bmpPort}`])
    assert.match(serve.stdout(), new RegExp(`^BMP station\\s+127\\.0\\.0\\.1:${bmpPort}$`, 'm'))
    assert.doesNotMatch(serve.stdout(), /^BGP collector/m)
    client = openClient(`${serve.ws}?api_key=${key}`)
    await client.waitFor(() => client?.ws.readyState === client?.ws.OPEN, 'the stream open')
    router = await startGoBgpRouter(runDir, { name: 'gobgp-bmp-e2e', asn: 65001, routerId: '10.255.0.91', address: '127.0.40.91', neighbors: [], station: { port: bmpPort, policy: 'local-rib' } })
    // The route goes in once the router is connected (its Loc-RIB is sent on connect too, so either way it arrives).
    const deadline = Date.now() + 20_000
    while (!/bgpl_bmp_routers 1/.test(await (await fetch(`${serve.http}/metrics`)).text())) {
      assert.ok(Date.now() < deadline, 'the router never connected')
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await router.gobgp('global', 'rib', 'add', '-a', 'ipv4', '192.0.2.0/24', 'origin', 'igp', 'nexthop', '127.0.40.91')
    await router.gobgp('global', 'rib', 'add', '-a', 'ipv4', '10.50.1.0/24', 'origin', 'igp', 'aspath', '65050', 'nexthop', '127.0.40.91')
    await client.waitFor((f) => f.some((x) => x.prefixes === '10.50.1.0/24'), 'the announcement', 20_000)
    await router.gobgp('global', 'rib', 'del', '-a', 'ipv4', '10.50.1.0/24')
    await client.waitFor((f) => f.some((x) => x.withdrawn === '10.50.1.0/24'), 'the withdrawal', 20_000)
    const updates = client.frames.filter((f) => f.record_type === 'bmp_update')
    assert.deepEqual(updates.map((f) => 'prefixes' in f ? `A ${f.prefixes as string}` : `W ${f.withdrawn as string}`), ['A 10.50.1.0/24', 'W 10.50.1.0/24'])
    const announcement = updates[0]
    assert.equal(announcement.vp, '65001_127.0.0.1')
    assert.equal(announcement.bmp_view, 'loc-rib')
    assert.equal(typeof announcement.bmp_peer, 'string')
    assert.equal(announcement.nexthop, '127.0.40.91')
  } finally {
    client?.ws.terminate()
    await router?.stop()
    await serve?.stop()
    removeRunDir(runDir)
    rmSync(dataDir, { recursive: true, force: true })
  }
})
