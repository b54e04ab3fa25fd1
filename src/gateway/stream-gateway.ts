// The websocket stream: `GET /?api_key=KEY[&since=SEQ]` upgraded to a websocket that carries the
// key's frames (docs/protocol.md). It mounts on any HTTP server's `upgrade` event, so it can share
// the port of the live manager API or have its own.
//
// A connection is upgraded first and checked after, so that every refusal reaches the client as
// an error frame (`{"error": ...}`, what the public client reads) followed by a close with the
// error's code: a bad request, an unknown or revoked key, a key without prefixes, a key whose
// sessions are all open. An accepted connection opens a session in the store (its lease renewed
// while it lasts) and is handed to the frame feed (frame-feed.ts: the live service in this
// process, or the key's Kafka topic), which sends the frames it missed (`since`) then live ones.
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import type { WebSocket } from 'ws'
import { InternalError, toServiceError } from '../errors.ts'
import type { ServiceError } from '../errors.ts'
import type { ApiKeys } from '../keys/api-keys.ts'
import type { Logger } from '../log.ts'
import type { ServiceMetrics } from '../service/service-metrics.ts'
import type { OpenSession, Store } from '../store/types.ts'
import { errorFrame } from './control-frames.ts'
import { LeaseRenewer } from './lease-renewer.ts'
import type { FrameFeed } from './frame-feed.ts'
import { parseStreamRequest, requestPath } from './stream-request.ts'
import { DEFAULT_SESSION_LIMITS, StreamSession } from './stream-session.ts'
import type { SessionLimits } from './stream-session.ts'

export interface StreamGatewayOptions {
  feed: FrameFeed
  store: Store
  /** The clock; tests inject one. Default `() => new Date()`. */
  now?: () => Date
  apiKeys: ApiKeys
  logger: Logger
  metrics?: ServiceMetrics
  /** The stream's path; default `/`. */
  path?: string
  limits?: Partial<SessionLimits>
  /** Largest message a client may send (it has nothing to say); default 4 KiB. */
  maxClientPayload?: number
}

export class StreamGateway {
  private readonly feed: FrameFeed
  private readonly store: Store
  private readonly leases: LeaseRenewer
  private readonly now: () => Date
  private readonly apiKeys: ApiKeys
  private readonly logger: Logger
  private readonly metrics: ServiceMetrics | undefined
  private readonly path: string
  private readonly limits: SessionLimits
  private readonly wss: WebSocketServer
  private readonly sessions = new Set<StreamSession>()
  /** Connections upgraded and not yet accepted or refused. */
  private readonly pending = new Set<Promise<void>>()
  private closing = false

  constructor (options: StreamGatewayOptions) {
    this.feed = options.feed
    this.store = options.store
    this.leases = new LeaseRenewer({ store: options.store, now: () => this.now() })
    this.now = options.now ?? (() => new Date())
    this.apiKeys = options.apiKeys
    this.logger = options.logger
    this.metrics = options.metrics
    this.path = options.path ?? '/'
    this.limits = { ...DEFAULT_SESSION_LIMITS, ...options.limits }
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxClientPayload ?? 4096, perMessageDeflate: false, clientTracking: false })
  }

  /** Sessions open now. */
  get sessionCount (): number {
    return this.sessions.size
  }

  /** Sessions open now with a key. */
  sessionsFor (keyId: string): number {
    let n = 0
    for (const s of this.sessions) if (s.keyId === keyId) n++
    return n
  }

  /** Handle `upgrade` events of `server` (requests for other paths get 404). */
  attach (server: { on: (event: 'upgrade', listener: (req: IncomingMessage, socket: Duplex, head: Buffer) => void) => unknown }): void {
    server.on('upgrade', (req, socket, head) => { this.handleUpgrade(req, socket, head) })
  }

  handleUpgrade (req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => {})
    if (requestPath(req.url ?? '/') !== this.path) {
      rawResponse(socket, 404, 'Not Found', `no websocket here; the stream is at ${this.path}?api_key=KEY\n`)
      return
    }
    if (this.closing) {
      rawResponse(socket, 503, 'Service Unavailable', 'the service is shutting down\n')
      return
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const accepting = this.accept(ws, socket, req.url ?? '/')
      this.pending.add(accepting)
      const settled = (): void => { this.pending.delete(accepting) }
      accepting.then(settled, settled)
    })
  }

  /** Refuse new connections (503); open sessions go on. */
  stopAccepting (): void {
    this.closing = true
  }

  /**
   * Stop taking connections; let every session's queued frames be written (up to `drainTimeoutMs`),
   * then close each (1001, going away) and its store session.
   */
  async close (drainTimeoutMs = 5_000): Promise<void> {
    this.closing = true
    await Promise.all([...this.pending])
    const sessions = [...this.sessions]
    await withTimeout(Promise.all(sessions.map(async (s) => { await s.drained() })), drainTimeoutMs)
    for (const s of sessions) s.close(1001, 'the service is shutting down', 'shutdown')
    await Promise.all(sessions.map(async (s) => { await s.closed }))
    this.wss.close()
  }

  private async accept (ws: WebSocket, socket: Duplex, target: string): Promise<void> {
    const now = this.now
    const store = this.store
    let opened: OpenSession
    let since: number | undefined
    try {
      const request = parseStreamRequest(target)
      since = request.since
      const key = await this.apiKeys.authenticate(request.apiKey, now())
      opened = await store.openSession(key.id, now())
      this.feed.keyChecked?.(key.id, key.prefixes)
    } catch (err) {
      this.refuse(ws, toServiceError(err))
      return
    }
    if (ws.readyState !== ws.OPEN || this.closing) {
      // Gone while we were checking (or we are stopping): give the slot back.
      await store.closeSession(opened.sessionId, now()).catch((err: unknown) => { this.logger.error({ err }, 'cannot close the session in the store') })
      if (this.closing) this.refuse(ws, new InternalError('The service is shutting down; connect again later.'))
      return
    }
    const logger = this.logger.child({ keyId: opened.keyId, session: opened.sessionId })
    let detach: (() => void) | undefined
    let gone = false
    const leases = this.leases
    const session = new StreamSession({
      renewLease: async (id) => await leases.renew(id),
      ws,
      socket,
      keyId: opened.keyId,
      sessionId: opened.sessionId,
      store,
      now,
      logger,
      metrics: this.metrics,
      limits: this.limits,
      onClosed: (s) => {
        gone = true
        detach?.()
        this.sessions.delete(s)
        this.metrics?.sessions.set(this.sessions.size)
      }
    })
    this.sessions.add(session)
    this.metrics?.sessionsOpened.inc()
    this.metrics?.sessions.set(this.sessions.size)
    logger.info({ since }, 'stream opened')
    try {
      const stop = await this.feed.subscribe(opened.keyId, session, since)
      if (gone) stop()
      else detach = stop
    } catch (err) {
      logger.error({ err }, 'cannot start the key\'s frames')
      session.fail(new InternalError('The stream cannot read the key\'s frames now; connect again later.'), 'error')
    }
  }

  private refuse (ws: WebSocket, error: ServiceError): void {
    this.metrics?.sessionsRefused.inc({ code: error.code })
    if (error.code === 'INTERNAL') this.logger.error({ err: error.cause ?? error }, 'stream refused: internal error')
    else this.logger.info({ code: error.code }, 'stream refused')
    ws.on('error', () => {})
    if (ws.readyState !== ws.OPEN) return
    ws.send(errorFrame(error))
    ws.close(error.wsCloseCode, error.closeReason())
    const cut = setTimeout(() => { ws.terminate() }, this.limits.closeTimeoutMs)
    cut.unref()
    ws.once('close', () => { clearTimeout(cut) })
  }
}

function rawResponse (socket: Duplex, status: number, text: string, body: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
}

async function withTimeout (promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([promise, new Promise<void>((resolve) => { timer = setTimeout(resolve, ms) })])
  clearTimeout(timer)
}
