// A live service with its websocket gateway on an ephemeral loopback port, over a real store
// (node:sqlite in a temp dir), with real ws clients that record every frame and the close.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WebSocket } from 'ws'
import type { ClientOptions } from 'ws'
import { Registry } from 'prom-client'
import { InProcessBus } from '../../src/bus/in-process-bus.ts'
import { LocalFrameFeed } from '../../src/gateway/local-frame-feed.ts'
import { StreamGateway } from '../../src/gateway/stream-gateway.ts'
import type { SessionLimits } from '../../src/gateway/stream-session.ts'
import { ApiKeys } from '../../src/keys/api-keys.ts'
import type { KeySecret } from '../../src/keys/secret.ts'
import { createLogger, silentLogger } from '../../src/log.ts'
import { DeliveryLog } from '../../src/matcher/delivery-log.ts'
import type { DeliveryLogOptions } from '../../src/matcher/delivery-log.ts'
import { LiveService } from '../../src/service/live-service.ts'
import { createServiceMetrics } from '../../src/service/service-metrics.ts'
import type { ServiceMetrics } from '../../src/service/service-metrics.ts'
import { openSqliteStore } from '../../src/store/sqlite-store.ts'
import type { Store, StoreOptions } from '../../src/store/types.ts'

const SECRET: KeySecret = { bytes: Buffer.alloc(32, 0x42), source: 'test' }

export interface FixtureOptions {
  limits?: Partial<SessionLimits>
  log?: DeliveryLogOptions
  store?: StoreOptions
  now?: () => Date
}

export interface GatewayFixture {
  store: Store
  apiKeys: ApiKeys
  service: LiveService
  gateway: StreamGateway
  bus: InProcessBus
  metrics: ServiceMetrics
  registry: Registry
  url: string
  /** A key with these prefixes, known to the matcher. */
  makeKey: (prefixes: string[]) => Promise<{ key: string, id: string }>
  connect: (query: string, options?: ClientOptions) => Promise<StreamClient>
  close: () => Promise<void>
}

export interface StreamClient {
  ws: WebSocket
  frames: Array<Record<string, unknown>>
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number, reason: string }>
  /** Wait until `test` holds for the frames so far (bounded). */
  waitFor: (test: (frames: Array<Record<string, unknown>>) => boolean, what: string, timeoutMs?: number) => Promise<void>
}

export async function startGatewayFixture (options: FixtureOptions = {}): Promise<GatewayFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'bgpl-gateway-'))
  const store = await openSqliteStore(join(dir, 'store.sqlite'), options.store)
  const apiKeys = await ApiKeys.open(store, SECRET)
  const logger = process.env.TEST_LOG === '1' ? createLogger({ level: 'debug' }) : silentLogger()
  const registry = new Registry()
  const metrics = createServiceMetrics(registry)
  const bus = new InProcessBus()
  const service = new LiveService({ store, bus, logger, metrics, deliveryLog: new DeliveryLog(options.log), now: options.now, expiryIntervalMs: 0 })
  await service.start()
  const gateway = new StreamGateway({ feed: new LocalFrameFeed(service, metrics), store: service.store, now: service.now, apiKeys, logger, metrics, limits: options.limits })
  const server: Server = createServer((_req, res) => { res.writeHead(426).end() })
  gateway.attach(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const url = `ws://127.0.0.1:${port}`
  const clients: StreamClient[] = []
  const now = options.now ?? (() => new Date())

  return {
    store,
    apiKeys,
    service,
    gateway,
    bus,
    metrics,
    registry,
    url,
    makeKey: async (prefixes) => {
      const { key, record } = await apiKeys.create({ prefixes, now: now() })
      service.setKeyPrefixes(record.id, record.prefixes)
      return { key, id: record.id }
    },
    connect: async (query, clientOptions) => {
      const client = openClient(`${url}/${query}`, clientOptions)
      clients.push(client)
      await new Promise<void>((resolve, reject) => {
        client.ws.once('open', () => { resolve() })
        client.ws.once('error', reject)
      })
      return client
    },
    close: async () => {
      for (const c of clients) c.ws.terminate()
      await gateway.close(1000)
      await new Promise<void>((resolve) => { server.close(() => { resolve() }); server.closeAllConnections() })
      await service.stop()
      await bus.close()
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

export function openClient (url: string, options?: ClientOptions): StreamClient {
  const ws = new WebSocket(url, options)
  const frames: Array<Record<string, unknown>> = []
  const wakers = new Set<() => void>()
  ws.on('message', (data) => {
    frames.push(JSON.parse(String(data)) as Record<string, unknown>)
    for (const w of [...wakers]) w()
  })
  ws.on('error', () => {})
  const closed = new Promise<{ code: number, reason: string }>((resolve) => {
    ws.once('close', (code, reason) => {
      resolve({ code, reason: String(reason) })
      for (const w of [...wakers]) w()
    })
  })
  const waitFor = async (test: (f: Array<Record<string, unknown>>) => boolean, what: string, timeoutMs = 5000): Promise<void> => {
    const deadline = Date.now() + timeoutMs
    while (!test(frames)) {
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${frames.length} frames: ${JSON.stringify(frames.slice(-5))}`)
      await new Promise<void>((resolve) => {
        const done = (): void => { clearTimeout(t); wakers.delete(done); resolve() }
        const t = setTimeout(done, Math.min(left, 100))
        wakers.add(done)
      })
    }
  }
  return { ws, frames, closed, waitFor }
}

/** A stream client, once its websocket is open (rejects on a connection error). */
export async function connectClient (url: string, options?: ClientOptions): Promise<StreamClient> {
  const client = openClient(url, options)
  await new Promise<void>((resolve, reject) => {
    client.ws.once('open', () => { resolve() })
    client.ws.once('error', reject)
  })
  return client
}
