import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Registry } from 'prom-client'
import { API_ERROR_CODES } from '../../src/api/api-error-codes.ts'
import { buildApi } from '../../src/api/app.ts'
import { openApiDocument } from '../../src/api/openapi.ts'
import { ERROR_CODES, ERROR_TRANSPORT } from '../../src/errors.ts'
import { ApiKeys } from '../../src/keys/api-keys.ts'
import { silentLogger } from '../../src/log.ts'
import { openSqliteStore } from '../../src/store/sqlite-store.ts'
import { OpenApiChecker } from './openapi-checker.ts'

type Json = Record<string, any>

const doc = openApiDocument() as Json
const METHODS = ['get', 'put', 'post', 'delete', 'patch']

const OPERATIONS = [
  'GET /update_live_prefixes',
  'GET /v1/key',
  'PUT /v1/key/prefixes',
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'GET /openapi.json'
]

/** Codes only the websocket stream answers with; a new code must be added to the API's list or here. */
const WEBSOCKET_ONLY = ['NO_PREFIXES', 'SESSION_ALREADY_OPEN', 'SLOW_CONSUMER']

function operations (): Array<{ name: string, op: Json }> {
  return Object.entries<Json>(doc.paths).flatMap(([path, item]) =>
    METHODS.filter(m => item[m] !== undefined).map(m => ({ name: `${m.toUpperCase()} ${path}`, op: item[m] })))
}

function errorCodesOf (response: Json): string[] {
  return response.content?.['application/json']?.schema?.properties?.error?.properties?.code?.enum ?? []
}

function response (body: unknown, extra: Partial<Parameters<OpenApiChecker['check']>[0]> = {}): Parameters<OpenApiChecker['check']>[0] {
  return { method: 'GET', path: '/v1/key', status: 200, contentType: 'application/json; charset=utf-8', headers: new Headers(), body, ...extra }
}

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 and plain JSON', () => {
    assert.equal(doc.openapi, '3.1.0')
    assert.deepEqual(JSON.parse(JSON.stringify(doc)), doc)
    assert.equal(typeof doc.info.title, 'string')
  })

  it('describes exactly the endpoints, each with an operationId, a summary and described responses', () => {
    const ops = operations()
    assert.deepEqual(ops.map(o => o.name).sort(), [...OPERATIONS].sort())
    assert.equal(new Set(ops.map(o => o.op.operationId)).size, ops.length, 'operationIds are unique')
    for (const { name, op } of ops) {
      assert.equal(typeof op.summary, 'string', name)
      assert.ok(op.responses['200'] !== undefined, `${name} documents its 200`)
      for (const [status, r] of Object.entries<Json>(op.responses)) assert.equal(typeof r.description, 'string', `${name} ${status}`)
    }
  })

  it('matches the routes the API serves', async () => {
    const store = await openSqliteStore(':memory:')
    const apiKeys = await ApiKeys.open(store, { bytes: Buffer.alloc(32, 1), source: 'test' })
    const app = buildApi({ store, apiKeys, logger: silentLogger(), metrics: new Registry(), onPrefixesChanged: () => {} })
    await app.ready()
    for (const name of OPERATIONS) {
      const [method, url] = name.split(' ')
      assert.ok(app.hasRoute({ method, url }), `${name} is served`)
    }
    assert.ok(!app.hasRoute({ method: 'HEAD', url: '/update_live_prefixes' }), 'no implicit HEAD routes')
    await app.close()
    await store.close()
  })

  it('lists every error code the API can answer, and only with its HTTP status', () => {
    const documented = new Set<string>()
    for (const { name, op } of operations()) {
      for (const [status, r] of Object.entries<Json>(op.responses)) {
        for (const code of errorCodesOf(r)) {
          documented.add(code)
          const expected = ['404', '413', '415'].includes(status) ? 'BAD_REQUEST' : code
          assert.ok(code === expected && (ERROR_TRANSPORT as Json)[code] !== undefined, `${name} ${status}: ${code}`)
          if (!['404', '413', '415'].includes(status)) assert.equal(String(ERROR_TRANSPORT[code as keyof typeof ERROR_TRANSPORT].http), status, `${name}: ${code}`)
        }
      }
    }
    assert.deepEqual([...documented].sort(), [...API_ERROR_CODES].sort())
    assert.deepEqual(ERROR_CODES.filter(code => !(API_ERROR_CODES as string[]).includes(code)).sort(), [...WEBSOCKET_ONLY].sort())
  })

  it('documents the prefix errors and the rate limit on each keyed endpoint, with Retry-After', () => {
    for (const name of ['GET /update_live_prefixes', 'PUT /v1/key/prefixes']) {
      const op = operations().find(o => o.name === name)?.op as Json
      assert.deepEqual(errorCodesOf(op.responses['422']).sort(), ['PREFIX_HOST_BITS', 'PREFIX_MALFORMED', 'PREFIX_TOO_SHORT', 'TOO_MANY_PREFIXES'])
    }
    for (const name of ['GET /update_live_prefixes', 'GET /v1/key', 'PUT /v1/key/prefixes']) {
      const op = operations().find(o => o.name === name)?.op as Json
      assert.deepEqual(errorCodesOf(op.responses['429']), ['RATE_LIMITED'], name)
      assert.ok(op.responses['429'].headers['Retry-After'] !== undefined, name)
      assert.deepEqual(errorCodesOf(op.responses['401']), ['UNKNOWN_KEY'], name)
      assert.deepEqual(errorCodesOf(op.responses['403']), ['KEY_REVOKED'], name)
    }
  })

  it('resolves every $ref', () => {
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? []
    assert.ok(refs.length > 0)
    for (const ref of refs) {
      const name = /#\/components\/schemas\/(\w+)/.exec(ref)?.[1]
      assert.ok(name !== undefined && doc.components.schemas[name] !== undefined, ref)
    }
  })
})

describe('OpenApiChecker', () => {
  const checker = new OpenApiChecker(doc)
  const state = {
    keyId: '0123456789ab',
    prefixes: [],
    limits: { maxPrefixes: 10, maxSessions: 1 },
    lastUsedAt: '2026-11-27T00:00:00.000Z',
    prefixesUpdatedAt: null,
    idleTimeoutSeconds: 14400,
    expiresAt: null,
    openSessions: 0
  }

  it('accepts a response as documented', () => {
    checker.check(response(state))
    checker.check(response({ error: { code: 'UNKNOWN_KEY', message: 'm' } }, { status: 401 }))
    checker.check(response({ error: { code: 'RATE_LIMITED', message: 'm', details: { retryAfterSeconds: 3 } } }, { status: 429, headers: new Headers({ 'retry-after': '3' }) }))
  })

  it('refuses bodies, statuses, codes, headers and paths the document does not describe', () => {
    const { openSessions: _, ...partial } = state
    assert.throws(() => checker.check(response(partial)), /openSessions/)
    assert.throws(() => checker.check(response({ ...state, lastUsedAt: 'yesterday' })), /date-time/)
    assert.throws(() => checker.check(response({ ...state, secret: 'x' })), /additional/)
    assert.throws(() => checker.check(response({ error: { code: 'PREFIX_MALFORMED', message: 'm' } }, { status: 401 })), /allowed values/)
    assert.throws(() => checker.check(response({ error: { code: 'UNKNOWN_KEY', message: 'm' } }, { status: 418 })), /status not documented/)
    assert.throws(() => checker.check(response({ error: { code: 'RATE_LIMITED', message: 'm' } }, { status: 429 })), /Retry-After missing/)
    assert.throws(() => checker.check(response(state, { contentType: 'text/html' })), /content type text\/html not documented/)
    assert.throws(() => checker.check(response(state, { path: '/v2/key' })), /not in the OpenAPI document/)
  })
})
