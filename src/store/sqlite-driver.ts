// SQLite through Node's built-in node:sqlite (DatabaseSync): WAL journal, foreign keys on, a
// busy timeout so that the CLI and the server can share the file. Calls are synchronous, so
// every operation goes through one queue: a transaction's awaits never let another
// operation of this process run inside it.
import { DatabaseSync } from 'node:sqlite'
import type { StatementSync } from 'node:sqlite'
import type { Row, SqlDriver, SqlExecutor, SqlValue } from './sql-driver.ts'

const SQLITE_CONSTRAINT = 19

export interface SqliteDriverOptions {
  /** Milliseconds to wait for another process's write lock; default 5000. */
  busyTimeoutMs?: number
}

export class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite'
  readonly #db: DatabaseSync
  readonly #statements = new Map<string, StatementSync>()
  #tail: Promise<unknown> = Promise.resolve()
  readonly #direct: SqlExecutor

  /** `path` is a file, or ':memory:'. */
  constructor (path: string, options: SqliteDriverOptions = {}) {
    this.#db = new DatabaseSync(path, { enableForeignKeyConstraints: true, timeout: options.busyTimeoutMs ?? 5000 })
    this.#db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON')
    this.#direct = {
      query: async (sql, params = []) => this.#prepare(sql).all(...params) as Row[],
      run: async (sql, params = []) => Number(this.#prepare(sql).run(...params).changes),
      exec: async (script) => { this.#db.exec(script) }
    }
  }

  query (sql: string, params?: readonly SqlValue[]): Promise<Row[]> {
    return this.#serial(() => this.#direct.query(sql, params))
  }

  run (sql: string, params?: readonly SqlValue[]): Promise<number> {
    return this.#serial(() => this.#direct.run(sql, params))
  }

  exec (script: string): Promise<void> {
    return this.#serial(() => this.#direct.exec(script))
  }

  transaction<T> (fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.#serial(async () => {
      this.#db.exec('BEGIN IMMEDIATE')
      try {
        const result = await fn(this.#direct)
        this.#db.exec('COMMIT')
        return result
      } catch (err) {
        if (this.#db.isTransaction) this.#db.exec('ROLLBACK')
        throw err
      }
    })
  }

  isUniqueViolation (err: unknown): boolean {
    const e = err as { code?: unknown, errcode?: unknown }
    return e !== null && typeof e === 'object' && e.code === 'ERR_SQLITE_ERROR' &&
      typeof e.errcode === 'number' && (e.errcode & 0xff) === SQLITE_CONSTRAINT &&
      /UNIQUE|PRIMARY KEY/.test(String((err as Error).message))
  }

  async close (): Promise<void> {
    await this.#serial(async () => {
      this.#statements.clear()
      if (this.#db.isOpen) this.#db.close()
    })
  }

  #prepare (sql: string): StatementSync {
    let stmt = this.#statements.get(sql)
    if (stmt === undefined) {
      stmt = this.#db.prepare(sql)
      this.#statements.set(sql, stmt)
    }
    return stmt
  }

  #serial<T> (fn: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(fn, fn)
    this.#tail = result.catch(() => undefined)
    return result
  }
}
