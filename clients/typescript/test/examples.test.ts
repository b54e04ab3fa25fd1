// The two examples as processes against serve replaying a Route Views file (with origin
// changes): their lines are those an independent reading of the key's frames gives.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { after, before, describe, it } from 'node:test'
import type { Announcement, DataFrame, Withdrawal } from '../src/frames.ts'
import { JINX, JINX_PREFIXES, NODE, expectedFrames, startReplayServe, waitUntil } from './helpers/serve.ts'
import type { ReplayServe } from './helpers/serve.ts'

const run = promisify(execFile)
const EXAMPLES = join(import.meta.dirname, '../examples')
const PREFIXES = JINX_PREFIXES.join(',')

const time = (f: DataFrame): string => `${f.sec}.${String(f.Usec).padStart(6, '0')}`
const prefixesOf = (f: DataFrame): string[] => ('prefixes' in f ? f.prefixes : 'withdrawn' in f ? f.withdrawn : '').split(',').filter((p) => p !== '')

function expectedOriginChanges (frames: DataFrame[]): string[] {
  const lines: string[] = []
  const origin = new Map<string, string>()
  for (const f of frames) {
    for (const p of prefixesOf(f)) {
      const key = `${f.vp}|${p}`
      if ('withdrawn' in f) { origin.delete(key); continue }
      const now = ((f as Announcement)['as-path'] ?? '').split(' ').pop() as string
      const was = origin.get(key)
      if (was !== undefined && was !== now) lines.push(`${time(f)} ${p} origin AS${was} -> AS${now} seen by ${f.vp}`)
      origin.set(key, now)
    }
  }
  return lines
}

function expectedVisibility (frames: DataFrame[]): string[] {
  const lines: string[] = []
  const seen = new Map<string, Set<string>>()
  for (const f of frames) {
    for (const p of prefixesOf(f)) {
      const vps = seen.get(p) ?? new Set()
      seen.set(p, vps)
      const n = vps.size
      if ('withdrawn' in (f as Withdrawal)) vps.delete(f.vp)
      else vps.add(f.vp)
      if (vps.size !== n) lines.push(`${time(f)} ${p} visible from ${vps.size} vantage point${vps.size === 1 ? '' : 's'}`)
    }
  }
  return lines
}

describe('the examples against serve', { timeout: 90_000 }, () => {
  let server: ReplayServe & { keys: string[] }
  let frames: DataFrame[]
  before(async () => {
    frames = (await expectedFrames(JINX, JINX_PREFIXES)).map((f) => JSON.parse(f) as DataFrame)
    server = await startReplayServe([PREFIXES, PREFIXES], JINX)
    await waitUntil(() => server.serve.stderr().includes('"msg":"replay done"'), 'the replay', 20_000)
  })
  after(async () => { await server?.stop() })

  const runExample = async (name: string, key: string): Promise<string[]> => {
    const env = { ...process.env, BGP_API_KEY: key, BGPL_API_URL: server.serve.http, BGPL_WS_URL: server.serve.ws }
    const { stdout, stderr } = await run(NODE, [join(EXAMPLES, name), '--since', '0', '--count', String(frames.length)], { env, timeout: 30_000 })
    assert.equal(stderr, '')
    return stdout.split('\n').filter((l) => l !== '')
  }

  it('origin-monitor prints each origin change of a vantage point\'s route', async () => {
    const expected = expectedOriginChanges(frames)
    assert.ok(expected.length > 0)
    assert.deepEqual(await runExample('origin-monitor.ts', server.keys[0] as string), expected)
  })

  it('visibility-monitor prints each change of the count of vantage points seeing a prefix', async () => {
    const expected = expectedVisibility(frames)
    assert.ok(expected.length > 0)
    assert.deepEqual(await runExample('visibility-monitor.ts', server.keys[1] as string), expected)
  })
})
