// The embedded store: one SQLite file, migrated on open.
import { MIGRATIONS } from './migrations/index.ts'
import { migrate } from './migrate.ts'
import { SqlStore } from './sql-store.ts'
import { SqliteDriver } from './sqlite-driver.ts'
import type { Store, StoreOptions } from './types.ts'

/** Open (creating if needed) and migrate the SQLite database at `path` (a file, or ':memory:'). */
export async function openSqliteStore (path: string, options: StoreOptions = {}): Promise<Store> {
  const driver = new SqliteDriver(path)
  try {
    await migrate(driver, MIGRATIONS)
  } catch (err) {
    await driver.close()
    throw err
  }
  return new SqlStore(driver, options)
}
