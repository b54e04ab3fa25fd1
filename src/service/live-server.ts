// The whole live service in one process, as `bgproutes-live serve` runs it:
//
//   ┌ ingest thread ──────────────────────────────────────────┐
//   │ BGP collector ─┐                                         │
//   │ BMP station  ──┴▶ record queue ─▶ bus ─▶ matcher ────────┼─▶ delivery log ─▶ websocket sessions
//   └──────────────────────────────────────────────────────────┘    ▲               (gateway)
//   MRT replay ─▶ bus ─▶ matcher ────────────────────────────────────┘
//   live manager API (HTTP) ─▶ store ─▶ matchers (prefix changes, at once)
//
// The sources and their matcher run in a worker thread of their own (src/service/ingest/,
// `ingestThread`, default on), so that decoding and matching do not hold up the main thread's
// socket writes to the clients (docs/serve.md, "Threads"); with it off they run here, on the
// main thread's bus, as the replay always does.
//
// `startLiveServer` opens the store, loads the associations, starts listening and returns the
// addresses; `stop` shuts down losing nothing accepted: sources stop first (BGP sessions get a
// Cease, their peer-down records still flow), the queue and the bus are drained through the
// matcher, sessions get their last frames (bounded by the shutdown timeout) and a 1001 close,
// then the API and the store close.
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { collectDefaultMetrics, Registry } from 'prom-client'
import { buildApi } from '../api/app.ts'
import { InProcessBus } from '../bus/in-process-bus.ts'
import { LocalFrameFeed } from '../gateway/local-frame-feed.ts'
import { StreamGateway } from '../gateway/stream-gateway.ts'
import { ApiKeys } from '../keys/api-keys.ts'
import { prefixPolicyFromEnv } from '../keys/prefixes.ts'
import { loadKeySecret } from '../keys/secret.ts'
import type { Logger } from '../log.ts'
import { DeliveryLog } from '../matcher/delivery-log.ts'
import { Collector } from '../sources/bgp/collector.ts'
import { startBmpStation } from '../sources/bmp/station.ts'
import type { BmpStation } from '../sources/bmp/station.ts'
import { openStore } from '../store/open-store.ts'
import type { Store } from '../store/types.ts'
import { IngestThread } from './ingest/ingest-thread.ts'
import { LiveService } from './live-service.ts'
import { replayMrtFiles } from './mrt-replay.ts'
import type { ReplayResult } from './mrt-replay.ts'
import { pumpRecords } from './record-pump.ts'
import type { ServeConfig } from './serve-config.ts'
import { createServiceMetrics } from './service-metrics.ts'
import { registerStateMetrics } from './state-metrics.ts'

export interface LiveServerAddresses {
  /** `http://host:port` of the live manager API. */
  http: string
  /** `ws://host:port/` of the stream. */
  ws: string
  /** `host:port` of each BGP listener. */
  bgp: string[]
  /** `host:port` of the BMP station, when it runs. */
  bmp: string | undefined
}

export interface LiveServer {
  readonly addresses: LiveServerAddresses
  readonly service: LiveService
  readonly gateway: StreamGateway
  readonly registry: Registry
  /** Resolves when the replay (if any) is over. */
  readonly replayed: Promise<ReplayResult | undefined>
  /** Resolves if the ingest thread fails (it never should): the service cannot go on and should stop. */
  readonly failed: Promise<Error>
  stop: () => Promise<void>
}

export interface StartOptions {
  env: Readonly<Record<string, string | undefined>>
  logger: Logger
  /**
   * Every key's seqs start at seqBase + 1 (DeliveryLog); default `Date.now() * 1000` at the start,
   * so that a restart numbers above the previous run's seqs (docs/protocol.md).
   */
  seqBase?: number
}

export async function startLiveServer (config: ServeConfig, options: StartOptions): Promise<LiveServer> {
  const { env, logger } = options
  // Taken first: the seqs of this run start above this instant, in microseconds.
  const seqBase = options.seqBase ?? Date.now() * 1000
  const secret = loadKeySecret({ env, dataDir: config.dataDir, allowGenerate: config.databaseUrl === undefined })
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }, { idleTimeoutMs: config.idleTimeoutMs, ...(config.sessionLeaseMs === undefined ? {} : { sessionLeaseMs: config.sessionLeaseMs }) })
  const cleanups: Array<() => Promise<void>> = [async () => { await store.close() }]
  const undo = async (): Promise<void> => { for (const c of cleanups.reverse()) await c().catch(() => {}) }
  try {
    return await start(store)
  } catch (err) {
    await undo()
    throw err
  }

  async function start (store: Store): Promise<LiveServer> {
    const apiKeys = await ApiKeys.open(store, secret, prefixPolicyFromEnv(env))
    const registry = new Registry()
    collectDefaultMetrics({ register: registry })
    const metrics = createServiceMetrics(registry)
    const bus = new InProcessBus()
    let ingest: IngestThread | undefined
    let fail: (err: Error) => void = () => {}
    const failed = new Promise<Error>((resolve) => { fail = resolve })
    const service = new LiveService({
      store,
      bus,
      logger: logger.child({ component: 'matcher' }),
      metrics,
      deliveryLog: new DeliveryLog({ ...config.deliveryLog, seqBase }),
      expiryIntervalMs: config.expiryIntervalMs,
      onPrefixesApplied: (keyId, prefixes) => { ingest?.setKeyPrefixes(keyId, prefixes) }
    })
    await service.start()
    cleanups.push(async () => { await bus.close(); await service.stop() })
    const gateway = new StreamGateway({ feed: new LocalFrameFeed(service, metrics), store, now: service.now, apiKeys, logger: logger.child({ component: 'stream' }), metrics, limits: config.stream })
    let ready = false
    const api = buildApi({
      store,
      apiKeys,
      logger: logger.child({ component: 'api' }),
      metrics: registry,
      onPrefixesChanged: (keyId, prefixes) => { service.setKeyPrefixes(keyId, prefixes) },
      sessionsFor: (keyId) => gateway.sessionsFor(keyId),
      ready: () => ready,
      idleTimeoutMs: config.idleTimeoutMs
    })
    let wsServer: Server | undefined
    if (config.listenWs === undefined) {
      gateway.attach(api.server)
    } else {
      wsServer = createServer((_req, res) => {
        res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' }).end('the stream is a websocket: connect to /?api_key=KEY\n')
      })
      gateway.attach(wsServer)
    }
    await api.listen({ host: config.listenHttp.host, port: config.listenHttp.port })
    cleanups.push(async () => { await api.close() })
    const httpAddress = api.server.address() as AddressInfo
    let wsAddress = httpAddress
    if (wsServer !== undefined && config.listenWs !== undefined) {
      const server = wsServer
      await listen(server, config.listenWs.host, config.listenWs.port)
      cleanups.push(async () => { await new Promise<void>((resolve) => { server.close(() => { resolve() }) }) })
      wsAddress = server.address() as AddressInfo
    }

    let collector: Collector | undefined
    let bmp: BmpStation | undefined
    let pump: Promise<number> = Promise.resolve(0)
    if (config.ingestThread) {
      const thread = new IngestThread({
        data: {
          collector: config.collector,
          listenBmp: config.listenBmp,
          associations: [...service.matcher.keyIds()].map((keyId) => [keyId, service.matcher.keyPrefixes(keyId)]),
          logLevel: config.logLevel,
          logBase: logger.bindings()
        },
        onFrames: (frames) => { service.deliverFrames(frames) },
        onRecords: (counts) => {
          for (const source in counts.sources) metrics.records.inc({ source }, counts.sources[source])
          for (const seconds of counts.matchSeconds) metrics.matchSeconds.observe(seconds)
        },
        onFailure: (err) => {
          logger.fatal({ err }, 'the ingest thread failed')
          fail(err)
        }
      })
      ingest = thread
      cleanups.push(async () => { await thread.stop() })
      await thread.ready
      registerStateMetrics(registry, { bus, deliveryLog: service.deliveryLog, matcher: service.matcher, sources: () => thread.stats })
    } else {
      const local = new Collector({ config: config.collector, logger: logger.child({ component: 'bgp-collector' }) })
      collector = local
      await local.start()
      cleanups.push(async () => { await local.stop(); local.queue.close() })
      if (config.listenBmp !== undefined) {
        bmp = await startBmpStation({ listen: config.listenBmp, source: config.collector.name, queue: local.queue, logger: logger.child({ component: 'bmp-station' }) })
        const station = bmp
        cleanups.push(async () => { await station.close() })
      }
      registerStateMetrics(registry, { bus, deliveryLog: service.deliveryLog, matcher: service.matcher, sources: { queue: local.queue, bmp: () => bmp } })
      pump = pumpRecords(local.queue, bus)
    }

    const abort = new AbortController()
    const replayLogger = logger.child({ component: 'replay' })
    const replayed = config.replay.length === 0
      ? Promise.resolve(undefined)
      : replayMrtFiles({ files: config.replay, speed: config.replaySpeed, bus, logger: replayLogger, signal: abort.signal }).then((r) => {
        replayLogger.info(r, r.aborted ? 'replay stopped' : 'replay done')
        return r
      }, (err: unknown) => {
        replayLogger.error({ err }, 'replay failed')
        return undefined
      })

    const addresses: LiveServerAddresses = {
      http: `http://${hostPort(httpAddress)}`,
      ws: `ws://${hostPort(wsAddress)}/`,
      bgp: (ingest?.bgp ?? collector?.listening() ?? []).map(hostPortText),
      bmp: bmp === undefined ? (ingest?.bmp === undefined ? undefined : hostPortText(ingest.bmp)) : hostPortText(bmp.address)
    }
    ready = true
    logger.info({ addresses, store: store.kind }, 'live service started')

    let stopping: Promise<void> | undefined
    const stop = async (): Promise<void> => {
      stopping ??= (async () => {
        ready = false
        gateway.stopAccepting()
        logger.info('stopping: sources first, then the pipeline is drained and the sessions flushed')
        abort.abort()
        await replayed
        // The ingest thread hands over its last frames before it ends.
        const ingested = await ingest?.stop() ?? 0
        await Promise.all([collector?.stop(), bmp?.close()])
        collector?.queue.close()
        const pumped = await pump + ingested
        await bus.close()
        await service.stop()
        await gateway.close(config.shutdownTimeoutMs)
        await api.close()
        if (wsServer !== undefined) {
          const server = wsServer
          await new Promise<void>((resolve) => { server.close(() => { resolve() }) })
        }
        await store.close()
        logger.info({ records: pumped, bus: { published: bus.stats.published, dropped: bus.stats.dropped }, log: service.deliveryLog.stats }, 'stopped')
      })()
      await stopping
    }
    return { addresses, service, gateway, registry, replayed, failed, stop }
  }
}

function hostPortText (a: { host: string, port: number }): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`
}

function hostPort (a: AddressInfo): string {
  return hostPortText({ host: a.address, port: a.port })
}

async function listen (server: Server, host: string, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host, port }, () => {
      server.off('error', reject)
      resolve()
    })
  })
}
