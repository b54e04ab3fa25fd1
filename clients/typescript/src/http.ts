// The live manager API (docs/api.md): the key's state and its prefix list, the key in a header.
import { ConnectionError, errorFromHttp } from './errors.ts'
import type { KeyStatus } from './frames.ts'

export interface HttpOptions {
  apiUrl: string
  apiKey: string
  signal?: AbortSignal | undefined
  fetch?: typeof fetch | undefined
}

async function request (options: HttpOptions, method: string, path: string, body?: unknown): Promise<KeyStatus> {
  const url = new URL(path, options.apiUrl.endsWith('/') ? options.apiUrl : options.apiUrl + '/')
  const headers: Record<string, string> = { 'X-API-Key': options.apiKey, Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  let response: Response
  try {
    response = await (options.fetch ?? fetch)(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: options.signal })
  } catch (error) {
    if (options.signal?.aborted === true) throw error
    throw new ConnectionError(`Cannot reach the live manager API at ${url.origin}: ${(error as Error).message}`, { cause: error })
  }
  const text = await response.text()
  let parsed: unknown = text
  try { parsed = JSON.parse(text) } catch { /* not JSON: kept as text */ }
  if (!response.ok) throw errorFromHttp(response.status, parsed, response.headers.get('retry-after'))
  if (typeof parsed !== 'object' || parsed === null) throw new ConnectionError(`Unexpected answer from ${url.origin}: ${text.slice(0, 200)}`)
  return parsed as KeyStatus
}

/** Replaces the key's prefix list (`PUT /v1/key/prefixes`); `[]` clears it. */
export async function putPrefixes (options: HttpOptions, prefixes: readonly string[]): Promise<KeyStatus> {
  return await request(options, 'PUT', 'v1/key/prefixes', { prefixes })
}

/** The key's state (`GET /v1/key`). */
export async function getKeyStatus (options: HttpOptions): Promise<KeyStatus> {
  return await request(options, 'GET', 'v1/key')
}
