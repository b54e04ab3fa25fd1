// Session leases renewed together. Each open session renews its lease in the store periodically
// (stream-session.ts); a gateway with a thousand sessions doing it one transaction each made 200
// transactions a second through a pool of 10 connections, and under load their waits for a
// connection timed out (pg: "timeout exceeded when trying to connect"), the leases lapsed and the
// sessions were closed (measured in bench:kafka). Here the renewals asked within `delayMs` of each
// other share one store call (Store.renewSessions), one call at a time.
import type { Store } from '../store/types.ts'

export interface LeaseRenewerOptions {
  store: Pick<Store, 'renewSessions'>
  now: () => Date
  /** How long a renewal waits for others to join it; default 100 ms (leases last seconds). */
  delayMs?: number
}

interface Waiter {
  resolve: (until: Date | null) => void
  reject: (error: unknown) => void
}

export class LeaseRenewer {
  private readonly store: Pick<Store, 'renewSessions'>
  private readonly now: () => Date
  private readonly delayMs: number
  private wanted = new Map<string, Waiter[]>()
  private timer: NodeJS.Timeout | undefined
  private inFlight = false
  private calls = 0

  constructor (options: LeaseRenewerOptions) {
    this.store = options.store
    this.now = options.now
    this.delayMs = options.delayMs ?? 100
  }

  /** Store calls made so far. */
  get storeCalls (): number {
    return this.calls
  }

  /** Renew one session's lease: its new expiry, or null when the store no longer has the session. */
  async renew (sessionId: string): Promise<Date | null> {
    return await new Promise<Date | null>((resolve, reject) => {
      const waiting = this.wanted.get(sessionId)
      if (waiting !== undefined) waiting.push({ resolve, reject })
      else this.wanted.set(sessionId, [{ resolve, reject }])
      this.schedule()
    })
  }

  private schedule (): void {
    if (this.timer !== undefined || this.inFlight || this.wanted.size === 0) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.flush()
    }, this.delayMs)
    this.timer.unref()
  }

  private flush (): void {
    const batch = this.wanted
    this.wanted = new Map()
    this.inFlight = true
    this.calls++
    this.store.renewSessions([...batch.keys()], this.now()).then((result) => {
      for (const [id, waiters] of batch) for (const w of waiters) w.resolve(result.get(id) ?? null)
    }, (error: unknown) => {
      for (const waiters of batch.values()) for (const w of waiters) w.reject(error)
    }).finally(() => {
      this.inFlight = false
      this.schedule()
    })
  }
}
