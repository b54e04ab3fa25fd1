// One websocket connection as a queue of events read in order: the text messages, then its close.
// Uses the platform WebSocket (browsers, and Node.js 24's global one).

export type SocketEvent =
  | { kind: 'message', data: string }
  | { kind: 'close', code: number, reason: string, opened: boolean }

export type WebSocketConstructor = new (url: string | URL) => WebSocket

export interface Socket {
  /** The next event; rejects with the signal's reason if it aborts first. */
  next: (signal?: AbortSignal) => Promise<SocketEvent>
  close: () => void
}

export function openSocket (url: string, Impl: WebSocketConstructor = WebSocket): Socket {
  const events: SocketEvent[] = []
  let wake: (() => void) | undefined
  let opened = false
  let closed = false
  const push = (event: SocketEvent): void => { events.push(event); wake?.() }
  const ws = new Impl(url)
  ws.addEventListener('open', () => { opened = true })
  ws.addEventListener('message', (event: MessageEvent) => {
    if (typeof event.data === 'string') push({ kind: 'message', data: event.data })
  })
  ws.addEventListener('close', (event: CloseEvent) => {
    if (closed) return
    closed = true
    push({ kind: 'close', code: event.code, reason: event.reason, opened })
  })
  return {
    async next (signal) {
      signal?.throwIfAborted()
      while (events.length === 0) {
        signal?.throwIfAborted()
        await new Promise<void>((resolve, reject) => {
          const onAbort = (): void => { wake = undefined; reject(signal?.reason) }
          wake = () => { wake = undefined; signal?.removeEventListener('abort', onAbort); resolve() }
          signal?.addEventListener('abort', onAbort, { once: true })
        })
      }
      return events.shift() as SocketEvent
    },
    close () {
      if (ws.readyState === ws.CONNECTING || ws.readyState === ws.OPEN) ws.close(1000)
    }
  }
}
