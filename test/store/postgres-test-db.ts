// A throwaway PostgreSQL database per test: created on the local server (trust auth, user
// postgres, or BGPL_TEST_PG_ADMIN_URL), dropped afterwards.
import { randomBytes } from 'node:crypto'
import pg from 'pg'

const ADMIN_URL = process.env.BGPL_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export interface TestDatabase {
  url: string
  drop (): Promise<void>
}

export async function createTestDatabase (): Promise<TestDatabase> {
  const name = 'bgpl_test_' + randomBytes(6).toString('hex')
  await admin(`CREATE DATABASE ${name}`)
  const url = new URL(ADMIN_URL)
  url.pathname = '/' + name
  return {
    url: url.toString(),
    drop: async () => { await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) }
  }
}

async function admin (sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL })
  try {
    await client.connect()
  } catch (err) {
    throw new Error(`the store tests need PostgreSQL at ${ADMIN_URL} (set BGPL_TEST_PG_ADMIN_URL to use another server)`, { cause: err })
  }
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}
