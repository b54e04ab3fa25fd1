// Exponential backoff with full jitter: attempt n waits a random time in [0, min(max, base * 2^n)],
// never less than `min` (so that reconnects do not hammer a server that just refused).

export interface BackoffOptions {
  /** First ceiling, ms (default 500). */
  baseMs?: number
  /** Largest ceiling, ms (default 30 000). */
  maxMs?: number
  /** Shortest wait, ms (default 100). */
  minMs?: number
  random?: () => number
}

export function backoffDelay (attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 500
  const max = options.maxMs ?? 30_000
  const min = Math.min(options.minMs ?? 100, max)
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt, 30))
  return Math.max(min, Math.floor((options.random ?? Math.random)() * ceiling))
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export async function sleep (ms: number, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted()
  await new Promise<void>((resolve, reject) => {
    const onAbort = (): void => { clearTimeout(timer); reject(signal?.reason) }
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve() }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
