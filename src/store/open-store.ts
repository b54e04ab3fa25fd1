// Which store the service uses: PostgreSQL when DATABASE_URL is set, otherwise the embedded
// SQLite file in the data dir (created with mode 0700).
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { openPostgresStore } from './postgres-store.ts'
import { openSqliteStore } from './sqlite-store.ts'
import type { Store, StoreOptions } from './types.ts'

export const DEFAULT_DATA_DIR = './data'
export const SQLITE_FILE = 'bgproutes-live.sqlite'

export interface StoreLocation {
  /** PostgreSQL connection URL; when set, the data dir holds no database. */
  databaseUrl?: string
  dataDir: string
}

/** Where the store lives, from the environment and a --data-dir option. */
export function storeLocation (env: Readonly<Record<string, string | undefined>>, dataDir?: string): StoreLocation {
  const databaseUrl = env.DATABASE_URL === undefined || env.DATABASE_URL === '' ? undefined : env.DATABASE_URL
  return { databaseUrl, dataDir: dataDir ?? env.BGPL_DATA_DIR ?? DEFAULT_DATA_DIR }
}

export async function openStore (location: StoreLocation, options: StoreOptions = {}): Promise<Store> {
  if (location.databaseUrl !== undefined) return await openPostgresStore(location.databaseUrl, options)
  mkdirSync(location.dataDir, { recursive: true, mode: 0o700 })
  return await openSqliteStore(join(location.dataDir, SQLITE_FILE), options)
}
