// The little the SQL store needs from a database: queries with `?` placeholders, scripts, and
// transactions. One driver per database (sqlite-driver.ts, postgres-driver.ts).

export type SqlValue = string | number | null
export type Row = Record<string, unknown>

export interface SqlExecutor {
  /** Rows of a statement; parameters bind to `?` in order. */
  query (sql: string, params?: readonly SqlValue[]): Promise<Row[]>
  /** Number of rows a statement changed. */
  run (sql: string, params?: readonly SqlValue[]): Promise<number>
  /** Several statements, no parameters (migrations). */
  exec (script: string): Promise<void>
}

export interface SqlDriver extends SqlExecutor {
  readonly dialect: 'sqlite' | 'postgres'
  /** Run `fn` in a transaction that holds the write lock (SQLite) or row locks it takes (PostgreSQL). */
  transaction<T> (fn: (tx: SqlExecutor) => Promise<T>): Promise<T>
  /** Whether `err` is a unique or primary key violation. */
  isUniqueViolation (err: unknown): boolean
  close (): Promise<void>
}
