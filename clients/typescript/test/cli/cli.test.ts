// bgproutes-live-client as a process against serve: status, set-prefixes (and a refused list),
// stream in text and json form piped (clean output: the lines only, nothing on stderr), the key
// and URLs from the environment, bad command lines.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { after, before, describe, it } from 'node:test'
import { formatText } from '../../src/format-text.ts'
import type { DataFrame } from '../../src/frames.ts'
import { RRC06, RRC06_PREFIXES, expectedFrames, startReplayServe, waitUntil } from '../helpers/serve.ts'
import type { ReplayServe } from '../helpers/serve.ts'

const BIN = join(import.meta.dirname, '../../bin/bgproutes-live-client')
const RRC = RRC06_PREFIXES.join(',')

interface Result { code: number, stdout: string, stderr: string }

async function cli (args: string[], env: Record<string, string> = {}): Promise<Result> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(BGP_API_KEY|BGPL_)/.test(k)))
  return await promisify(execFile)(BIN, args, { env: { ...clean, ...env }, timeout: 30_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code: number, stdout: string, stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }))
}

describe('bgproutes-live-client', { timeout: 90_000 }, () => {
  let server: ReplayServe & { keys: string[] }
  let frames: DataFrame[]
  let urls: string[]
  before(async () => {
    frames = (await expectedFrames(RRC06, RRC06_PREFIXES)).map((f) => JSON.parse(f) as DataFrame)
    server = await startReplayServe([RRC, RRC, ''])
    urls = ['--api-url', server.serve.http, '--ws-url', server.serve.ws]
    await waitUntil(() => server.serve.stderr().includes('"msg":"replay done"'), 'the replay', 20_000)
  })
  after(async () => { await server?.stop() })

  it('stream --format text prints the BGProutes.io lines, and nothing else when piped', async () => {
    const lines = frames.map(formatText).filter((l) => l !== undefined)
    const r = await cli(['stream', '--api-key', server.keys[0] as string, ...urls, '--since', '0', '--count', String(lines.length)])
    assert.equal(r.stderr, '')
    assert.equal(r.code, 0)
    assert.equal(r.stdout, lines.join('\n') + '\n')
  })

  it('stream --format json prints one frame per line; key and URLs from the environment', async () => {
    const env = { BGP_API_KEY: server.keys[1] as string, BGPL_API_URL: server.serve.http, BGPL_WS_URL: server.serve.ws }
    const r = await cli(['stream', '--prefixes', RRC, '--format', 'json', '--since', '0', '--count', '10'], env)
    assert.equal(r.stderr, '')
    assert.equal(r.code, 0)
    const got = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as DataFrame)
    // serve numbers from its start time in µs: base + 1 .. base + 10
    const first = got[0].seq
    assert.ok(first > 1_000_000_000_000_000, `seq ${first}`)
    assert.deepEqual(got.map((f) => f.seq), Array.from({ length: 10 }, (_v, i) => first + i))
    assert.deepEqual(got.map(({ seq: _s, ...rest }) => rest), frames.slice(0, 10))
  })

  it('set-prefixes and status print the key\'s state as JSON; a refused list exits 1 with its code', async () => {
    const key = server.keys[2] as string
    const set = await cli(['set-prefixes', '192.0.2.0/24,2001:DB8::/32', '--api-key', key, ...urls])
    assert.equal(set.code, 0, set.stderr)
    assert.deepEqual(JSON.parse(set.stdout).prefixes, ['192.0.2.0/24', '2001:db8::/32'])
    const status = await cli(['status', '--api-key', key, ...urls])
    assert.equal(status.code, 0, status.stderr)
    assert.deepEqual(JSON.parse(status.stdout).prefixes, ['192.0.2.0/24', '2001:db8::/32'])
    const refused = await cli(['set-prefixes', '192.0.2.1/24', '--api-key', key, ...urls])
    assert.equal(refused.code, 1)
    assert.equal(refused.stdout, '')
    assert.match(refused.stderr, /error PREFIX_HOST_BITS: 192\.0\.2\.1\/24 has host bits set; did you mean 192\.0\.2\.0\/24\?/)
    const unknown = await cli(['stream', '--api-key', 'bgpl_nope', ...urls])
    assert.equal(unknown.code, 1)
    assert.match(unknown.stderr, /error UNKNOWN_KEY/)
  })

  it('refuses a bad command line with exit code 2', async () => {
    for (const [args, message] of [
      [['status'], /no API key/],
      [['frobnicate', '--api-key', 'k'], /unknown command/],
      [['stream', '--api-key', 'k', '--format', 'xml'], /--format must be text or json/],
      [['stream', '--api-key', 'k', '--since', '-1'], /--since/],
      [['set-prefixes', '--api-key', 'k'], /needs the prefix list/]
    ] as const) {
      const r = await cli([...args])
      assert.equal(r.code, 2, args.join(' '))
      assert.match(r.stderr, message)
    }
    const help = await cli(['--help'])
    assert.equal(help.code, 0)
    assert.match(help.stdout, /bgproutes-live-client stream/)
  })
})
