// PostgreSQL through node-postgres (pg): a connection pool; `?` placeholders become $1, $2, ...
// BIGINT columns come back as strings and are converted by the store.
import pg from 'pg'
import type { PoolClient } from 'pg'
import type { Row, SqlDriver, SqlExecutor, SqlValue } from './sql-driver.ts'

const UNIQUE_VIOLATION = '23505'

export interface PostgresDriverOptions {
  /** Most connections in the pool; default 10. */
  maxConnections?: number
  /** Give up connecting after this long, rather than hang on an unreachable server; default 10 s. */
  connectTimeoutMs?: number
}

export class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres'
  readonly #pool: pg.Pool

  constructor (connectionString: string, options: PostgresDriverOptions = {}) {
    this.#pool = new pg.Pool({ connectionString, max: options.maxConnections ?? 10, connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000 })
    // An idle client losing its connection must not crash the process; the next query reconnects.
    this.#pool.on('error', () => {})
  }

  async query (sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    return (await this.#pool.query(numbered(sql), params as SqlValue[])).rows as Row[]
  }

  async run (sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return (await this.#pool.query(numbered(sql), params as SqlValue[])).rowCount ?? 0
  }

  async exec (script: string): Promise<void> {
    await this.#pool.query(script)
  }

  async transaction<T> (fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect()
    try {
      await client.query('BEGIN')
      const result = await fn(executor(client))
      await client.query('COMMIT')
      return result
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {})
      throw err
    } finally {
      client.release()
    }
  }

  isUniqueViolation (err: unknown): boolean {
    return err !== null && typeof err === 'object' && (err as { code?: unknown }).code === UNIQUE_VIOLATION
  }

  async close (): Promise<void> {
    await this.#pool.end()
  }
}

function executor (client: PoolClient): SqlExecutor {
  return {
    query: async (sql, params = []) => (await client.query(numbered(sql), params as SqlValue[])).rows as Row[],
    run: async (sql, params = []) => (await client.query(numbered(sql), params as SqlValue[])).rowCount ?? 0,
    exec: async (script) => { await client.query(script) }
  }
}

/** `?` to `$n`. The store's SQL has no `?` inside string literals. */
function numbered (sql: string): string {
  let n = 0
  return sql.replace(/\?/g, () => '$' + String(++n))
}
