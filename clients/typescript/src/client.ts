// The client of one API key: its prefix list and state over HTTP, its frames over the websocket.
import type { BackoffOptions } from './backoff.ts'
import type { KeyStatus, StreamMessage } from './frames.ts'
import { getKeyStatus, putPrefixes } from './http.ts'
import type { WebSocketConstructor } from './socket.ts'
import { newStats, streamMessages } from './stream.ts'
import type { ReconnectInfo, StreamStats } from './stream.ts'

export const DEFAULT_API_URL = 'http://127.0.0.1:8080'
export const DEFAULT_WS_URL = 'ws://127.0.0.1:8080/'

export interface ClientOptions {
  apiKey: string
  /** The live manager API (default http://127.0.0.1:8080). */
  apiUrl?: string | undefined
  /** The websocket stream (default ws://127.0.0.1:8080/). */
  wsUrl?: string | undefined
  /** Reconnect when the stream ends (default true). */
  reconnect?: boolean | undefined
  maxReconnectAttempts?: number | undefined
  backoff?: BackoffOptions | undefined
  onReconnect?: ((info: ReconnectInfo) => void) | undefined
  fetch?: typeof fetch | undefined
  WebSocket?: WebSocketConstructor | undefined
}

export interface MessagesOptions {
  /** Start after this seq (0: all the server keeps); default: live frames from now on. */
  since?: number | undefined
  /** Aborting ends the iteration (no error) and closes the connection. */
  signal?: AbortSignal | undefined
}

export class BgproutesLiveClient {
  readonly apiUrl: string
  readonly wsUrl: string
  /** Counters of the streams of this client: frames delivered, reconnects, the last seq. */
  readonly stats: StreamStats = newStats()
  readonly #options: ClientOptions

  constructor (options: ClientOptions) {
    if (typeof options.apiKey !== 'string' || options.apiKey === '') throw new TypeError('apiKey is required')
    this.#options = options
    this.apiUrl = options.apiUrl ?? DEFAULT_API_URL
    this.wsUrl = options.wsUrl ?? DEFAULT_WS_URL
  }

  /** Replaces the key's prefix list; throws PrefixRejectedError (with its reason) when refused. */
  async setPrefixes (prefixes: readonly string[], options: { signal?: AbortSignal } = {}): Promise<KeyStatus> {
    return await putPrefixes(this.#http(options.signal), prefixes)
  }

  /** The key's state: prefixes, limits, open sessions, expiry. */
  async status (options: { signal?: AbortSignal } = {}): Promise<KeyStatus> {
    return await getKeyStatus(this.#http(options.signal))
  }

  /** The key's frames, and a gap frame where some were lost; reconnects and resumes by seq. */
  messages (options: MessagesOptions = {}): AsyncGenerator<StreamMessage, void, undefined> {
    const o = this.#options
    return streamMessages({
      wsUrl: this.wsUrl,
      apiKey: o.apiKey,
      since: options.since ?? this.stats.lastSeq,
      signal: options.signal,
      reconnect: o.reconnect,
      maxReconnectAttempts: o.maxReconnectAttempts,
      backoff: o.backoff,
      WebSocket: o.WebSocket,
      onReconnect: o.onReconnect,
      stats: this.stats
    })
  }

  #http (signal: AbortSignal | undefined): { apiUrl: string, apiKey: string, signal: AbortSignal | undefined, fetch: typeof fetch | undefined } {
    return { apiUrl: this.apiUrl, apiKey: this.#options.apiKey, signal, fetch: this.#options.fetch }
  }
}
