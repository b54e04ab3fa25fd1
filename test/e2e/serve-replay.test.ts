// `serve --replay FILE --replay-speed max` as a child process: a key made with the CLI, a client
// resuming from 0 gets exactly the frames the matcher makes of the file, numbered 1..n; the
// listeners can be turned off; /healthz, /readyz and /metrics answer; bad settings exit 2.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { it } from 'node:test'
import { openClient } from '../gateway/gateway-fixture.ts'
import { freePort } from '../helpers/routers/harness.ts'
import { RRC06, RRC06_PREFIXES, expectedFrames } from '../service/rrc06.ts'
import { NODE, createKeyWithCli, serveCommand, startServe } from './serve-process.ts'
import type { ServeProcess } from './serve-process.ts'

const run = promisify(execFile)

it('replays an MRT file through serve; a client resuming from 0 gets every frame of its prefixes', { timeout: 60_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bgpl-replay-e2e-'))
  let serve: ServeProcess | undefined
  try {
    const { key } = await createKeyWithCli(dataDir, RRC06_PREFIXES.join(','))
    const config = join(dataDir, 'serve.json')
    // The stream on its own port, as BGProutes.io has two hosts.
    const wsPort = await freePort()
    writeFileSync(config, JSON.stringify({ listenHttp: '127.0.0.1:0', listenWs: `127.0.0.1:${wsPort}`, listenBmp: 'none', collector: { listen: ['127.0.0.1:0'], name: 'e2e' } }))
    serve = await startServe(['--config', config, '--data-dir', dataDir, '--replay', RRC06, '--replay-speed', 'max'])
    assert.equal(serve.ws, `ws://127.0.0.1:${wsPort}/`)
    assert.notEqual(new URL(serve.http).port, String(wsPort))
    assert.equal((await fetch(`http://127.0.0.1:${wsPort}/healthz`)).status, 426)
    const expected = await expectedFrames(RRC06, RRC06_PREFIXES)
    const client = openClient(`${serve.ws}?api_key=${key}&since=0`)
    await client.waitFor((f) => f.length >= expected.length, `${expected.length} frames`, 20_000)
    assert.deepEqual(client.frames.map((f) => f.seq), expected.map((_e, i) => i + 1))
    assert.deepEqual(client.frames.map(({ seq: _s, ...rest }) => JSON.stringify(rest)), expected)

    assert.deepEqual(await (await fetch(`${serve.http}/healthz`)).json(), { status: 'ok' })
    const ready = await fetch(`${serve.http}/readyz`)
    assert.equal(ready.status, 200)
    const metrics = await (await fetch(`${serve.http}/metrics`)).text()
    assert.match(metrics, /^bgpl_records_total\{source="mrt:ris.rrc06.updates.1427846400.gz"\} 765$/m)
    assert.match(metrics, new RegExp(`^bgpl_frames_matched_total ${expected.length}$`, 'm'))
    assert.match(metrics, /^bgpl_match_seconds_count 765$/m)
    assert.match(metrics, /^bgpl_ws_sessions 1$/m)
    assert.match(serve.stderr(), /"msg":"replay done"/)
    client.ws.terminate()
    assert.equal(await serve.stop(), 0)
    assert.doesNotMatch(serve.stderr(), new RegExp(key))
  } finally {
    await serve?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
})

it('refuses bad settings with exit code 2 and a message naming the setting', async () => {
  const cases: Array<[string[], Record<string, string>, RegExp]> = [
    [['--listen-http', 'localhost:80'], {}, /not an IP address/],
    [['--idle-timeout', 'soon'], {}, /idle timeout: "soon" is not a duration/],
    [['--replay-speed', '0'], {}, /replay speed/],
    [[], { BGPL_LISTEN_BMP: '1.2.3.4' }, /bad listen address/],
    [['--log-level', 'loud'], {}, /log level must be one of/],
    [['stray.mrt'], {}, /MRT files go after --replay/]
  ]
  for (const [args, env, message] of cases) {
    const failure = await run(NODE, [...serveCommand(), ...args], { env: { ...process.env, ...env }, timeout: 20_000 }).then(() => null, (e: { code: number, stderr: string }) => e)
    assert.ok(failure !== null, `${args.join(' ')} started`)
    assert.equal(failure.code, 2)
    assert.match(failure.stderr, message)
  }
})
