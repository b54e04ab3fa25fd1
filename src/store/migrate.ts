// Apply pending migrations in version order, each recorded in schema_migrations, all in one
// transaction: a failure leaves the schema as it was. Running it again applies nothing.
// On PostgreSQL an advisory lock keeps two starting instances from migrating at once; on SQLite
// the transaction's write lock does.
import type { Migration } from './migrations/migration.ts'
import type { SqlDriver } from './sql-driver.ts'
import { SchemaTooNewError } from './store-errors.ts'

/** Arbitrary, fixed: the advisory lock id of bgproutes-live migrations. */
const PG_MIGRATION_LOCK = 4_261_170_731

const CREATE_TABLE = {
  sqlite: 'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT',
  postgres: 'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)'
}

/** Returns the versions applied by this call (empty when the schema was current). */
export async function migrate (driver: SqlDriver, migrations: readonly Migration[], now: Date = new Date()): Promise<number[]> {
  checkOrder(migrations)
  return await driver.transaction(async tx => {
    if (driver.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(?)', [PG_MIGRATION_LOCK])
    await tx.exec(CREATE_TABLE[driver.dialect])
    const applied = new Set((await tx.query('SELECT version FROM schema_migrations')).map(r => Number(r.version)))
    const known = new Set(migrations.map(m => m.version))
    const unknown = [...applied].filter(v => !known.has(v)).sort((a, b) => a - b)
    if (unknown.length > 0) {
      throw new SchemaTooNewError(`the database has schema migration ${unknown.join(', ')}, which this version of bgproutes-live does not know; run a newer version`)
    }
    const done: number[] = []
    for (const m of migrations) {
      if (applied.has(m.version)) continue
      await tx.exec(m[driver.dialect])
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, now.getTime()])
      done.push(m.version)
    }
    return done
  })
}

function checkOrder (migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list out of order: position ${i + 1} holds version ${m.version}`)
  })
}
