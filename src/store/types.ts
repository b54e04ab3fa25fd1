// What the live service keeps: accounts (for the website), API keys (hash, limits, last use),
// each key's association (the prefix list it watches) and its open sessions. One async Store
// interface; SQLite (embedded, the default) and PostgreSQL implement it with the same behaviour.

export interface KeyLimits {
  /** Most prefixes the key's association may hold. */
  maxPrefixes: number
  /** Most sessions (websocket streams) open at once with the key. */
  maxSessions: number
}

export const DEFAULT_KEY_LIMITS: Readonly<KeyLimits> = { maxPrefixes: 10, maxSessions: 1 }

/** Inclusive bounds an operator can set limits within. */
export const KEY_LIMIT_BOUNDS: Readonly<Record<keyof KeyLimits, { min: number, max: number }>> = {
  maxPrefixes: { min: 1, max: 100_000 },
  maxSessions: { min: 1, max: 1_000 }
}

/** How long a key may go unused before its prefix list is cleared (the 4-hour rule). */
export const DEFAULT_IDLE_TIMEOUT_MS = 4 * 60 * 60 * 1000
/** How long an open session counts as open without being renewed (a crashed gateway's sessions lapse). */
export const DEFAULT_SESSION_LEASE_MS = 90 * 1000

export interface StoreOptions {
  idleTimeoutMs?: number
  sessionLeaseMs?: number
}

export interface Account {
  id: string
  /** Lower case, trimmed; unique. */
  email: string
  name: string | null
  createdAt: Date
}

export interface KeyRecord {
  /** Public id (12 hex digits): shown in listings, used to revoke. Never the key. */
  id: string
  accountId: string | null
  label: string | null
  createdAt: Date
  revokedAt: Date | null
  /** Last API call or session activity with the key; null if never used. */
  lastUsedAt: Date | null
  limits: KeyLimits
  /** The association: canonical prefixes, in the order they were given. */
  prefixes: string[]
  /** When the prefix list was last set or cleared; null if never. */
  prefixesUpdatedAt: Date | null
}

export interface NewKey {
  id: string
  /** HMAC of the key (src/keys/api-key.ts hashApiKey). */
  hash: string
  accountId?: string | null
  label?: string | null
  limits?: Partial<KeyLimits>
  /** Canonical prefixes (src/keys/prefixes.ts); at most limits.maxPrefixes. */
  prefixes?: readonly string[]
  now: Date
}

export interface Association {
  keyId: string
  prefixes: string[]
}

export interface LapsedAssociation extends Association {
  /** When the key was last used (or its prefixes set), the start of the idle period. */
  idleSince: Date
}

export interface OpenSession {
  sessionId: string
  keyId: string
  openedAt: Date
  /** Renew before this (renewSession) or the session no longer counts as open. */
  expiresAt: Date
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres'
  close (): Promise<void>

  /** A stored setting, or null. */
  getSetting (name: string): Promise<string | null>
  /** Store `value` unless the setting exists; either way return what is stored. */
  initSetting (name: string, value: string): Promise<string>

  /** Throws StoreConflictError when the e-mail address is taken. */
  createAccount (input: { email: string, name?: string | null, now: Date }): Promise<Account>
  getAccount (id: string): Promise<Account | null>
  findAccountByEmail (email: string): Promise<Account | null>

  /** Throws StoreConflictError on a duplicate id or hash, TooManyPrefixesError, BadRequestError (limits). */
  createKey (input: NewKey): Promise<KeyRecord>
  getKey (id: string): Promise<KeyRecord | null>
  findKeyByHash (hash: string): Promise<KeyRecord | null>
  /** Every key (revoked ones too), oldest first; only an account's when given. */
  listKeys (filter?: { accountId?: string }): Promise<KeyRecord[]>
  /** Non-revoked keys with a non-empty prefix list: what the matcher loads. */
  listAssociations (): Promise<Association[]>
  /** Null for an unknown id. Lowering maxPrefixes below the current list throws TooManyPrefixesError. */
  setLimits (id: string, limits: Partial<KeyLimits>): Promise<KeyRecord | null>
  /** Replace the prefix list (canonical strings; [] clears it). Null for an unknown id; KeyRevokedError, TooManyPrefixesError. */
  setPrefixes (id: string, prefixes: readonly string[], now: Date): Promise<KeyRecord | null>
  /** Revoke: the key stays listed, its prefixes and sessions go. Idempotent. Null for an unknown id. */
  revokeKey (id: string, now: Date): Promise<KeyRecord | null>
  /** Record a use of the key (an API call). False for an unknown id. Never moves lastUsedAt back. */
  touch (id: string, now: Date): Promise<boolean>

  /** Open a session: UnknownKeyError, KeyRevokedError, NoPrefixesError, SessionAlreadyOpenError. Counts as a use. */
  openSession (keyId: string, now: Date): Promise<OpenSession>
  /** Extend a session's lease (and use the key); null when the session is gone (closed, revoked, reaped). */
  renewSession (sessionId: string, now: Date): Promise<Date | null>
  /**
   * renewSession for many sessions in one transaction (a gateway renews its sessions' leases
   * together): each id maps to its new expiry, or null when that session is gone.
   */
  renewSessions (sessionIds: readonly string[], now: Date): Promise<Map<string, Date | null>>
  /** Close a session (a use of the key, up to now). False when it was already gone. */
  closeSession (sessionId: string, now: Date): Promise<boolean>
  /** Sessions of the key whose lease has not run out at `now`. */
  countOpenSessions (keyId: string, now: Date): Promise<number>

  /**
   * The 4-hour rule: clear the prefix list of every key not used for the idle timeout and with no
   * open session, and return those associations. Also drops sessions whose lease ran out.
   */
  expireIdle (now: Date): Promise<LapsedAssociation[]>
}
