// `keys` run in-process with captured streams, against the embedded store and against PostgreSQL.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { runKeys } from '../../src/cli/commands/keys.ts'
import { openStore, storeLocation } from '../../src/store/open-store.ts'
import { createTestDatabase } from '../store/postgres-test-db.ts'
import type { TestDatabase } from '../store/postgres-test-db.ts'

interface Result { code: number, stdout: string, stderr: string }

function capture (): { stream: PassThrough, text: () => string } {
  const stream = new PassThrough()
  const chunks: Buffer[] = []
  stream.on('data', (c: Buffer) => chunks.push(c))
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') }
}

function cliSuite (name: string, setup: () => Promise<{ env: Record<string, string>, dataDir: string, dispose (): Promise<void> }>): void {
  describe(`keys CLI on ${name}`, () => {
    let env: Record<string, string>
    let dataDir: string
    let dispose: () => Promise<void>
    before(async () => { ({ env, dataDir, dispose } = await setup()) })
    after(async () => { await dispose() })

    const keys = async (...argv: string[]): Promise<Result> => {
      const out = capture()
      const err = capture()
      const code = await runKeys([...argv.slice(0, 1), '--data-dir', dataDir, ...argv.slice(1)], { stdout: out.stream, stderr: err.stream }, env)
      return { code, stdout: out.text(), stderr: err.text() }
    }

    let id: string
    let key: string

    it('creates a key and prints it once, with its id', async () => {
      const r = await keys('create', '--prefixes', '192.0.2.0/24, 2001:DB8::/32', '--max-prefixes', '5', '--label', 'noc east')
      assert.equal(r.code, 0, r.stderr)
      const m = /^id {3}([0-9a-f]{12})\nkey {2}(bgpl_[A-Za-z0-9_-]{43})\n$/.exec(r.stdout)
      assert.ok(m, r.stdout)
      id = m[1]
      key = m[2]
      assert.match(r.stderr, /shown only this once/)
    })

    it('lists keys with their limits and prefixes, never the key', async () => {
      const r = await keys('list')
      assert.equal(r.code, 0, r.stderr)
      const [header, row, ...more] = r.stdout.trimEnd().split('\n')
      assert.match(header, /^ID +CREATED +LAST USED +STATUS +MAX PFX +MAX SESS +PREFIXES +LABEL$/)
      assert.deepEqual(more, [])
      assert.match(row, new RegExp(`^${id} +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ +never +active +5 +1 +192\\.0\\.2\\.0/24,2001:db8::/32 +noc east$`))
      assert.ok(!r.stdout.includes(key.slice(5)))
      const json = JSON.parse((await keys('list', '--json')).stdout) as Array<Record<string, unknown>>
      assert.equal(json.length, 1)
      assert.equal(json[0].id, id)
      assert.deepEqual(json[0].prefixes, ['192.0.2.0/24', '2001:db8::/32'])
      assert.ok(!JSON.stringify(json).includes(key.slice(5)))
    })

    it('sets limits', async () => {
      const r = await keys('set-limit', id, '--max-sessions', '3')
      assert.equal(r.code, 0, r.stderr)
      assert.equal(r.stdout, `${id}: max prefixes 5, max sessions 3\n`)
      const low = await keys('set-limit', id, '--max-prefixes', '1')
      assert.equal(low.code, 1)
      assert.match(low.stderr, /2 prefixes given, but this key allows at most 1/)
      assert.equal((await keys('set-limit', id)).code, 2)
      assert.equal((await keys('set-limit', id, '--max-sessions', 'many')).code, 2)
      const bounds = await keys('set-limit', id, '--max-sessions', '0')
      assert.equal(bounds.code, 1)
      assert.match(bounds.stderr, /maxSessions must be a whole number from 1/)
    })

    it('sets and clears prefixes, with the same checks as the API', async () => {
      const r = await keys('set-prefixes', id, '198.51.100.0/24')
      assert.equal(r.stdout, `${id}: 198.51.100.0/24\n`)
      const bad = await keys('set-prefixes', id, '198.51.100.1/24')
      assert.equal(bad.code, 1)
      assert.match(bad.stderr, /198\.51\.100\.1\/24 has host bits set; did you mean 198\.51\.100\.0\/24\?/)
      assert.equal((await keys('set-prefixes', id, '')).stdout, `${id}: no prefixes\n`)
    })

    it('refuses bad prefixes at creation and creates nothing', async () => {
      const r = await keys('create', '--prefixes', '0.0.0.0/0')
      assert.equal(r.code, 1)
      assert.match(r.stderr, /shorter than \/8/)
      assert.equal(r.stdout, '')
    })

    it('revokes by id, and by the key itself; says so when done already', async () => {
      const other = /key {2}(\S+)/.exec((await keys('create')).stdout)?.[1] as string
      const revoked = await keys('revoke', other)
      assert.equal(revoked.code, 0, revoked.stderr)
      assert.match(revoked.stdout, /^revoked [0-9a-f]{12}\n$/)
      assert.ok(!revoked.stdout.includes(other))
      const r = await keys('revoke', id)
      assert.equal(r.stdout, `revoked ${id}\n`)
      assert.match((await keys('revoke', id)).stdout, new RegExp(`^${id} was already revoked at `))
      assert.match((await keys('list')).stdout, new RegExp(`^${id} .* revoked `, 'm'))
    })

    it('answers an unknown id with exit 1 and a hint, a malformed one with usage', async () => {
      const r = await keys('revoke', '000000000000')
      assert.equal(r.code, 1)
      assert.match(r.stderr, /no key with id 000000000000; 'bgproutes-live keys list' shows them/)
      assert.equal((await keys('revoke', 'xyz')).code, 2)
      assert.equal((await keys('revoke')).code, 2)
      assert.equal((await keys('frobnicate')).code, 2)
      assert.equal((await keys('list', '--max-prefixes', '3')).code, 2)
    })
  })
}

cliSuite('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bgpl-cli-'))
  return { env: {}, dataDir: join(dir, 'data'), dispose: async () => { rmSync(dir, { recursive: true, force: true }) } }
})

let pgDb: TestDatabase
cliSuite('PostgreSQL', async () => {
  pgDb = await createTestDatabase()
  const dir = mkdtempSync(join(tmpdir(), 'bgpl-cli-pg-'))
  return {
    env: { DATABASE_URL: pgDb.url, BGPL_KEY_SECRET: 'a'.repeat(48) },
    dataDir: join(dir, 'data'),
    dispose: async () => { await pgDb.drop(); rmSync(dir, { recursive: true, force: true }) }
  }
})

describe('keys CLI stores', () => {
  it('puts the embedded database and a 0600 key secret in the data dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bgpl-cli-dir-'))
    try {
      const out = capture()
      const err = capture()
      const dataDir = join(dir, 'data')
      assert.equal(await runKeys(['create', '--data-dir', dataDir], { stdout: out.stream, stderr: err.stream }, {}), 0)
      assert.equal(statSync(join(dataDir, 'key-secret')).mode & 0o777, 0o600)
      assert.ok(statSync(join(dataDir, 'bgproutes-live.sqlite')).isFile())
      assert.ok(readFileSync(join(dataDir, 'key-secret'), 'utf8').trim().length >= 32)
      const store = await openStore(storeLocation({}, dataDir))
      assert.equal((await store.listKeys()).length, 1)
      await store.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('with DATABASE_URL, will not create a key without BGPL_KEY_SECRET', async () => {
    const db = await createTestDatabase()
    try {
      const out = capture()
      const err = capture()
      assert.equal(await runKeys(['create'], { stdout: out.stream, stderr: err.stream }, { DATABASE_URL: db.url }), 1)
      assert.match(err.text(), /BGPL_KEY_SECRET is not set/)
      assert.equal(out.text(), '')
    } finally {
      await db.drop()
    }
  })

  it('refuses a changed secret instead of making every key unknown', async () => {
    const db = await createTestDatabase()
    try {
      const run = async (secret: string): Promise<Result> => {
        const out = capture()
        const err = capture()
        const code = await runKeys(['create'], { stdout: out.stream, stderr: err.stream }, { DATABASE_URL: db.url, BGPL_KEY_SECRET: secret })
        return { code, stdout: out.text(), stderr: err.text() }
      }
      assert.equal((await run('b'.repeat(40))).code, 0)
      const changed = await run('c'.repeat(40))
      assert.equal(changed.code, 1)
      assert.match(changed.stderr, /not the one this database's keys were created with/)
    } finally {
      await db.drop()
    }
  })
})
