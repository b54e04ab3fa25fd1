// The Store over a SqlDriver: the same SQL and the same rules for SQLite and PostgreSQL.
// Writes that read before they write run in a transaction; on PostgreSQL they lock the key's
// row first (FOR UPDATE), so opening a session, changing limits or prefixes, revoking and the
// idle expiry of one key never interleave. SQLite's BEGIN IMMEDIATE locks the whole file.
import { randomUUID } from 'node:crypto'
import { BadRequestError, KeyRevokedError, NoPrefixesError, SessionAlreadyOpenError, TooManyPrefixesError, UnknownKeyError } from '../errors.ts'
import type { Row, SqlDriver, SqlExecutor, SqlValue } from './sql-driver.ts'
import { StoreConflictError } from './store-errors.ts'
import { DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_KEY_LIMITS, DEFAULT_SESSION_LEASE_MS, KEY_LIMIT_BOUNDS } from './types.ts'
import type { Account, Association, KeyLimits, KeyRecord, LapsedAssociation, NewKey, OpenSession, Store, StoreOptions } from './types.ts'

const KEY_COLUMNS = 'id, account_id, label, created_at, revoked_at, last_used_at, max_prefixes, max_sessions, prefixes_updated_at'
/** The start of a key's idle period: its last use or the last change of its prefixes, whichever is later. */
const IDLE_SINCE = 'CASE WHEN k.last_used_at IS NOT NULL AND (k.prefixes_updated_at IS NULL OR k.last_used_at > k.prefixes_updated_at) THEN k.last_used_at ELSE COALESCE(k.prefixes_updated_at, k.created_at) END'

export class SqlStore implements Store {
  readonly kind: 'sqlite' | 'postgres'
  readonly #db: SqlDriver
  readonly #idleTimeoutMs: number
  readonly #sessionLeaseMs: number
  readonly #forUpdate: string

  constructor (driver: SqlDriver, options: StoreOptions = {}) {
    this.#db = driver
    this.kind = driver.dialect
    this.#idleTimeoutMs = positive(options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS, 'idleTimeoutMs')
    this.#sessionLeaseMs = positive(options.sessionLeaseMs ?? DEFAULT_SESSION_LEASE_MS, 'sessionLeaseMs')
    this.#forUpdate = driver.dialect === 'postgres' ? ' FOR UPDATE' : ''
  }

  async close (): Promise<void> {
    await this.#db.close()
  }

  // --- settings

  async getSetting (name: string): Promise<string | null> {
    const rows = await this.#db.query('SELECT value FROM settings WHERE name = ?', [name])
    return rows.length === 0 ? null : String(rows[0].value)
  }

  async initSetting (name: string, value: string): Promise<string> {
    await this.#db.run('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING', [name, value])
    return (await this.getSetting(name)) as string
  }

  // --- accounts

  async createAccount (input: { email: string, name?: string | null, now: Date }): Promise<Account> {
    const account: Account = { id: randomUUID(), email: normaliseEmail(input.email), name: input.name ?? null, createdAt: input.now }
    await this.#conflicts(`an account with e-mail ${account.email} already exists`, () => this.#db.run(
      'INSERT INTO accounts (id, email, name, created_at) VALUES (?, ?, ?, ?)',
      [account.id, account.email, account.name, account.createdAt.getTime()]))
    return account
  }

  async getAccount (id: string): Promise<Account | null> {
    return toAccount((await this.#db.query('SELECT * FROM accounts WHERE id = ?', [id]))[0])
  }

  async findAccountByEmail (email: string): Promise<Account | null> {
    return toAccount((await this.#db.query('SELECT * FROM accounts WHERE email = ?', [normaliseEmail(email)]))[0])
  }

  // --- keys

  async createKey (input: NewKey): Promise<KeyRecord> {
    const limits = checkLimits({ ...DEFAULT_KEY_LIMITS, ...definedOnly(input.limits ?? {}) })
    const prefixes = [...new Set(input.prefixes ?? [])]
    if (prefixes.length > limits.maxPrefixes) throw new TooManyPrefixesError(prefixes.length, limits.maxPrefixes)
    const now = input.now.getTime()
    await this.#conflicts(`a key with id ${input.id} or the same hash already exists`, () => this.#db.transaction(async tx => {
      await tx.run(
        'INSERT INTO api_keys (id, key_hash, account_id, label, created_at, max_prefixes, max_sessions, prefixes_updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [input.id, input.hash, input.accountId ?? null, input.label ?? null, now, limits.maxPrefixes, limits.maxSessions, prefixes.length > 0 ? now : null])
      await insertPrefixes(tx, input.id, prefixes)
    }))
    return (await this.getKey(input.id)) as KeyRecord
  }

  async getKey (id: string): Promise<KeyRecord | null> {
    return await loadKey(this.#db, 'id = ?', id)
  }

  async findKeyByHash (hash: string): Promise<KeyRecord | null> {
    return await loadKey(this.#db, 'key_hash = ?', hash)
  }

  async listKeys (filter: { accountId?: string } = {}): Promise<KeyRecord[]> {
    const where = filter.accountId === undefined ? '' : ' WHERE account_id = ?'
    const params = filter.accountId === undefined ? [] : [filter.accountId]
    const rows = await this.#db.query(`SELECT ${KEY_COLUMNS} FROM api_keys${where} ORDER BY created_at, id`, params)
    const prefixes = await prefixesByKey(this.#db,
      `SELECT key_id, prefix FROM key_prefixes WHERE key_id IN (SELECT id FROM api_keys${where}) ORDER BY key_id, position`, params)
    return rows.map(r => toKey(r, prefixes.get(String(r.id)) ?? []))
  }

  async listAssociations (): Promise<Association[]> {
    const prefixes = await prefixesByKey(this.#db,
      'SELECT p.key_id, p.prefix FROM key_prefixes p JOIN api_keys k ON k.id = p.key_id WHERE k.revoked_at IS NULL ORDER BY p.key_id, p.position')
    return [...prefixes].map(([keyId, list]) => ({ keyId, prefixes: list }))
  }

  async setLimits (id: string, limits: Partial<KeyLimits>): Promise<KeyRecord | null> {
    return await this.#db.transaction(async tx => {
      const key = await this.#lockKey(tx, id)
      if (key === null) return null
      const next = checkLimits({ ...key.limits, ...definedOnly(limits) })
      if (key.prefixes.length > next.maxPrefixes) {
        throw new TooManyPrefixesError(key.prefixes.length, next.maxPrefixes, { details: { keyId: id, count: key.prefixes.length, maxPrefixes: next.maxPrefixes } })
      }
      await tx.run('UPDATE api_keys SET max_prefixes = ?, max_sessions = ? WHERE id = ?', [next.maxPrefixes, next.maxSessions, id])
      return { ...key, limits: next }
    })
  }

  async setPrefixes (id: string, prefixes: readonly string[], now: Date): Promise<KeyRecord | null> {
    const list = [...new Set(prefixes)]
    return await this.#db.transaction(async tx => {
      const key = await this.#lockKey(tx, id)
      if (key === null) return null
      if (key.revokedAt !== null) throw new KeyRevokedError(id)
      if (list.length > key.limits.maxPrefixes) throw new TooManyPrefixesError(list.length, key.limits.maxPrefixes)
      await tx.run('DELETE FROM key_prefixes WHERE key_id = ?', [id])
      await insertPrefixes(tx, id, list)
      await tx.run('UPDATE api_keys SET prefixes_updated_at = ? WHERE id = ?', [now.getTime(), id])
      return { ...key, prefixes: list, prefixesUpdatedAt: now }
    })
  }

  async revokeKey (id: string, now: Date): Promise<KeyRecord | null> {
    return await this.#db.transaction(async tx => {
      const key = await this.#lockKey(tx, id)
      if (key === null) return null
      if (key.revokedAt !== null) return key
      await tx.run('DELETE FROM sessions WHERE key_id = ?', [id])
      await tx.run('DELETE FROM key_prefixes WHERE key_id = ?', [id])
      const prefixesUpdatedAt = key.prefixes.length > 0 ? now : key.prefixesUpdatedAt
      await tx.run('UPDATE api_keys SET revoked_at = ?, prefixes_updated_at = ? WHERE id = ?', [now.getTime(), prefixesUpdatedAt?.getTime() ?? null, id])
      return { ...key, revokedAt: now, prefixes: [], prefixesUpdatedAt }
    })
  }

  async touch (id: string, now: Date): Promise<boolean> {
    return await touchKey(this.#db, id, now) > 0
  }

  // --- sessions

  async openSession (keyId: string, now: Date): Promise<OpenSession> {
    return await this.#db.transaction(async tx => {
      const key = await this.#lockKey(tx, keyId)
      if (key === null) throw new UnknownKeyError()
      if (key.revokedAt !== null) throw new KeyRevokedError(keyId)
      if (key.prefixes.length === 0) throw new NoPrefixesError(keyId)
      await tx.run('DELETE FROM sessions WHERE key_id = ? AND expires_at <= ?', [keyId, now.getTime()])
      const open = Number((await tx.query('SELECT COUNT(*) AS n FROM sessions WHERE key_id = ?', [keyId]))[0].n)
      if (open >= key.limits.maxSessions) throw new SessionAlreadyOpenError(keyId, key.limits.maxSessions)
      const session: OpenSession = { sessionId: randomUUID(), keyId, openedAt: now, expiresAt: new Date(now.getTime() + this.#sessionLeaseMs) }
      await tx.run('INSERT INTO sessions (id, key_id, opened_at, expires_at) VALUES (?, ?, ?, ?)',
        [session.sessionId, keyId, now.getTime(), session.expiresAt.getTime()])
      await touchKey(tx, keyId, now)
      return session
    })
  }

  async renewSession (sessionId: string, now: Date): Promise<Date | null> {
    return (await this.renewSessions([sessionId], now)).get(sessionId) ?? null
  }

  async renewSessions (sessionIds: readonly string[], now: Date): Promise<Map<string, Date | null>> {
    const expiresAt = new Date(now.getTime() + this.#sessionLeaseMs)
    const out = new Map<string, Date | null>(sessionIds.map((id) => [id, null]))
    if (out.size === 0) return out
    await this.#db.transaction(async tx => {
      const keys = new Set<string>()
      const ids = [...out.keys()]
      for (let i = 0; i < ids.length; i += RENEW_CHUNK) {
        const chunk = ids.slice(i, i + RENEW_CHUNK)
        // A lapsed but not yet reaped session may be renewed: nobody has taken its place, since
        // opening a session first deletes the key's lapsed ones.
        const rows = await tx.query(`UPDATE sessions SET expires_at = ? WHERE id IN (${placeholders(chunk.length)}) RETURNING id, key_id`, [expiresAt.getTime(), ...chunk])
        for (const r of rows) {
          out.set(String(r.id), expiresAt)
          keys.add(String(r.key_id))
        }
      }
      // In a stable order, so that two gateways touching the same keys cannot deadlock.
      for (const keyId of [...keys].sort()) await touchKey(tx, keyId, now)
    })
    return out
  }

  async closeSession (sessionId: string, now: Date): Promise<boolean> {
    return await this.#db.transaction(async tx => {
      const rows = await tx.query('DELETE FROM sessions WHERE id = ? RETURNING key_id', [sessionId])
      if (rows.length === 0) return false
      await touchKey(tx, String(rows[0].key_id), now)
      return true
    })
  }

  async countOpenSessions (keyId: string, now: Date): Promise<number> {
    return Number((await this.#db.query('SELECT COUNT(*) AS n FROM sessions WHERE key_id = ? AND expires_at > ?', [keyId, now.getTime()]))[0].n)
  }

  // --- the 4-hour rule

  async expireIdle (now: Date): Promise<LapsedAssociation[]> {
    const nowMs = now.getTime()
    const cutoff = nowMs - this.#idleTimeoutMs
    return await this.#db.transaction(async tx => {
      await tx.run('DELETE FROM sessions WHERE expires_at <= ?', [nowMs])
      const rows = await tx.query(
        `SELECT k.id, ${IDLE_SINCE} AS idle_since FROM api_keys k
         WHERE k.revoked_at IS NULL
           AND EXISTS (SELECT 1 FROM key_prefixes p WHERE p.key_id = k.id)
           AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.key_id = k.id)
           AND ${IDLE_SINCE} <= ?
         ORDER BY k.id${this.#forUpdate}`, [cutoff])
      if (rows.length === 0) return []
      const ids = rows.map(r => String(r.id))
      const marks = placeholders(ids.length)
      const prefixes = await prefixesByKey(tx, `SELECT key_id, prefix FROM key_prefixes WHERE key_id IN (${marks}) ORDER BY key_id, position`, ids)
      await tx.run(`DELETE FROM key_prefixes WHERE key_id IN (${marks})`, ids)
      await tx.run(`UPDATE api_keys SET prefixes_updated_at = ? WHERE id IN (${marks})`, [nowMs, ...ids])
      return rows.map(r => ({ keyId: String(r.id), prefixes: prefixes.get(String(r.id)) ?? [], idleSince: new Date(Number(r.idle_since)) }))
    })
  }

  // --- helpers

  async #lockKey (tx: SqlExecutor, id: string): Promise<KeyRecord | null> {
    const rows = await tx.query(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE id = ?${this.#forUpdate}`, [id])
    if (rows.length === 0) return null
    const prefixes = await prefixesByKey(tx, 'SELECT key_id, prefix FROM key_prefixes WHERE key_id = ? ORDER BY position', [id])
    return toKey(rows[0], prefixes.get(id) ?? [])
  }

  async #conflicts<T> (message: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (err) {
      if (this.#db.isUniqueViolation(err)) throw new StoreConflictError(message, { cause: err })
      throw err
    }
  }
}

async function loadKey (db: SqlExecutor, where: string, value: string): Promise<KeyRecord | null> {
  const rows = await db.query(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE ${where}`, [value])
  if (rows.length === 0) return null
  const id = String(rows[0].id)
  const prefixes = await prefixesByKey(db, 'SELECT key_id, prefix FROM key_prefixes WHERE key_id = ? ORDER BY position', [id])
  return toKey(rows[0], prefixes.get(id) ?? [])
}

/** Sessions per UPDATE when renewing many (well under SQLite's and PostgreSQL's parameter limits). */
const RENEW_CHUNK = 500

function placeholders (n: number): string {
  return Array.from({ length: n }, () => '?').join(', ')
}

async function touchKey (db: SqlExecutor, id: string, now: Date): Promise<number> {
  const ms = now.getTime()
  return await db.run('UPDATE api_keys SET last_used_at = CASE WHEN last_used_at IS NULL OR last_used_at < ? THEN ? ELSE last_used_at END WHERE id = ?', [ms, ms, id])
}

async function insertPrefixes (tx: SqlExecutor, keyId: string, prefixes: readonly string[]): Promise<void> {
  for (let i = 0; i < prefixes.length; i++) {
    await tx.run('INSERT INTO key_prefixes (key_id, position, prefix) VALUES (?, ?, ?)', [keyId, i, prefixes[i]])
  }
}

async function prefixesByKey (db: SqlExecutor, sql: string, params: readonly SqlValue[] = []): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>()
  for (const row of await db.query(sql, params)) {
    const id = String(row.key_id)
    let list = out.get(id)
    if (list === undefined) out.set(id, list = [])
    list.push(String(row.prefix))
  }
  return out
}

function toKey (row: Row, prefixes: string[]): KeyRecord {
  return {
    id: String(row.id),
    accountId: row.account_id === null ? null : String(row.account_id),
    label: row.label === null ? null : String(row.label),
    createdAt: toDate(row.created_at) as Date,
    revokedAt: toDate(row.revoked_at),
    lastUsedAt: toDate(row.last_used_at),
    limits: { maxPrefixes: Number(row.max_prefixes), maxSessions: Number(row.max_sessions) },
    prefixes,
    prefixesUpdatedAt: toDate(row.prefixes_updated_at)
  }
}

function toAccount (row: Row | undefined): Account | null {
  if (row === undefined) return null
  return { id: String(row.id), email: String(row.email), name: row.name === null ? null : String(row.name), createdAt: toDate(row.created_at) as Date }
}

/** Milliseconds as a number (SQLite) or a BIGINT string (PostgreSQL) to a Date. */
function toDate (value: unknown): Date | null {
  return value === null || value === undefined ? null : new Date(Number(value))
}

function normaliseEmail (email: string): string {
  const e = email.trim().toLowerCase()
  if (!/^[^\s@]+@[^\s@]+$/.test(e)) throw new BadRequestError(`${JSON.stringify(email)} is not an e-mail address`)
  return e
}

function definedOnly (limits: Partial<KeyLimits>): Partial<KeyLimits> {
  const out: Partial<KeyLimits> = {}
  if (limits.maxPrefixes !== undefined) out.maxPrefixes = limits.maxPrefixes
  if (limits.maxSessions !== undefined) out.maxSessions = limits.maxSessions
  return out
}

function checkLimits (limits: KeyLimits): KeyLimits {
  for (const name of ['maxPrefixes', 'maxSessions'] as const) {
    const { min, max } = KEY_LIMIT_BOUNDS[name]
    const v = limits[name]
    if (!Number.isInteger(v) || v < min || v > max) throw new BadRequestError(`${name} must be a whole number from ${min} to ${max}, not ${String(v)}`)
  }
  return { maxPrefixes: limits.maxPrefixes, maxSessions: limits.maxSessions }
}

function positive (value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number of milliseconds`)
  return value
}
