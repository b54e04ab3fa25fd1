// What the API tells a key's holder about the key: the JSON body of GET /v1/key, and of every
// successful prefix update (PUT /v1/key/prefixes and /update_live_prefixes).
import type { KeyLimits, KeyRecord } from '../store/types.ts'

export interface KeyState {
  /** Public id of the key (12 hex digits), as in error messages and the operator's listings. */
  keyId: string
  /** The prefixes the key is associated with, canonical, in the order given. */
  prefixes: string[]
  limits: KeyLimits
  /** Last use of the key (this request counts), ISO 8601. */
  lastUsedAt: string | null
  /** When the prefix list was last set or cleared. */
  prefixesUpdatedAt: string | null
  /** How long the key may go unused before its prefix list is cleared. */
  idleTimeoutSeconds: number
  /** When the prefix list is cleared if the key is not used before; an open session keeps moving it. Null with no prefixes. */
  expiresAt: string | null
  /** Sessions (websocket streams) open with the key now. */
  openSessions: number
}

export function keyState (record: KeyRecord, idleTimeoutMs: number, openSessions: number): KeyState {
  const idleSince = Math.max(record.lastUsedAt?.getTime() ?? 0, record.prefixesUpdatedAt?.getTime() ?? 0)
  return {
    keyId: record.id,
    prefixes: record.prefixes,
    limits: { maxPrefixes: record.limits.maxPrefixes, maxSessions: record.limits.maxSessions },
    lastUsedAt: record.lastUsedAt?.toISOString() ?? null,
    prefixesUpdatedAt: record.prefixesUpdatedAt?.toISOString() ?? null,
    idleTimeoutSeconds: Math.round(idleTimeoutMs / 1000),
    expiresAt: record.prefixes.length === 0 || idleSince === 0 ? null : new Date(idleSince + idleTimeoutMs).toISOString(),
    openSessions
  }
}
