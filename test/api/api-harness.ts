// An API over a real store, listening on loopback, with an injected clock, captured log lines,
// a record of onPrefixesChanged calls, and every response checked against the OpenAPI document.
import { Writable } from 'node:stream'
import { Registry } from 'prom-client'
import type { FastifyInstance } from 'fastify'
import { buildApi } from '../../src/api/app.ts'
import type { ApiOptions } from '../../src/api/app.ts'
import { openApiDocument } from '../../src/api/openapi.ts'
import { ApiKeys } from '../../src/keys/api-keys.ts'
import type { CreateKeyInput } from '../../src/keys/api-keys.ts'
import type { KeySecret } from '../../src/keys/secret.ts'
import { createLogger } from '../../src/log.ts'
import type { Store } from '../../src/store/types.ts'
import { OpenApiChecker } from './openapi-checker.ts'
import type { CheckedResponse } from './openapi-checker.ts'

export const T0 = new Date('2026-11-27T00:00:00.000Z')
const SECRET: KeySecret = { bytes: Buffer.alloc(32, 0x5a), source: 'test' }
/** High enough that only the rate-limit tests meet a limit. */
const UNLIMITED = { perKeyPerMinute: 100_000, perIpPerMinute: 100_000 }

export const checker = new OpenApiChecker(openApiDocument())

export interface OpenedStore {
  store: Store
  dispose (): Promise<void>
}

export type OpenStore = () => Promise<OpenedStore>

export interface RequestInit {
  headers?: Record<string, string>
  /** An object is sent as JSON; a string as is (with the headers given). */
  body?: unknown
  /** Skip the OpenAPI check (only for requests to paths the document rightly does not describe). */
  undocumented?: boolean
}

export interface Response extends CheckedResponse {
  /** The body as JSON (responses that are not JSON: undefined). */
  json: any
  text: string
}

export interface Harness {
  app: FastifyInstance
  store: Store
  apiKeys: ApiKeys
  registry: Registry
  /** Log lines written so far, as text. */
  logs: string[]
  changes: Array<{ keyId: string, prefixes: readonly string[] }>
  /** The injected clock: set `clock.ms` to move it. */
  clock: { ms: number }
  now (): Date
  request (method: string, target: string, init?: RequestInit): Promise<Response>
  createKey (input?: Partial<CreateKeyInput>): Promise<{ key: string, id: string }>
  close (): Promise<void>
}

export async function startApi (store: Store, overrides: Partial<ApiOptions> = {}): Promise<Harness> {
  const apiKeys = await ApiKeys.open(store, SECRET)
  const registry = new Registry()
  const logs: string[] = []
  const destination = new Writable({
    write (chunk: Buffer, _encoding, callback) {
      logs.push(...chunk.toString('utf8').split('\n').filter(line => line !== ''))
      callback()
    }
  })
  const clock = { ms: T0.getTime() }
  const now = (): Date => new Date(clock.ms)
  const changes: Harness['changes'] = []
  const app = buildApi({
    store,
    apiKeys,
    logger: createLogger({ level: 'trace', destination }),
    now,
    metrics: registry,
    onPrefixesChanged: (keyId, prefixes) => { changes.push({ keyId, prefixes }) },
    rateLimit: UNLIMITED,
    ...overrides
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('not listening on TCP')
  const base = `http://127.0.0.1:${address.port}`

  return {
    app,
    store,
    apiKeys,
    registry,
    logs,
    changes,
    clock,
    now,
    async request (method, target, init = {}) {
      const headers = { ...init.headers }
      let body: string | undefined
      if (typeof init.body === 'string') body = init.body
      else if (init.body !== undefined) {
        body = JSON.stringify(init.body)
        headers['content-type'] ??= 'application/json'
      }
      const res = await fetch(base + target, { method, headers, body })
      const text = await res.text()
      const contentType = res.headers.get('content-type') ?? ''
      const json = contentType.startsWith('application/json') && text !== '' ? JSON.parse(text) : undefined
      const response: Response = {
        method,
        path: new URL(target, base).pathname,
        status: res.status,
        contentType,
        headers: res.headers,
        body: json ?? text,
        json,
        text
      }
      if (init.undocumented !== true) checker.check(response)
      return response
    },
    async createKey (input = {}) {
      const { key, record } = await apiKeys.create({ now: T0, ...input })
      return { key, id: record.id }
    },
    async close () {
      await app.close()
    }
  }
}
