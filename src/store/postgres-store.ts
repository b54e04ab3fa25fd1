// The production store: PostgreSQL at a connection URL, migrated on open.
import { MIGRATIONS } from './migrations/index.ts'
import { migrate } from './migrate.ts'
import { PostgresDriver } from './postgres-driver.ts'
import { SqlStore } from './sql-store.ts'
import type { Store, StoreOptions } from './types.ts'

/** Connect to and migrate the database at `url` (postgres://user@host:port/db). */
export async function openPostgresStore (url: string, options: StoreOptions = {}): Promise<Store> {
  const driver = new PostgresDriver(url)
  try {
    await migrate(driver, MIGRATIONS)
  } catch (err) {
    await driver.close()
    throw err
  }
  return new SqlStore(driver, options)
}
