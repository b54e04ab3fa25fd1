// Token buckets in memory, one per client (an API key or an IP address). Each bucket holds up
// to `perMinute` tokens and refills at `perMinute` per minute, so a client may burst a minute's
// worth of requests, then goes at the steady rate. The map is bounded: past `maxEntries` clients
// the least recently seen one is forgotten (a forgotten client starts again with a full bucket,
// which is what it would have after a minute of quiet anyway). Not shared between processes.

export const DEFAULT_MAX_BUCKETS = 10_000

export interface RateLimiterOptions {
  /** Requests a client may make per minute, and the most it may make in one burst. */
  perMinute: number
  /** Most clients remembered at once; default DEFAULT_MAX_BUCKETS. */
  maxEntries?: number
}

interface Bucket {
  tokens: number
  /** Milliseconds since the epoch when `tokens` was computed. */
  at: number
}

export class RateLimiter {
  readonly #capacity: number
  readonly #tokensPerMs: number
  readonly #maxEntries: number
  readonly #buckets = new Map<string, Bucket>()

  constructor (options: RateLimiterOptions) {
    if (!(options.perMinute > 0)) throw new RangeError(`a rate limit must be above 0 requests per minute, not ${options.perMinute}`)
    this.#capacity = options.perMinute
    this.#tokensPerMs = options.perMinute / 60_000
    this.#maxEntries = options.maxEntries ?? DEFAULT_MAX_BUCKETS
    if (!(this.#maxEntries >= 1)) throw new RangeError(`maxEntries must be at least 1, not ${this.#maxEntries}`)
  }

  /** Clients remembered now. */
  get size (): number {
    return this.#buckets.size
  }

  /**
   * Take a token from `client`'s bucket at `nowMs`. Returns 0 when one was taken (go ahead),
   * otherwise the whole seconds until one will be there (for Retry-After; at least 1).
   */
  take (client: string, nowMs: number): number {
    const bucket = this.#buckets.get(client)
    let tokens = this.#capacity
    if (bucket !== undefined) {
      // A clock that went back refills nothing rather than taking tokens away.
      tokens = Math.min(this.#capacity, bucket.tokens + Math.max(0, nowMs - bucket.at) * this.#tokensPerMs)
      this.#buckets.delete(client) // re-inserted below: Map order is then least recently seen first
    }
    const allowed = tokens >= 1
    if (allowed) tokens -= 1
    this.#buckets.set(client, { tokens, at: nowMs })
    if (this.#buckets.size > this.#maxEntries) {
      const oldest = this.#buckets.keys().next().value
      if (oldest !== undefined) this.#buckets.delete(oldest)
    }
    return allowed ? 0 : Math.max(1, Math.ceil((1 - tokens) / this.#tokensPerMs / 1000))
  }
}
