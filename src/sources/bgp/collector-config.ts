// The collector's configuration: the JSON file of `bgproutes-live collect --config` (every field
// is documented in docs/collector.md), checked and with defaults filled in.
import { parseIp } from '../../codec/address.ts'
import { parseCidr } from './cidr.ts'
import type { Cidr } from './cidr.ts'
import { FAMILIES, PEER_DEFAULTS } from './peer-config.ts'
import type { FamilyName, PeerConfig, PeerDefaults } from './peer-config.ts'

export interface ListenAddress {
  host: string
  port: number
}

export interface QueueConfig {
  capacity: number
  highWaterMark: number
  lowWaterMark: number
  /** Longest time a session's socket stays paused for backpressure before reading resumes (and records may drop). */
  maxPauseMs: number
}

export interface CollectorConfig {
  /** The `source` field of every record. */
  name: string
  /** Our BGP Identifier (RFC 4271 §4.2, RFC 6286). */
  routerId: string
  /** Our AS; 4-octet values go in the capability with AS_TRANS in the OPEN (RFC 6793 §4.1). */
  localAs: number
  /** Where to listen; empty for no listener. */
  listen: ListenAddress[]
  /** Addresses from which unconfigured peers are accepted, with the AS they announce. */
  accept: Cidr[]
  peerDefaults: PeerDefaults
  peers: PeerConfig[]
  queue: QueueConfig
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** `127.0.0.1:1179`, `[::1]:1179`, or `:1179` (all addresses). */
export function parseListenAddress (text: string): ListenAddress {
  let host: string
  let port: string
  if (text.startsWith('[')) {
    const close = text.indexOf(']')
    if (close === -1 || text[close + 1] !== ':') throw new ConfigError(`bad listen address ${JSON.stringify(text)}: use [v6]:port`)
    host = text.slice(1, close)
    port = text.slice(close + 2)
  } else {
    const colon = text.lastIndexOf(':')
    if (colon === -1 || text.indexOf(':') !== colon) throw new ConfigError(`bad listen address ${JSON.stringify(text)}: use host:port or [v6]:port`)
    host = text.slice(0, colon) === '' ? '::' : text.slice(0, colon)
    port = text.slice(colon + 1)
  }
  if (parseIp(host) === null) throw new ConfigError(`bad listen address ${JSON.stringify(text)}: ${JSON.stringify(host)} is not an IP address`)
  const n = Number(port)
  if (port === '' || !Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`bad listen port in ${JSON.stringify(text)}`)
  return { host, port: n }
}

type Json = Record<string, unknown>

function isObject (value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function checkKeys (obj: Json, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) throw new ConfigError(`${where}: unknown field ${JSON.stringify(key)}`)
  }
}

function int (value: unknown, where: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${where}: expected an integer from ${min} to ${max}, got ${JSON.stringify(value)}`)
  }
  return value
}

function bool (value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(`${where}: expected true or false`)
  return value
}

function str (value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw new ConfigError(`${where}: expected a non-empty string`)
  return value
}

function address (value: unknown, where: string): string {
  const text = str(value, where)
  if (parseIp(text) === null) throw new ConfigError(`${where}: ${JSON.stringify(text)} is not an IP address`)
  return text
}

function ipv4 (value: unknown, where: string): string {
  const text = str(value, where)
  const bytes = parseIp(text)
  if (bytes?.length !== 4) throw new ConfigError(`${where}: ${JSON.stringify(text)} is not an IPv4 address`)
  return text
}

/** RFC 4271 §4.2: a Hold Time is zero or at least three seconds. */
function holdTime (value: unknown, where: string): number {
  const n = int(value, where, 0, 65535)
  if (n === 1 || n === 2) throw new ConfigError(`${where}: a hold time is 0 or at least 3 (RFC 4271 §4.2)`)
  return n
}

function families (value: unknown, where: string): FamilyName[] {
  if (!Array.isArray(value) || value.length === 0) throw new ConfigError(`${where}: expected a non-empty list of families`)
  return value.map((f, i) => {
    if (typeof f !== 'string' || !(f in FAMILIES)) throw new ConfigError(`${where}[${i}]: expected one of ${Object.keys(FAMILIES).join(', ')}`)
    return f as FamilyName
  })
}

const PEER_OPTION_KEYS = ['holdTime', 'families', 'addPath', 'gracefulRestart', 'maxRestartTime', 'extendedMessage', 'connectRetryMinMs', 'connectRetryMaxMs'] as const

function peerOptions (obj: Json, base: PeerDefaults, where: string): PeerDefaults {
  const out = { ...base, families: [...base.families] }
  if (obj.holdTime !== undefined) out.holdTime = holdTime(obj.holdTime, `${where}.holdTime`)
  if (obj.families !== undefined) out.families = families(obj.families, `${where}.families`)
  if (obj.addPath !== undefined) out.addPath = bool(obj.addPath, `${where}.addPath`)
  if (obj.gracefulRestart !== undefined) out.gracefulRestart = bool(obj.gracefulRestart, `${where}.gracefulRestart`)
  if (obj.maxRestartTime !== undefined) out.maxRestartTime = int(obj.maxRestartTime, `${where}.maxRestartTime`, 0, 4095)
  if (obj.extendedMessage !== undefined) out.extendedMessage = bool(obj.extendedMessage, `${where}.extendedMessage`)
  if (obj.connectRetryMinMs !== undefined) out.connectRetryMinMs = int(obj.connectRetryMinMs, `${where}.connectRetryMinMs`, 10, 3_600_000)
  if (obj.connectRetryMaxMs !== undefined) out.connectRetryMaxMs = int(obj.connectRetryMaxMs, `${where}.connectRetryMaxMs`, 10, 3_600_000)
  if (out.connectRetryMaxMs < out.connectRetryMinMs) throw new ConfigError(`${where}: connectRetryMaxMs is below connectRetryMinMs`)
  return out
}

function peer (value: unknown, defaults: PeerDefaults, where: string): PeerConfig {
  if (!isObject(value)) throw new ConfigError(`${where}: expected an object`)
  checkKeys(value, ['address', 'remoteAs', 'passive', 'port', 'localAddress', 'name', ...PEER_OPTION_KEYS], where)
  const addr = address(value.address, `${where}.address`)
  const remoteAs = value.remoteAs === undefined || value.remoteAs === 'any' ? 'any' : int(value.remoteAs, `${where}.remoteAs`, 1, 0xffffffff)
  return {
    ...peerOptions(value, defaults, where),
    address: addr,
    remoteAs,
    passive: value.passive === undefined ? true : bool(value.passive, `${where}.passive`),
    port: value.port === undefined ? 179 : int(value.port, `${where}.port`, 1, 65535),
    localAddress: value.localAddress === undefined ? undefined : address(value.localAddress, `${where}.localAddress`),
    name: value.name === undefined ? addr : str(value.name, `${where}.name`),
    dynamic: false
  }
}

/** Loopback only (RFC 1122 §3.2.1.3, RFC 4291 §2.5.3). */
export const DEFAULT_ACCEPT = ['127.0.0.0/8', '::1/128']
export const DEFAULT_LISTEN = '127.0.0.1:1179'

/** Check a parsed JSON configuration and fill in the defaults. Throws ConfigError naming the field. */
export function resolveConfig (json: unknown): CollectorConfig {
  if (!isObject(json)) throw new ConfigError('configuration: expected a JSON object')
  checkKeys(json, ['name', 'routerId', 'localAs', 'listen', 'accept', 'peerDefaults', 'peers', 'queue'], 'configuration')
  const listenValue = json.listen === undefined ? [DEFAULT_LISTEN] : json.listen
  if (!Array.isArray(listenValue)) throw new ConfigError('listen: expected a list of "host:port"')
  const listen = listenValue.map((l, i) => parseListenAddress(str(l, `listen[${i}]`)))
  const acceptValue = json.accept === undefined ? DEFAULT_ACCEPT : json.accept
  if (!Array.isArray(acceptValue)) throw new ConfigError('accept: expected a list of CIDR blocks')
  const accept = acceptValue.map((c, i) => {
    try {
      return parseCidr(str(c, `accept[${i}]`))
    } catch (e) {
      throw new ConfigError(`accept[${i}]: ${(e as Error).message}`)
    }
  })
  let peerDefaults = PEER_DEFAULTS
  if (json.peerDefaults !== undefined) {
    if (!isObject(json.peerDefaults)) throw new ConfigError('peerDefaults: expected an object')
    checkKeys(json.peerDefaults, PEER_OPTION_KEYS, 'peerDefaults')
    peerDefaults = peerOptions(json.peerDefaults, PEER_DEFAULTS, 'peerDefaults')
  }
  const peersValue = json.peers ?? []
  if (!Array.isArray(peersValue)) throw new ConfigError('peers: expected a list')
  const peers = peersValue.map((p, i) => peer(p, peerDefaults, `peers[${i}]`))
  const seen = new Set<string>()
  for (const p of peers) {
    const key = (parseIp(p.address) as Uint8Array).join('.')
    if (seen.has(key)) throw new ConfigError(`peers: ${p.address} is configured twice`)
    seen.add(key)
  }
  const q = json.queue === undefined ? {} : json.queue
  if (!isObject(q)) throw new ConfigError('queue: expected an object')
  checkKeys(q, ['capacity', 'highWaterMark', 'lowWaterMark', 'maxPauseMs'], 'queue')
  const capacity = q.capacity === undefined ? 100_000 : int(q.capacity, 'queue.capacity', 1, 100_000_000)
  const highWaterMark = q.highWaterMark === undefined ? Math.ceil(capacity / 4) : int(q.highWaterMark, 'queue.highWaterMark', 1, capacity)
  const lowWaterMark = q.lowWaterMark === undefined ? Math.floor(highWaterMark / 2) : int(q.lowWaterMark, 'queue.lowWaterMark', 0, highWaterMark - 1)
  const maxPauseMs = q.maxPauseMs === undefined ? 60_000 : int(q.maxPauseMs, 'queue.maxPauseMs', 0, 3_600_000)
  return {
    name: json.name === undefined ? 'bgp-collector' : str(json.name, 'name'),
    routerId: json.routerId === undefined ? '127.0.0.1' : ipv4(json.routerId, 'routerId'),
    localAs: json.localAs === undefined ? 65000 : int(json.localAs, 'localAs', 1, 0xffffffff),
    listen,
    accept,
    peerDefaults,
    peers,
    queue: { capacity, highWaterMark, lowWaterMark, maxPauseMs }
  }
}
