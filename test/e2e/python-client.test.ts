// Runs test/e2e/python/test_public_client.py (pytest, Debian's python3-requests,
// python3-websocket, python3-pytest) against `serve` as a child process with a real GoBGP peering
// with it, so that `npm test` covers the public client's way of using the service.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { it } from 'node:test'
import { freePort, makeRunDir, removeRunDir } from '../helpers/routers/harness.ts'
import { startGoBgp } from '../helpers/routers/gobgp.ts'
import type { GoBgp } from '../helpers/routers/gobgp.ts'
import { openClient } from '../gateway/gateway-fixture.ts'
import type { StreamClient } from '../gateway/gateway-fixture.ts'
import { ROOT, createKeyWithCli, startServe } from './serve-process.ts'
import type { ServeProcess } from './serve-process.ts'

const PYTHON = process.env.BGPL_TEST_PYTHON ?? '/usr/bin/python3'
// Not serve-gobgp.test.ts's address: the two may run at once.
const GOBGP_IP = '127.0.40.7'

it('the public client\'s way: update_live_prefixes, then the websocket (pytest)', { timeout: 120_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bgpl-py-'))
  const runDir = makeRunDir('e2e-py')
  let serve: ServeProcess | undefined
  let gobgp: GoBgp | undefined
  let watcher: StreamClient | undefined
  try {
    const key = await createKeyWithCli(dataDir, '')
    const key2 = await createKeyWithCli(dataDir, '')
    // A key with prefixes, to see the GoBGP session come up before the Python tests run.
    const watch = await createKeyWithCli(dataDir, '203.0.113.0/24')
    const bgpPort = await freePort()
    serve = await startServe(['--data-dir', dataDir, '--listen-http', '127.0.0.1:0', '--listen-bgp', `127.0.0.1:${bgpPort}`, '--listen-bmp', 'none'])
    watcher = openClient(`${serve.ws}?api_key=${watch.key}`)
    gobgp = await startGoBgp(runDir, { collector: { host: '127.0.0.1', port: bgpPort }, localAddress: GOBGP_IP })
    await watcher.waitFor((f) => f.some((x) => x.record_type === 'peer_state' && x.state === 'up'), 'GoBGP up', 30_000)

    const env = { ...process.env, BGPL_HTTP: serve.http, BGPL_WS: serve.ws, BGPL_KEY: key.key, BGPL_KEY2: key2.key, GOBGP_API_PORT: String(gobgp.apiPort), GOBGP_IP, PYTHONDONTWRITEBYTECODE: '1' }
    const child = spawn(PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', join(ROOT, 'test/e2e/python/test_public_client.py')], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => { output += d })
    child.stderr.setEncoding('utf8').on('data', (d: string) => { output += d })
    const timer = setTimeout(() => { child.kill('SIGKILL') }, 90_000)
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    clearTimeout(timer)
    assert.equal(code, 0, output)
    assert.match(output, /5 passed/)
  } finally {
    watcher?.ws.terminate()
    await gobgp?.stop()
    await serve?.stop()
    removeRunDir(runDir)
    rmSync(dataDir, { recursive: true, force: true })
  }
})
