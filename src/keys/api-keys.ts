// API keys over a Store: create (the only time the key text exists outside the client),
// authenticate (a use of the key), and set a key's prefix list from user input.
import { UnknownKeyError, KeyRevokedError } from '../errors.ts'
import { StoreConflictError } from '../store/store-errors.ts'
import { DEFAULT_KEY_LIMITS } from '../store/types.ts'
import type { KeyLimits, KeyRecord, Store } from '../store/types.ts'
import { generateApiKey, hashApiKey, isApiKeyFormat } from './api-key.ts'
import { DEFAULT_PREFIX_POLICY, parsePrefixes, parsePrefixList } from './prefixes.ts'
import type { PrefixPolicy } from './prefixes.ts'
import { KeySecretError, keySecretFingerprint } from './secret.ts'
import type { KeySecret } from './secret.ts'

const FINGERPRINT_SETTING = 'key_secret_fingerprint'

export interface CreateKeyInput {
  accountId?: string | null
  label?: string | null
  limits?: Partial<KeyLimits>
  /** A comma-separated list or an array of prefixes; checked like an API call would be. */
  prefixes?: string | readonly string[]
  now: Date
}

export interface CreatedKey {
  /** Show once, then forget. */
  key: string
  record: KeyRecord
}

export class ApiKeys {
  readonly #store: Store
  readonly #secret: Uint8Array
  readonly #policy: PrefixPolicy

  private constructor (store: Store, secret: Uint8Array, policy: PrefixPolicy) {
    this.#store = store
    this.#secret = secret
    this.#policy = policy
  }

  /**
   * Keys over `store`, hashed under `secret`. The first use records a fingerprint of the secret in
   * the store; a different secret later is refused, since every existing key would stop working.
   */
  static async open (store: Store, secret: KeySecret, policy: PrefixPolicy = DEFAULT_PREFIX_POLICY): Promise<ApiKeys> {
    const fingerprint = keySecretFingerprint(secret.bytes)
    const stored = await store.initSetting(FINGERPRINT_SETTING, fingerprint)
    if (stored !== fingerprint) {
      throw new KeySecretError(`the key secret from ${secret.source} is not the one this database's keys were created with; every key would be unknown. Restore the original secret (BGPL_KEY_SECRET or the data dir's key-secret file)`)
    }
    return new ApiKeys(store, secret.bytes, policy)
  }

  async create (input: CreateKeyInput): Promise<CreatedKey> {
    const maxPrefixes = input.limits?.maxPrefixes ?? DEFAULT_KEY_LIMITS.maxPrefixes
    const prefixes = input.prefixes === undefined ? [] : this.parsePrefixes(input.prefixes, maxPrefixes)
    // Ids are 48 bits of a hash: a collision is unlikely, and answered with a fresh key.
    for (let attempt = 1; ; attempt++) {
      const { key, id } = generateApiKey()
      try {
        const record = await this.#store.createKey({
          id, hash: hashApiKey(key, this.#secret), accountId: input.accountId, label: input.label, limits: input.limits, prefixes, now: input.now
        })
        return { key, record }
      } catch (err) {
        if (!(err instanceof StoreConflictError) || attempt >= 3) throw err
      }
    }
  }

  /** The key's record if the key is known and not revoked; records a use at `now`. */
  async authenticate (key: string, now: Date): Promise<KeyRecord> {
    if (!isApiKeyFormat(key)) throw new UnknownKeyError()
    const record = await this.#store.findKeyByHash(hashApiKey(key, this.#secret))
    if (record === null) throw new UnknownKeyError()
    if (record.revokedAt !== null) throw new KeyRevokedError(record.id)
    await this.#store.touch(record.id, now)
    const lastUsedAt = record.lastUsedAt !== null && record.lastUsedAt > now ? record.lastUsedAt : now
    return { ...record, lastUsedAt }
  }

  /** Replace a key's prefixes from user input (checked against the key's own limit). Null for an unknown id. */
  async setPrefixes (keyId: string, input: string | readonly string[], now: Date): Promise<KeyRecord | null> {
    const key = await this.#store.getKey(keyId)
    if (key === null) return null
    if (key.revokedAt !== null) throw new KeyRevokedError(keyId)
    return await this.#store.setPrefixes(keyId, this.parsePrefixes(input, key.limits.maxPrefixes), now)
  }

  /** Canonical prefixes under this service's policy, or a typed error. */
  parsePrefixes (input: string | readonly string[], maxPrefixes: number): string[] {
    const options = { maxPrefixes, policy: this.#policy }
    return typeof input === 'string' ? parsePrefixList(input, options) : parsePrefixes(input, options)
  }
}
