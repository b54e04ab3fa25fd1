// API keys: 256 random bits, shown to the user once as `bgpl_` + base64url (43 characters),
// stored only as HMAC-SHA-256(server secret, key text). The public id names a key in listings
// and on the command line; it is a truncated SHA-256 of the key, so whoever holds a key can
// work out its id, and an id tells nothing about the key.
import { createHash, createHmac, randomBytes } from 'node:crypto'

export const API_KEY_PREFIX = 'bgpl_'
export const API_KEY_RANDOM_BYTES = 32
const BASE64URL_LENGTH = 43 // ceil(32 * 8 / 6)
const KEY_RE = /^bgpl_[A-Za-z0-9_-]{43}$/
const KEY_ID_RE = /^[0-9a-f]{12}$/

export interface NewApiKey {
  /** The key itself: give it to the user once, never store or log it. */
  key: string
  /** Public id for display, list and revoke. */
  id: string
}

/** A fresh key and its public id. */
export function generateApiKey (): NewApiKey {
  const key = API_KEY_PREFIX + randomBytes(API_KEY_RANDOM_BYTES).toString('base64url')
  return { key, id: apiKeyId(key) }
}

/** True when `text` has the shape of a key (prefix, 43 base64url characters encoding 32 bytes). */
export function isApiKeyFormat (text: string): boolean {
  if (!KEY_RE.test(text)) return false
  const body = text.slice(API_KEY_PREFIX.length)
  // The last character carries 4 bits of data and 2 zero bits: only the canonical encoding is a key.
  return Buffer.from(body, 'base64url').toString('base64url') === body && body.length === BASE64URL_LENGTH
}

/** Public id of a key: the first 48 bits of SHA-256 over the key text, 12 hex digits. */
export function apiKeyId (key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12)
}

export function isApiKeyId (text: string): boolean {
  return KEY_ID_RE.test(text)
}

/** What the store keeps: HMAC-SHA-256 of the key text under the server secret, hex. */
export function hashApiKey (key: string, secret: Uint8Array): string {
  return createHmac('sha256', secret).update(key).digest('hex')
}
