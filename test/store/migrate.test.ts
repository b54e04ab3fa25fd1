import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { migrate } from '../../src/store/migrate.ts'
import { MIGRATIONS } from '../../src/store/migrations/index.ts'
import type { Migration } from '../../src/store/migrations/migration.ts'
import { PostgresDriver } from '../../src/store/postgres-driver.ts'
import type { SqlDriver } from '../../src/store/sql-driver.ts'
import { SqliteDriver } from '../../src/store/sqlite-driver.ts'
import { SchemaTooNewError } from '../../src/store/store-errors.ts'
import { createTestDatabase } from './postgres-test-db.ts'

const T = new Date('2026-11-27T01:02:03.000Z')

const broken: Migration = {
  version: 2,
  name: 'creates a table, then fails',
  sqlite: 'CREATE TABLE half_done (x INTEGER); SELECT * FROM no_such_table;',
  postgres: 'CREATE TABLE half_done (x INTEGER); SELECT * FROM no_such_table;'
}

const second: Migration = {
  version: 2,
  name: 'adds a table',
  sqlite: 'CREATE TABLE extra (x INTEGER) STRICT;',
  postgres: 'CREATE TABLE extra (x INTEGER);'
}

async function tableExists (db: SqlDriver, name: string): Promise<boolean> {
  const sql = db.dialect === 'sqlite'
    ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?"
    : "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name = ?"
  return (await db.query(sql, [name])).length === 1
}

function migrationSuite (name: string, open: () => Promise<{ db: SqlDriver, dispose (): Promise<void> }>): void {
  describe(`migrations on ${name}`, () => {
    let db: SqlDriver
    let dispose: () => Promise<void>
    before(async () => { ({ db, dispose } = await open()) })
    after(async () => { await dispose() })

    it('applies every migration on a new database, and records each', async () => {
      assert.deepEqual(await migrate(db, MIGRATIONS, T), [1])
      const rows = await db.query('SELECT version, name, applied_at FROM schema_migrations ORDER BY version')
      assert.deepEqual(rows.map(r => [Number(r.version), r.name, Number(r.applied_at)]), [[1, MIGRATIONS[0].name, T.getTime()]])
      for (const table of ['settings', 'accounts', 'api_keys', 'key_prefixes', 'sessions']) assert.ok(await tableExists(db, table), table)
    })

    it('applies nothing the second time', async () => {
      assert.deepEqual(await migrate(db, MIGRATIONS, T), [])
      assert.equal((await db.query('SELECT version FROM schema_migrations')).length, 1)
    })

    it('rolls a failing migration back whole', async () => {
      await assert.rejects(migrate(db, [...MIGRATIONS, broken], T))
      assert.equal(await tableExists(db, 'half_done'), false)
      assert.deepEqual((await db.query('SELECT version FROM schema_migrations')).map(r => Number(r.version)), [1])
    })

    it('applies only the new one when the code gains a migration', async () => {
      assert.deepEqual(await migrate(db, [...MIGRATIONS, second], T), [2])
      assert.ok(await tableExists(db, 'extra'))
    })

    it('refuses a database migrated by a newer version', async () => {
      await assert.rejects(migrate(db, MIGRATIONS, T), SchemaTooNewError)
    })

    it('refuses a migration list out of order', async () => {
      await assert.rejects(migrate(db, [second], T), /out of order/)
    })
  })
}

migrationSuite('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bgpl-migrate-'))
  const db = new SqliteDriver(join(dir, 'm.sqlite'))
  return { db, dispose: async () => { await db.close(); rmSync(dir, { recursive: true, force: true }) } }
})

migrationSuite('PostgreSQL', async () => {
  const testDb = await createTestDatabase()
  const db = new PostgresDriver(testDb.url)
  return { db, dispose: async () => { await db.close(); await testDb.drop() } }
})

describe('SQLite driver', () => {
  it('puts the database in WAL mode with foreign keys on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bgpl-wal-'))
    const db = new SqliteDriver(join(dir, 'w.sqlite'))
    try {
      assert.equal((await db.query('PRAGMA journal_mode'))[0].journal_mode, 'wal')
      assert.equal((await db.query('PRAGMA foreign_keys'))[0].foreign_keys, 1)
    } finally {
      await db.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('keeps other operations out of a transaction until it ends', async () => {
    const db = new SqliteDriver(':memory:')
    await db.exec('CREATE TABLE t (x INTEGER)')
    const order: string[] = []
    const tx = db.transaction(async t => {
      await t.run('INSERT INTO t VALUES (1)')
      await new Promise(resolve => setImmediate(resolve))
      order.push('tx')
      throw new Error('roll back')
    })
    const read = db.query('SELECT COUNT(*) AS n FROM t').then(rows => { order.push('read'); return rows[0].n })
    await assert.rejects(tx, /roll back/)
    assert.equal(await read, 0)
    assert.deepEqual(order, ['tx', 'read'])
    await db.close()
  })
})
