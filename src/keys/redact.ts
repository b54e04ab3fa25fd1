// Keeping API keys out of logs. Anything that may hold a key (a URL, a query string, a header,
// free text) goes through these before it is logged.

const KEY_TEXT_RE = /bgpl_[A-Za-z0-9_-]+/g
/** Query parameters and headers whose values are secrets whatever they look like. */
const SECRET_NAMES = new Set(['key', 'api_key', 'apikey', 'api-key', 'token', 'access_token', 'authorization', 'x-api-key', 'cookie', 'set-cookie', 'proxy-authorization'])

export const REDACTED = '[redacted]'

/** Replace every key-shaped token (`bgpl_...`, of any length) in free text. */
export function redactKeys (text: string): string {
  return text.replace(KEY_TEXT_RE, 'bgpl_' + REDACTED)
}

/**
 * A URL or request target ("/v1/stream?key=...", "wss://host/path?token=...") with the values of
 * secret query parameters replaced and any key-shaped token elsewhere (path, fragment) redacted.
 */
export function redactUrl (url: string): string {
  const hashAt = url.indexOf('#')
  const beforeHash = hashAt < 0 ? url : url.slice(0, hashAt)
  const fragment = hashAt < 0 ? '' : url.slice(hashAt)
  const queryAt = beforeHash.indexOf('?')
  if (queryAt < 0) return redactKeys(url)
  const query = beforeHash.slice(queryAt + 1).split('&').map(pair => {
    const eq = pair.indexOf('=')
    if (eq < 0) return pair
    let name: string
    try {
      name = decodeURIComponent(pair.slice(0, eq).replace(/\+/g, ' ')).toLowerCase()
    } catch {
      name = pair.slice(0, eq).toLowerCase()
    }
    return SECRET_NAMES.has(name) ? pair.slice(0, eq + 1) + REDACTED : pair
  }).join('&')
  return redactKeys(beforeHash.slice(0, queryAt + 1) + query + fragment)
}

/** A copy of request or response headers with secret ones replaced, and keys redacted in the rest. */
export function redactHeaders (headers: Readonly<Record<string, string | readonly string[] | number | undefined>>): Record<string, string | string[] | number | undefined> {
  const out: Record<string, string | string[] | number | undefined> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (SECRET_NAMES.has(name.toLowerCase())) out[name] = REDACTED
    else if (typeof value === 'string') out[name] = redactKeys(value)
    else if (Array.isArray(value)) out[name] = value.map(redactKeys)
    else out[name] = value as number | undefined
  }
  return out
}
