import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { DEFAULT_DATA_DIR, openStore, storeLocation } from '../../src/store/open-store.ts'
import { createTestDatabase } from './postgres-test-db.ts'

describe('storeLocation', () => {
  it('takes DATABASE_URL when set, the data dir from the option, BGPL_DATA_DIR or ./data', () => {
    assert.deepEqual(storeLocation({}), { databaseUrl: undefined, dataDir: DEFAULT_DATA_DIR })
    assert.equal(DEFAULT_DATA_DIR, './data')
    assert.deepEqual(storeLocation({ BGPL_DATA_DIR: '/var/lib/bgpl' }), { databaseUrl: undefined, dataDir: '/var/lib/bgpl' })
    assert.deepEqual(storeLocation({ BGPL_DATA_DIR: '/var/lib/bgpl' }, '/srv'), { databaseUrl: undefined, dataDir: '/srv' })
    assert.deepEqual(storeLocation({ DATABASE_URL: 'postgres://db/x' }, '/srv'), { databaseUrl: 'postgres://db/x', dataDir: '/srv' })
    assert.equal(storeLocation({ DATABASE_URL: '' }).databaseUrl, undefined)
  })
})

describe('openStore', () => {
  it('opens SQLite in a new data dir (mode 0700) without DATABASE_URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bgpl-open-'))
    try {
      const dataDir = join(dir, 'nested', 'data')
      const store = await openStore({ dataDir })
      assert.equal(store.kind, 'sqlite')
      await store.close()
      assert.equal(statSync(dataDir).mode & 0o777, 0o700)
      assert.ok(statSync(join(dataDir, 'bgproutes-live.sqlite')).isFile())
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('opens PostgreSQL with DATABASE_URL and leaves the data dir alone', async () => {
    const db = await createTestDatabase()
    const dir = mkdtempSync(join(tmpdir(), 'bgpl-open-'))
    try {
      const store = await openStore({ databaseUrl: db.url, dataDir: join(dir, 'data') })
      assert.equal(store.kind, 'postgres')
      await store.close()
      assert.throws(() => statSync(join(dir, 'data')), { code: 'ENOENT' })
    } finally {
      rmSync(dir, { recursive: true, force: true })
      await db.drop()
    }
  })

  it('reports an unreachable PostgreSQL as an error, not a hang', async () => {
    await assert.rejects(openStore({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none', dataDir: '/nonexistent' }), /ECONNREFUSED/)
  })
})
