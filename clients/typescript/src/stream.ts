// The key's stream as an async iterable, with automatic reconnect (exponential backoff with
// jitter) and resume by seq: the frames delivered to the caller have no gap and no duplicate
// across reconnects; lost frames (the server no longer had them) come as a gap frame.
import { backoffDelay, sleep } from './backoff.ts'
import type { BackoffOptions } from './backoff.ts'
import { BgplError, ConnectionError, codeOfClose, errorFromCode, errorFromFrame } from './errors.ts'
import type { ErrorFrame, StreamMessage } from './frames.ts'
import { openSocket } from './socket.ts'
import type { WebSocketConstructor } from './socket.ts'

export interface StreamOptions {
  wsUrl: string
  apiKey: string
  /** Start after this seq (0: everything the server still keeps); without it, live frames only. */
  since?: number | undefined
  signal?: AbortSignal | undefined
  /** Reconnect when the connection ends (default true). */
  reconnect?: boolean | undefined
  /** Give up after this many reconnects in a row without a frame (default Infinity). */
  maxReconnectAttempts?: number | undefined
  backoff?: BackoffOptions | undefined
  WebSocket?: WebSocketConstructor | undefined
  /** Called before each reconnect's wait. */
  onReconnect?: ((info: ReconnectInfo) => void) | undefined
  /** Counters kept up to date as the stream runs. */
  stats?: StreamStats | undefined
}

export interface ReconnectInfo {
  attempt: number
  delayMs: number
  since: number | undefined
  /** Why the connection ended: a typed error, or a ConnectionError (close code, network). */
  error: Error
}

export interface StreamStats {
  /** Frames delivered (data frames; gap frames not counted). */
  messages: number
  reconnects: number
  /** The seq of the last frame delivered to the caller. */
  lastSeq: number | undefined
}

export function newStats (): StreamStats {
  return { messages: 0, reconnects: 0, lastSeq: undefined }
}

export function streamUrl (wsUrl: string, apiKey: string, since: number | undefined): string {
  const url = new URL(wsUrl)
  url.searchParams.set('api_key', apiKey)
  if (since !== undefined) url.searchParams.set('since', String(since))
  return url.toString()
}

function isAborted (signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true
}

/** Errors worth another connection: the service is restarting, the link broke, we read too slowly. */
function retryable (error: Error, reconnecting: boolean): boolean {
  if (!(error instanceof BgplError)) return true
  switch (error.code) {
    case 'SLOW_CONSUMER': case 'INTERNAL': case 'RATE_LIMITED': return true
    // After a cut, the server may still hold the old session until its keepalive notices.
    case 'SESSION_ALREADY_OPEN': return reconnecting
    default: return false
  }
}

/**
 * The frames of the key, in order. Ends (without error) when `signal` aborts; throws the typed
 * error of a refusal that another connection would not cure (unknown key, no prefixes, ...).
 */
export async function * streamMessages (options: StreamOptions): AsyncGenerator<StreamMessage, void, undefined> {
  const { signal } = options
  const stats = options.stats ?? newStats()
  const reconnect = options.reconnect ?? true
  const maxAttempts = options.maxReconnectAttempts ?? Infinity
  let since = options.since
  let lastSeq = options.since
  let attempt = 0
  let everOpened = false
  while (!isAborted(signal)) {
    const socket = openSocket(streamUrl(options.wsUrl, options.apiKey, since), options.WebSocket)
    let errorFrame: ErrorFrame | undefined
    let closeCode = 1006
    let opened = false
    try {
      for (;;) {
        let event
        try {
          event = await socket.next(signal)
        } catch {
          return // aborted
        }
        if (event.kind === 'close') {
          closeCode = event.code
          opened = event.opened
          break
        }
        const frame = JSON.parse(event.data) as StreamMessage | ErrorFrame
        if ('error' in frame) { errorFrame = frame; continue }
        if (frame.record_type === 'gap') {
          // Frames since+1 .. first_seq-1 are gone; for `reset` the numbering starts again.
          lastSeq = frame.first_seq - 1
          since = lastSeq
          yield frame
          continue
        }
        if (lastSeq !== undefined && frame.seq <= lastSeq) continue // already delivered
        lastSeq = frame.seq
        since = frame.seq
        attempt = 0
        stats.lastSeq = frame.seq
        stats.messages++
        yield frame
      }
    } finally {
      socket.close()
    }
    everOpened ||= opened
    const code = codeOfClose(closeCode)
    const error: Error = errorFrame !== undefined
      ? errorFromFrame(errorFrame, closeCode)
      : code !== undefined
        ? errorFromCode(code, `The stream was closed with ${closeCode} (${code})`, { closeCode })
        : new ConnectionError(opened ? `The stream was closed (${closeCode})` : `Cannot connect to ${new URL(options.wsUrl).origin} (${closeCode})`, { closeCode })
    if (isAborted(signal)) return
    if (!reconnect || !everOpened || !retryable(error, stats.messages > 0 || attempt > 0)) throw error
    if (errorFrame?.code === 'SLOW_CONSUMER' && typeof errorFrame.last_seq === 'number' && lastSeq === undefined) since = errorFrame.last_seq
    if (attempt >= maxAttempts) throw error
    const delayMs = backoffDelay(attempt, options.backoff)
    attempt++
    stats.reconnects++
    options.onReconnect?.({ attempt, delayMs, since, error })
    try {
      await sleep(delayMs, signal)
    } catch {
      return // aborted
    }
  }
}
