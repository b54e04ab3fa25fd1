// What the route handlers share: the options, the clock, the rate limiters, and the steps every
// keyed request takes (limit by IP, limit by key, authenticate) and every prefix update takes
// (validate against the key's limit, store, tell the live service).
import type { FastifyRequest } from 'fastify'
import { RateLimitedError, UnknownKeyError } from '../errors.ts'
import { apiKeyId } from '../keys/api-key.ts'
import type { KeyRecord } from '../store/types.ts'
import { DEFAULT_IDLE_TIMEOUT_MS } from '../store/types.ts'
import { DEFAULT_API_RATE_LIMITS } from './api-options.ts'
import type { ApiOptions } from './api-options.ts'
import { keyState } from './key-state.ts'
import type { KeyState } from './key-state.ts'
import { RateLimiter } from './rate-limiter.ts'

export class ApiContext {
  readonly options: ApiOptions
  readonly now: () => Date
  readonly #idleTimeoutMs: number
  readonly #perIp: RateLimiter
  readonly #perKey: RateLimiter
  /** The public id of the key each authenticated request used, for its log line. */
  readonly #keyIds = new WeakMap<FastifyRequest, string>()

  constructor (options: ApiOptions) {
    this.options = options
    this.now = options.now ?? (() => new Date())
    this.#idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS
    const limits = { ...DEFAULT_API_RATE_LIMITS, ...options.rateLimit }
    this.#perIp = new RateLimiter({ perMinute: limits.perIpPerMinute, maxEntries: options.rateLimitMaxEntries })
    this.#perKey = new RateLimiter({ perMinute: limits.perKeyPerMinute, maxEntries: options.rateLimitMaxEntries })
  }

  /** RATE_LIMITED when the request's client address has used up its bucket. */
  limitIp (request: FastifyRequest): void {
    const wait = this.#perIp.take(request.ip, this.now().getTime())
    if (wait > 0) throw new RateLimitedError(wait)
  }

  /**
   * The key's record: rate limited per key (by its public id, worked out from the key text, so
   * that even unknown keys are limited without a store lookup), then authenticated, which counts
   * as a use of the key (the 4-hour rule). UNKNOWN_KEY, KEY_REVOKED, RATE_LIMITED.
   */
  async authenticate (request: FastifyRequest, key: string): Promise<KeyRecord> {
    const wait = this.#perKey.take(apiKeyId(key), this.now().getTime())
    if (wait > 0) throw new RateLimitedError(wait)
    const record = await this.options.apiKeys.authenticate(key, this.now())
    this.#keyIds.set(request, record.id)
    return record
  }

  keyIdOf (request: FastifyRequest): string | undefined {
    return this.#keyIds.get(request)
  }

  /** Replace the key's prefix list from user input, tell the live service, and give the key's new state. */
  async replacePrefixes (record: KeyRecord, input: string | readonly string[]): Promise<KeyState> {
    const updated = await this.options.apiKeys.setPrefixes(record.id, input, this.now())
    if (updated === null) throw new UnknownKeyError() // deleted since it was authenticated
    await this.options.onPrefixesChanged(updated.id, [...updated.prefixes])
    return await this.state(updated)
  }

  async state (record: KeyRecord): Promise<KeyState> {
    const sessions = this.options.sessionsFor !== undefined
      ? await this.options.sessionsFor(record.id)
      : await this.options.store.countOpenSessions(record.id, this.now())
    return keyState(record, this.#idleTimeoutMs, sessions)
  }
}
