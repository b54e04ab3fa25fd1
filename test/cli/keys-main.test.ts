// `bgproutes-live keys` as a person runs it: a child process through src/cli/main.ts.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))

interface Result { code: number, stdout: string, stderr: string }

function run (args: string[], env: Record<string, string>): Promise<Result> {
  return new Promise(resolve => {
    const childEnv: Record<string, string | undefined> = { ...process.env, ...env }
    delete childEnv.DATABASE_URL
    delete childEnv.BGPL_KEY_SECRET
    delete childEnv.BGPL_DATA_DIR
    Object.assign(childEnv, env)
    execFile(process.execPath, [MAIN, ...args], { env: childEnv, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1
      resolve({ code, stdout, stderr })
    })
  })
}

describe('bgproutes-live keys (child process)', () => {
  let dir: string
  before(() => { dir = mkdtempSync(join(tmpdir(), 'bgpl-main-')) })
  after(() => { rmSync(dir, { recursive: true, force: true }) })

  it('creates, lists and revokes a key in the embedded store', async () => {
    const dataDir = join(dir, 'data')
    const created = await run(['keys', 'create', '--data-dir', dataDir, '--prefixes', '192.0.2.0/24'], {})
    assert.equal(created.code, 0, created.stderr)
    const m = /^id {3}([0-9a-f]{12})\nkey {2}(bgpl_\S{43})\n$/.exec(created.stdout)
    assert.ok(m, created.stdout)
    const listed = await run(['keys', 'list', '--data-dir', dataDir], {})
    assert.equal(listed.code, 0, listed.stderr)
    assert.match(listed.stdout, new RegExp(`^${m[1]} .* active +10 +1 +192\\.0\\.2\\.0/24$`, 'm'))
    assert.ok(!listed.stdout.includes(m[2]))
    const revoked = await run(['keys', 'revoke', m[1], '--data-dir', dataDir], {})
    assert.deepEqual([revoked.code, revoked.stdout], [0, `revoked ${m[1]} (its 1 prefix dropped)\n`])
  })

  it('takes the data dir from BGPL_DATA_DIR and exits 2 on a usage error', async () => {
    const env = { BGPL_DATA_DIR: join(dir, 'other') }
    assert.equal((await run(['keys', 'create'], env)).code, 0)
    assert.equal((await run(['keys', 'list', '--json'], env)).stdout.startsWith('[{"id":'), true)
    const bad = await run(['keys', 'set-limit', '0123456789ab'], env)
    assert.equal(bad.code, 2)
    assert.match(bad.stderr, /give --max-prefixes N, --max-sessions N or both/)
  })
})
