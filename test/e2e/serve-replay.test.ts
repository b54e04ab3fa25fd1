// `serve --replay FILE --replay-speed max` as a child process: a key made with the CLI, a client
// resuming from 0 gets exactly the frames the matcher makes of the file, numbered base+1..base+n
// (base: serve's start in µs); after a restart a client resuming from the old run's seqs is told
// it missed frames and gets every frame of the new run; the listeners can be turned off;
// /healthz, /readyz and /metrics answer; bad settings exit 2.
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
import { NODE, createKeyWithCli, seqBaseWindow, serveCommand, startServe } from './serve-process.ts'
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
    const started = Date.now()
    serve = await startServe(['--config', config, '--data-dir', dataDir, '--replay', RRC06, '--replay-speed', 'max'])
    const base = seqBaseWindow(started)
    assert.equal(serve.ws, `ws://127.0.0.1:${wsPort}/`)
    assert.notEqual(new URL(serve.http).port, String(wsPort))
    assert.equal((await fetch(`http://127.0.0.1:${wsPort}/healthz`)).status, 426)
    const expected = await expectedFrames(RRC06, RRC06_PREFIXES)
    const client = openClient(`${serve.ws}?api_key=${key}&since=0`)
    await client.waitFor((f) => f.length >= expected.length, `${expected.length} frames`, 20_000)
    const first = client.frames[0].seq as number
    base.check(first - 1)
    assert.deepEqual(client.frames.map((f) => f.seq), expected.map((_e, i) => first + i))
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

it('after a restart, a resume from the old run\'s seqs gets a too_old gap frame, then every frame of the new run', { timeout: 90_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bgpl-restart-e2e-'))
  const args = ['--data-dir', dataDir, '--listen-http', '127.0.0.1:0', '--listen-bgp', 'none', '--listen-bmp', 'none', '--replay', RRC06, '--replay-speed', 'max']
  let serve: ServeProcess | undefined
  try {
    const { key } = await createKeyWithCli(dataDir, RRC06_PREFIXES.join(','))
    const expected = await expectedFrames(RRC06, RRC06_PREFIXES)
    const n = expected.length
    assert.ok(n >= 10, `${n} frames`)

    // First run: every frame, from the first.
    serve = await startServe(args)
    const one = openClient(`${serve.ws}?api_key=${key}&since=0`)
    await one.waitFor((f) => f.length >= n, `${n} frames`, 20_000)
    const oldSeqs = one.frames.map((f) => f.seq as number)
    one.ws.terminate()
    assert.equal(await serve.stop(), 0, serve.stderr())

    // Second run, same data dir and file: its seqs start above every seq of the first. A client of
    // the first run that had seen only half its frames resumes from there: it is told that frames
    // are gone, and then gets all the frames of the new run, none lost, none twice.
    const since = oldSeqs[Math.floor(n / 2)]
    const restarted = Date.now()
    serve = await startServe(args)
    const base = seqBaseWindow(restarted)
    const two = openClient(`${serve.ws}?api_key=${key}&since=${since}`)
    await two.waitFor((f) => f.length >= n + 1, `a gap frame and ${n} frames`, 20_000)
    const gap = two.frames[0]
    assert.equal(gap.record_type, 'gap')
    assert.equal(gap.reason, 'too_old')
    assert.equal(gap.since, since)
    const first = gap.first_seq as number
    assert.ok(first > (oldSeqs.at(-1) as number), `new seqs (${first}) above the old run's (${oldSeqs.at(-1)})`)
    base.check(first - 1)
    assert.ok((gap.last_seq as number) >= first - 1 && (gap.last_seq as number) <= first + n - 1, `last_seq ${gap.last_seq as number}`)
    const frames = two.frames.slice(1)
    assert.deepEqual(frames.map((f) => f.seq), expected.map((_e, i) => first + i))
    assert.deepEqual(frames.map(({ seq: _s, ...rest }) => JSON.stringify(rest)), expected)
    assert.equal(frames.filter((f) => f.record_type === 'gap').length, 0)
    const metrics = await (await fetch(`${serve.http}/metrics`)).text()
    assert.match(metrics, /^bgpl_ws_resume_gaps_total\{reason="too_old"\} 1$/m)
    two.ws.terminate()
    assert.equal(await serve.stop(), 0, serve.stderr())
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
