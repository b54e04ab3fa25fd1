// The settings of `bgproutes-live serve`, from (highest first) flags, the environment, the JSON
// config file, and defaults. Every setting is in the one table of docs/serve.md.
import { ConfigError, parseListenAddress, resolveConfig } from '../sources/bgp/collector-config.ts'
import type { CollectorConfig, ListenAddress } from '../sources/bgp/collector-config.ts'
import { DEFAULT_BMP_LISTEN } from '../sources/bmp/station.ts'
import { DEFAULT_DATA_DIR } from '../store/open-store.ts'
import { DEFAULT_IDLE_TIMEOUT_MS } from '../store/types.ts'
import type { DeliveryLogOptions } from '../matcher/delivery-log.ts'
import { DEFAULT_SESSION_LIMITS } from '../gateway/stream-session.ts'
import type { SessionLimits } from '../gateway/stream-session.ts'
import { parseDuration } from './duration.ts'

export const DEFAULT_HTTP_LISTEN = '127.0.0.1:8080'
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const
export type LogLevel = typeof LOG_LEVELS[number]

export interface ServeConfig {
  dataDir: string
  /** PostgreSQL URL; undefined for the embedded SQLite store. */
  databaseUrl: string | undefined
  /** The live manager API (and, unless `listenWs` is set, the websocket stream). */
  listenHttp: ListenAddress
  /** The websocket stream on its own address; undefined to share the API's. */
  listenWs: ListenAddress | undefined
  /** The BGP collector (listen addresses, peers, accept rule, queue). */
  collector: CollectorConfig
  /** The BMP station; undefined when disabled. */
  listenBmp: string | undefined
  idleTimeoutMs: number
  /** How long a websocket session holds its place in the store without a renewal; undefined for the store's default (90 s). */
  sessionLeaseMs: number | undefined
  expiryIntervalMs: number
  logLevel: LogLevel
  stream: SessionLimits
  deliveryLog: DeliveryLogOptions
  replay: string[]
  /** Records per second multiplier of the files' own pace; 'max' for as fast as the pipeline takes them. */
  replaySpeed: number | 'max'
  /** Longest wait for sessions to take their last frames at shutdown. */
  shutdownTimeoutMs: number
  /** Run the sources and the matcher in a worker thread of their own (docs/serve.md, "Threads"); default true. */
  ingestThread: boolean
}

export interface ServeFlags {
  'data-dir'?: string
  'listen-http'?: string
  'listen-ws'?: string
  'listen-bgp'?: string[]
  'listen-bmp'?: string
  'idle-timeout'?: string
  'expiry-interval'?: string
  'log-level'?: string
  replay?: string[]
  'replay-speed'?: string
  'shutdown-timeout'?: string
}

const FILE_KEYS = ['dataDir', 'databaseUrl', 'listenHttp', 'listenWs', 'listenBmp', 'idleTimeout', 'sessionLease', 'expiryInterval', 'logLevel', 'replay', 'replaySpeed', 'shutdownTimeout', 'collector', 'stream', 'deliveryLog', 'ingestThread']
const STREAM_KEYS = ['pingInterval', 'renewInterval', 'closeTimeout', 'maxBufferedBytes', 'maxQueuedBytes']
const LOG_KEYS = ['maxFramesPerKey', 'maxBytesPerKey', 'maxBytes']

type Env = Readonly<Record<string, string | undefined>>

/** The settings, or a ConfigError naming the one that is wrong. `file` is the parsed config file ({} without one). */
export function resolveServeConfig (flags: ServeFlags, env: Env, file: unknown): ServeConfig {
  if (typeof file !== 'object' || file === null || Array.isArray(file)) throw new ConfigError('config file: expected a JSON object')
  const f = file as Record<string, unknown>
  for (const k of Object.keys(f)) if (!FILE_KEYS.includes(k)) throw new ConfigError(`config file: unknown setting ${JSON.stringify(k)} (known: ${FILE_KEYS.join(', ')})`)
  const pick = (flag: string | undefined, envName: string, fileKey: string): string | undefined => {
    if (flag !== undefined) return flag
    const e = env[envName]
    if (e !== undefined && e !== '') return e
    const v = f[fileKey]
    if (v === undefined) return undefined
    if (typeof v !== 'string' && typeof v !== 'number') throw new ConfigError(`config file: ${fileKey} must be a string`)
    return String(v)
  }
  const duration = (text: string | undefined, fallback: number, what: string): number => {
    if (text === undefined) return fallback
    try {
      return parseDuration(text, what)
    } catch (e) {
      throw new ConfigError((e as Error).message)
    }
  }
  const isNone = (text: string | undefined): boolean => text === 'none' || text === 'off' || text === ''

  const httpText = pick(flags['listen-http'], 'BGPL_LISTEN_HTTP', 'listenHttp') ?? DEFAULT_HTTP_LISTEN
  const wsText = pick(flags['listen-ws'], 'BGPL_LISTEN_WS', 'listenWs')
  const listenHttp = parseListenAddress(httpText)
  const listenWs = wsText === undefined || isNone(wsText) || wsText === httpText ? undefined : parseListenAddress(wsText)

  // The collector: the config file's `collector` object (docs/collector.md), its listen list replaced by flag or environment.
  const collectorJson: Record<string, unknown> = f.collector === undefined ? {} : { ...(f.collector as Record<string, unknown>) }
  if (typeof f.collector !== 'undefined' && (typeof f.collector !== 'object' || f.collector === null)) throw new ConfigError('config file: collector must be an object')
  const bgpEnv = env.BGPL_LISTEN_BGP
  const bgpList = flags['listen-bgp'] ?? (bgpEnv !== undefined && bgpEnv !== '' ? bgpEnv.split(',').map((s) => s.trim()) : undefined)
  if (bgpList !== undefined) collectorJson.listen = bgpList.length === 1 && isNone(bgpList[0]) ? [] : bgpList
  let collector: CollectorConfig
  try {
    collector = resolveConfig(collectorJson)
  } catch (e) {
    throw new ConfigError(`collector: ${(e as Error).message}`)
  }

  const bmpText = pick(flags['listen-bmp'], 'BGPL_LISTEN_BMP', 'listenBmp') ?? DEFAULT_BMP_LISTEN
  const listenBmp = isNone(bmpText) ? undefined : bmpText
  if (listenBmp !== undefined) parseListenAddress(listenBmp)

  const logLevel = pick(flags['log-level'], 'LOG_LEVEL', 'logLevel') ?? 'info'
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) throw new ConfigError(`log level must be one of ${LOG_LEVELS.join(', ')}, not ${JSON.stringify(logLevel)}`)

  const speedText = pick(flags['replay-speed'], 'BGPL_REPLAY_SPEED', 'replaySpeed') ?? 'max'
  const speed = speedText === 'max' ? 'max' : Number(speedText)
  if (speed !== 'max' && !(Number.isFinite(speed) && speed > 0)) throw new ConfigError(`replay speed must be a number above 0 (1 = the files' own pace) or max, not ${JSON.stringify(speedText)}`)
  const fileReplay = f.replay === undefined ? [] : f.replay
  if (!Array.isArray(fileReplay) || !fileReplay.every((x) => typeof x === 'string')) throw new ConfigError('config file: replay must be a list of file names')

  if (f.ingestThread !== undefined && typeof f.ingestThread !== 'boolean') throw new ConfigError('config file: ingestThread must be true or false')
  const threadEnv = env.BGPL_INGEST_THREAD
  const threadText = threadEnv !== undefined && threadEnv !== '' ? threadEnv : f.ingestThread === false ? 'off' : 'on'
  if (!['on', 'off'].includes(threadText)) throw new ConfigError(`BGPL_INGEST_THREAD must be on or off, not ${JSON.stringify(threadText)}`)

  const stream = streamLimits(f.stream, duration)
  const deliveryLog = logBounds(f.deliveryLog)
  const dataDir = pick(flags['data-dir'], 'BGPL_DATA_DIR', 'dataDir') ?? DEFAULT_DATA_DIR
  const databaseUrl = pick(undefined, 'DATABASE_URL', 'databaseUrl')

  return {
    dataDir,
    databaseUrl: databaseUrl === '' ? undefined : databaseUrl,
    listenHttp,
    listenWs,
    collector,
    listenBmp,
    idleTimeoutMs: duration(pick(flags['idle-timeout'], 'BGPL_IDLE_TIMEOUT', 'idleTimeout'), DEFAULT_IDLE_TIMEOUT_MS, 'idle timeout'),
    sessionLeaseMs: sessionLease(pick(undefined, 'BGPL_SESSION_LEASE', 'sessionLease'), stream.renewIntervalMs, duration),
    expiryIntervalMs: duration(pick(flags['expiry-interval'], 'BGPL_EXPIRY_INTERVAL', 'expiryInterval'), 60_000, 'expiry interval'),
    logLevel: logLevel as LogLevel,
    stream,
    deliveryLog,
    replay: flags.replay ?? (fileReplay as string[]),
    replaySpeed: speed,
    shutdownTimeoutMs: duration(pick(flags['shutdown-timeout'], 'BGPL_SHUTDOWN_TIMEOUT', 'shutdownTimeout'), 10_000, 'shutdown timeout'),
    ingestThread: threadText === 'on'
  }
}

function sessionLease (text: string | undefined, renewIntervalMs: number, duration: (text: string | undefined, fallback: number, what: string) => number): number | undefined {
  if (text === undefined) return undefined
  const ms = duration(text, 0, 'session lease')
  // Two renewals may fail (a store hiccup) before a live session loses its place.
  if (ms < 3 * renewIntervalMs) throw new ConfigError(`session lease must be at least 3 times the lease renewal interval (${renewIntervalMs} ms), not ${ms} ms`)
  return ms
}

function streamLimits (value: unknown, duration: (text: string | undefined, fallback: number, what: string) => number): SessionLimits {
  const d = DEFAULT_SESSION_LIMITS
  if (value === undefined) return { ...d }
  const v = object(value, 'stream', STREAM_KEYS)
  const text = (k: string): string | undefined => v[k] === undefined ? undefined : String(v[k])
  return {
    pingIntervalMs: duration(text('pingInterval'), d.pingIntervalMs, 'stream.pingInterval'),
    renewIntervalMs: duration(text('renewInterval'), d.renewIntervalMs, 'stream.renewInterval'),
    closeTimeoutMs: duration(text('closeTimeout'), d.closeTimeoutMs, 'stream.closeTimeout'),
    maxBufferedBytes: positive(v.maxBufferedBytes, d.maxBufferedBytes, 'stream.maxBufferedBytes'),
    maxQueuedBytes: positive(v.maxQueuedBytes, d.maxQueuedBytes, 'stream.maxQueuedBytes')
  }
}

function logBounds (value: unknown): DeliveryLogOptions {
  if (value === undefined) return {}
  const v = object(value, 'deliveryLog', LOG_KEYS)
  const out: DeliveryLogOptions = {}
  if (v.maxFramesPerKey !== undefined) out.maxFramesPerKey = positive(v.maxFramesPerKey, 0, 'deliveryLog.maxFramesPerKey')
  if (v.maxBytesPerKey !== undefined) out.maxBytesPerKey = positive(v.maxBytesPerKey, 0, 'deliveryLog.maxBytesPerKey')
  if (v.maxBytes !== undefined) out.maxBytes = positive(v.maxBytes, 0, 'deliveryLog.maxBytes')
  return out
}

function object (value: unknown, what: string, keys: string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`config file: ${what} must be an object`)
  for (const k of Object.keys(value)) if (!keys.includes(k)) throw new ConfigError(`config file: unknown setting ${what}.${k} (known: ${keys.join(', ')})`)
  return value as Record<string, unknown>
}

function positive (value: unknown, fallback: number, what: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw new ConfigError(`config file: ${what} must be a whole number above 0`)
  return value
}
