// What buildApi needs from the live service that mounts it.
import type { Registry } from 'prom-client'
import type { ApiKeys } from '../keys/api-keys.ts'
import type { Logger } from '../log.ts'
import type { Store } from '../store/types.ts'

export interface ApiRateLimits {
  /** Requests one API key may make per minute (and in one burst). */
  perKeyPerMinute: number
  /** Requests one client IP address may make per minute (and in one burst). */
  perIpPerMinute: number
}

export const DEFAULT_API_RATE_LIMITS: Readonly<ApiRateLimits> = { perKeyPerMinute: 60, perIpPerMinute: 300 }

/** Largest request body: a list of 100 000 IPv6 prefixes (the highest max-prefixes limit) is about 5 MB. */
export const API_BODY_LIMIT_BYTES = 8 * 1024 * 1024

export interface ApiOptions {
  store: Store
  apiKeys: ApiKeys
  /** Request lines (with keys redacted) and errors go here. */
  logger: Logger
  /** The clock for key use, expiry times and rate limiting; default `() => new Date()`. */
  now?: () => Date
  /**
   * Called once a key's prefix list has been stored, with the canonical list ([] when cleared),
   * before the client is answered: the live service applies it to the matcher and to the key's
   * open session. Called on every successful update, even when the list did not change. A throw
   * answers INTERNAL (the list stays stored).
   */
  onPrefixesChanged: (keyId: string, prefixes: readonly string[]) => void | Promise<void>
  /** Sessions open with a key (from the gateway); default: the store's count of live sessions. */
  sessionsFor?: (keyId: string) => number | Promise<number>
  /** Where the HTTP metrics are registered; /metrics serves the whole registry (shared with the gateway). */
  metrics: Registry
  /** Whether the service is ready for traffic, besides the store answering; default always. */
  ready?: () => boolean | Promise<boolean>
  rateLimit?: Partial<ApiRateLimits>
  /** Most clients each rate limiter remembers (bounded map, least recently seen evicted first). */
  rateLimitMaxEntries?: number
  /** The store's idle timeout (the 4-hour rule), to tell clients when their prefixes lapse. */
  idleTimeoutMs?: number
  /**
   * Fastify's trustProxy: behind a reverse proxy, set it (true, or the proxy's
   * addresses) so that the per-IP limit applies to the client's address from X-Forwarded-For.
   */
  trustProxy?: boolean | string | string[]
  /** Origins browsers may call the API from (CORS): default '*', any origin. */
  corsOrigins?: '*' | string[]
}
