// The behaviour of the live manager API, run against every store (api-sqlite.test.ts,
// api-postgres.test.ts): real HTTP over loopback, a real store, every response checked against
// the OpenAPI document (api-harness.ts).
import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { Counter } from 'prom-client'
import { apiKeyId } from '../../src/keys/api-key.ts'
import { DEFAULT_IDLE_TIMEOUT_MS } from '../../src/store/types.ts'
import { startApi, T0 } from './api-harness.ts'
import type { Harness, Response } from './api-harness.ts'
import { API_BODY_LIMIT_BYTES } from '../../src/api/app.ts'
import type { ApiOptions } from '../../src/api/app.ts'
import type { Store } from '../../src/store/types.ts'

export interface OpenedTestStore {
  store: Store
  /** Close the store (idempotent), e.g. to see the API notice. */
  closeStore (): Promise<void>
  dispose (): Promise<void>
}

const ELEVEN = Array.from({ length: 11 }, (_, i) => `198.51.${i}.0/24`)
const iso = (ms: number): string => new Date(ms).toISOString()

function expectError (res: Response, status: number, code: string): { code: string, message: string, details?: Record<string, unknown> } {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status} ${res.text}`)
  assert.equal(res.json?.error?.code, code, res.text)
  return res.json.error
}

const update = (key: string, prefixes: string): string =>
  `/update_live_prefixes?api_key=${encodeURIComponent(key)}&new_pfxs=${encodeURIComponent(prefixes)}`

export function apiSuite (name: string, open: () => Promise<OpenedTestStore>): void {
  describe(`live manager API on ${name}`, () => {
    let opened: OpenedTestStore
    let api: Harness
    let extra: Harness[] = []
    const restart = async (overrides: Partial<ApiOptions>): Promise<Harness> => {
      const other = await startApi(opened.store, overrides)
      extra.push(other)
      return other
    }

    beforeEach(async () => {
      opened = await open()
      api = await startApi(opened.store)
    })
    afterEach(async () => {
      for (const h of [api, ...extra]) await h.close()
      extra = []
      await opened.dispose()
    })

    describe('GET /update_live_prefixes', () => {
      it('replaces the list with the canonical prefixes, duplicates removed, order kept, and tells the live service', async () => {
        const { key, id } = await api.createKey({ prefixes: ['203.0.113.0/24'] })
        api.clock.ms += 60_000
        const res = await api.request('GET', update(key, '2001:DB8:0::/32, 192.0.2.0/24,192.0.2.0/24,2001:db8::/32'))
        assert.equal(res.status, 200, res.text)
        assert.deepEqual(res.json.prefixes, ['2001:db8::/32', '192.0.2.0/24'])
        assert.equal(res.json.keyId, id)
        assert.deepEqual((await api.store.getKey(id))?.prefixes, ['2001:db8::/32', '192.0.2.0/24'])
        assert.deepEqual(api.changes, [{ keyId: id, prefixes: ['2001:db8::/32', '192.0.2.0/24'] }])
      })

      it('replaces rather than adds on a second call', async () => {
        const { key, id } = await api.createKey()
        assert.equal((await api.request('GET', update(key, '192.0.2.0/24'))).status, 200)
        const res = await api.request('GET', update(key, '198.51.100.0/24'))
        assert.deepEqual(res.json.prefixes, ['198.51.100.0/24'])
        assert.deepEqual((await api.store.getKey(id))?.prefixes, ['198.51.100.0/24'])
      })

      it('clears the list with an empty new_pfxs', async () => {
        const { key, id } = await api.createKey({ prefixes: ['192.0.2.0/24'] })
        const res = await api.request('GET', `/update_live_prefixes?api_key=${key}&new_pfxs=`)
        assert.equal(res.status, 200, res.text)
        assert.deepEqual(res.json.prefixes, [])
        assert.equal(res.json.expiresAt, null)
        assert.deepEqual((await api.store.getKey(id))?.prefixes, [])
        assert.deepEqual(api.changes, [{ keyId: id, prefixes: [] }])
        assert.deepEqual(await api.store.listAssociations(), [])
      })

      it('counts as a use of the key: last use now, expiry one idle timeout later', async () => {
        const { key, id } = await api.createKey()
        api.clock.ms = T0.getTime() + 3_600_000
        const res = await api.request('GET', update(key, '192.0.2.0/24'))
        assert.equal(res.json.lastUsedAt, iso(api.clock.ms))
        assert.equal(res.json.expiresAt, iso(api.clock.ms + DEFAULT_IDLE_TIMEOUT_MS))
        assert.equal(res.json.idleTimeoutSeconds, DEFAULT_IDLE_TIMEOUT_MS / 1000)
        assert.deepEqual((await api.store.getKey(id))?.lastUsedAt, api.now())
        // The 4-hour rule runs from this use: just before the timeout nothing lapses, at it the list goes.
        assert.deepEqual(await api.store.expireIdle(new Date(api.clock.ms + DEFAULT_IDLE_TIMEOUT_MS - 1)), [])
        assert.equal((await api.store.expireIdle(new Date(api.clock.ms + DEFAULT_IDLE_TIMEOUT_MS))).length, 1)
      })

      it('refuses 11 prefixes under the default limit of 10, naming the limit, and changes nothing', async () => {
        const { key, id } = await api.createKey({ prefixes: ['192.0.2.0/24'] })
        const error = expectError(await api.request('GET', update(key, ELEVEN.join(','))), 422, 'TOO_MANY_PREFIXES')
        assert.match(error.message, /11 prefixes given, but this key allows at most 10/)
        assert.deepEqual(error.details, { count: 11, maxPrefixes: 10 })
        assert.deepEqual((await api.store.getKey(id))?.prefixes, ['192.0.2.0/24'])
        assert.deepEqual(api.changes, [])
      })

      it("takes up to the key's own limit, and counts prefixes after removing duplicates", async () => {
        const big = await api.createKey({ limits: { maxPrefixes: 11 } })
        assert.equal((await api.request('GET', update(big.key, ELEVEN.join(',')))).status, 200)
        const small = await api.createKey()
        const res = await api.request('GET', update(small.key, [...ELEVEN.slice(0, 10), ELEVEN[0]].join(',')))
        assert.equal(res.status, 200, res.text)
        assert.equal(res.json.prefixes.length, 10)
      })

      it('refuses a malformed prefix, naming it', async () => {
        const { key } = await api.createKey()
        const error = expectError(await api.request('GET', update(key, '192.0.2.0/24,192.0.2.300/24')), 422, 'PREFIX_MALFORMED')
        assert.match(error.message, /"192\.0\.2\.300\/24" is not a prefix/)
        assert.equal(error.details?.prefix, '192.0.2.300/24')
        const bare = expectError(await api.request('GET', update(key, '192.0.2.1')), 422, 'PREFIX_MALFORMED')
        assert.match(bare.message, /192\.0\.2\.1\/32/)
        assert.deepEqual(api.changes, [])
      })

      it('refuses host bits, suggesting the canonical form', async () => {
        const { key } = await api.createKey()
        const error = expectError(await api.request('GET', update(key, '192.0.2.1/24')), 422, 'PREFIX_HOST_BITS')
        assert.equal(error.message, '192.0.2.1/24 has host bits set; did you mean 192.0.2.0/24?')
        assert.deepEqual(error.details, { prefix: '192.0.2.1/24', suggestion: '192.0.2.0/24' })
        const v6 = expectError(await api.request('GET', update(key, '2001:db8::1/32')), 422, 'PREFIX_HOST_BITS')
        assert.equal(v6.details?.suggestion, '2001:db8::/32')
      })

      it('refuses prefixes shorter than the policy allows', async () => {
        const { key } = await api.createKey()
        const v4 = expectError(await api.request('GET', update(key, '10.0.0.0/7')), 422, 'PREFIX_TOO_SHORT')
        assert.deepEqual(v4.details, { prefix: '10.0.0.0/7', minLength: 8 })
        const v6 = expectError(await api.request('GET', update(key, '2000::/3')), 422, 'PREFIX_TOO_SHORT')
        assert.equal(v6.details?.minLength, 19)
        assert.equal((await api.request('GET', update(key, '10.0.0.0/8'))).status, 200)
      })

      it('answers UNKNOWN_KEY (401) for an unknown, a malformed or a missing key', async () => {
        await api.createKey()
        const unknown = 'bgpl_' + 'A'.repeat(43)
        const error = expectError(await api.request('GET', update(unknown, '192.0.2.0/24')), 401, 'UNKNOWN_KEY')
        assert.match(error.message, /not known/)
        expectError(await api.request('GET', update('hello', '192.0.2.0/24')), 401, 'UNKNOWN_KEY')
        const missing = expectError(await api.request('GET', '/update_live_prefixes?new_pfxs=192.0.2.0/24'), 401, 'UNKNOWN_KEY')
        assert.match(missing.message, /No API key given; send it as the api_key query parameter/)
        assert.deepEqual(api.changes, [])
      })

      it('answers KEY_REVOKED (403) for a revoked key', async () => {
        const { key, id } = await api.createKey({ prefixes: ['192.0.2.0/24'] })
        await api.store.revokeKey(id, T0)
        const error = expectError(await api.request('GET', update(key, '192.0.2.0/24')), 403, 'KEY_REVOKED')
        assert.deepEqual(error.details, { keyId: id })
        assert.deepEqual((await api.store.getKey(id))?.prefixes, [])
        assert.deepEqual(api.changes, [])
      })

      it('asks for new_pfxs when it is missing or repeated, and changes nothing', async () => {
        const { key, id } = await api.createKey({ prefixes: ['192.0.2.0/24'] })
        const missing = expectError(await api.request('GET', `/update_live_prefixes?api_key=${key}`), 400, 'BAD_REQUEST')
        assert.match(missing.message, /new_pfxs parameter is missing/)
        const twice = expectError(await api.request('GET', `${update(key, '192.0.2.0/24')}&new_pfxs=198.51.100.0/24`), 400, 'BAD_REQUEST')
        assert.match(twice.message, /new_pfxs parameter is given more than once/)
        assert.deepEqual((await api.store.getKey(id))?.prefixes, ['192.0.2.0/24'])
      })

      it('takes the key from a header when the query has none', async () => {
        const { key, id } = await api.createKey()
        const res = await api.request('GET', '/update_live_prefixes?new_pfxs=192.0.2.0/24', { headers: { 'x-api-key': key } })
        assert.equal(res.status, 200, res.text)
        assert.deepEqual((await api.store.getKey(id))?.prefixes, ['192.0.2.0/24'])
      })

      it('answers INTERNAL (500) without details when the live service fails to apply a change', async () => {
        const failing = await restart({ onPrefixesChanged: () => { throw new Error('matcher is gone') } })
        const { key, id } = await failing.createKey()
        const error = expectError(await failing.request('GET', update(key, '192.0.2.0/24')), 500, 'INTERNAL')
        assert.doesNotMatch(JSON.stringify(error), /matcher is gone/)
        assert.ok(failing.logs.some(line => line.includes('matcher is gone')), 'the cause is logged')
        assert.deepEqual((await failing.store.getKey(id))?.prefixes, ['192.0.2.0/24'], 'the list stays stored')
      })
    })

    describe('JSON API with the key in a header', () => {
      it('GET /v1/key gives the state with a Bearer token or X-API-Key, and counts as a use', async () => {
        const { key, id } = await api.createKey({ prefixes: ['192.0.2.0/24'], limits: { maxPrefixes: 20, maxSessions: 2 } })
        api.clock.ms = T0.getTime() + 5000
        const bearer = await api.request('GET', '/v1/key', { headers: { authorization: `Bearer ${key}` } })
        assert.equal(bearer.status, 200, bearer.text)
        assert.deepEqual(bearer.json, {
          keyId: id,
          prefixes: ['192.0.2.0/24'],
          limits: { maxPrefixes: 20, maxSessions: 2 },
          lastUsedAt: iso(api.clock.ms),
          prefixesUpdatedAt: T0.toISOString(),
          idleTimeoutSeconds: 14400,
          expiresAt: iso(api.clock.ms + DEFAULT_IDLE_TIMEOUT_MS),
          openSessions: 0
        })
        assert.deepEqual((await api.store.getKey(id))?.lastUsedAt, api.now())
        const header = await api.request('GET', '/v1/key', { headers: { 'X-API-Key': key } })
        assert.deepEqual(header.json, bearer.json)
      })

      it("counts the key's open sessions: from the store by default, from sessionsFor when given", async () => {
        const { key, id } = await api.createKey({ prefixes: ['192.0.2.0/24'] })
        await api.store.openSession(id, T0)
        assert.equal((await api.request('GET', '/v1/key', { headers: { 'x-api-key': key } })).json.openSessions, 1)
        const asked: string[] = []
        const gateway = await restart({ sessionsFor: keyId => { asked.push(keyId); return 3 } })
        assert.equal((await gateway.request('GET', '/v1/key', { headers: { 'x-api-key': key } })).json.openSessions, 3)
        assert.deepEqual(asked, [id])
      })

      it('refuses the key in the query string of the JSON API', async () => {
        const { key } = await api.createKey()
        const error = expectError(await api.request('GET', `/v1/key?api_key=${key}`), 400, 'BAD_REQUEST')
        assert.match(error.message, /does not take the key in the URL/)
      })

      it('answers 401 without a key, 400 for another scheme or two different keys', async () => {
        const a = await api.createKey()
        const b = await api.createKey()
        const missing = expectError(await api.request('GET', '/v1/key'), 401, 'UNKNOWN_KEY')
        assert.match(missing.message, /Authorization: Bearer KEY/)
        expectError(await api.request('GET', '/v1/key', { headers: { authorization: `Basic ${a.key}` } }), 400, 'BAD_REQUEST')
        const two = expectError(await api.request('GET', '/v1/key', { headers: { authorization: `Bearer ${a.key}`, 'x-api-key': b.key } }), 400, 'BAD_REQUEST')
        assert.match(two.message, /different keys/)
        assert.equal((await api.request('GET', '/v1/key', { headers: { authorization: `Bearer ${a.key}`, 'x-api-key': a.key } })).status, 200)
        expectError(await api.request('GET', '/v1/key', { headers: { authorization: 'Bearer bgpl_nope' } }), 401, 'UNKNOWN_KEY')
      })

      it('answers KEY_REVOKED (403) for a revoked key', async () => {
        const { key, id } = await api.createKey()
        await api.store.revokeKey(id, T0)
        expectError(await api.request('GET', '/v1/key', { headers: { 'x-api-key': key } }), 403, 'KEY_REVOKED')
        expectError(await api.request('PUT', '/v1/key/prefixes', { headers: { 'x-api-key': key }, body: { prefixes: [] } }), 403, 'KEY_REVOKED')
      })

      it('PUT /v1/key/prefixes replaces the list, canonical and without duplicates', async () => {
        const { key, id } = await api.createKey({ prefixes: ['203.0.113.0/24'] })
        const res = await api.request('PUT', '/v1/key/prefixes', { headers: { authorization: `Bearer ${key}` }, body: { prefixes: ['2001:DB8::/32', '192.0.2.0/24', ' 192.0.2.0/24 '] } })
        assert.equal(res.status, 200, res.text)
        assert.deepEqual(res.json.prefixes, ['2001:db8::/32', '192.0.2.0/24'])
        assert.deepEqual(api.changes, [{ keyId: id, prefixes: ['2001:db8::/32', '192.0.2.0/24'] }])
        const cleared = await api.request('PUT', '/v1/key/prefixes', { headers: { authorization: `Bearer ${key}` }, body: { prefixes: [] } })
        assert.deepEqual(cleared.json.prefixes, [])
        assert.deepEqual((await api.store.getKey(id))?.prefixes, [])
      })

      it('PUT /v1/key/prefixes checks prefixes like /update_live_prefixes', async () => {
        const { key } = await api.createKey()
        const headers = { 'x-api-key': key }
        expectError(await api.request('PUT', '/v1/key/prefixes', { headers, body: { prefixes: ELEVEN } }), 422, 'TOO_MANY_PREFIXES')
        expectError(await api.request('PUT', '/v1/key/prefixes', { headers, body: { prefixes: ['nonsense'] } }), 422, 'PREFIX_MALFORMED')
        const hostBits = expectError(await api.request('PUT', '/v1/key/prefixes', { headers, body: { prefixes: ['198.51.100.7/24'] } }), 422, 'PREFIX_HOST_BITS')
        assert.equal(hostBits.details?.suggestion, '198.51.100.0/24')
        expectError(await api.request('PUT', '/v1/key/prefixes', { headers, body: { prefixes: ['::/0'] } }), 422, 'PREFIX_TOO_SHORT')
        assert.deepEqual(api.changes, [])
      })

      it('PUT /v1/key/prefixes refuses bodies that are not {"prefixes": [strings]}', async () => {
        const { key } = await api.createKey()
        const headers = { 'x-api-key': key }
        const cases: Array<[unknown, RegExp]> = [
          [[], /must be a JSON object/],
          [{}, /no prefixes array/],
          [{ prefixes: '192.0.2.0/24' }, /no prefixes array/],
          [{ prefixes: ['192.0.2.0/24', 24] }, /prefixes\[1\] is not a string/],
          [{ prefixes: [], extra: 1 }, /fields this endpoint does not know: extra/]
        ]
        for (const [body, message] of cases) {
          assert.match(expectError(await api.request('PUT', '/v1/key/prefixes', { headers, body }), 400, 'BAD_REQUEST').message, message)
        }
        expectError(await api.request('PUT', '/v1/key/prefixes', { headers: { ...headers, 'content-type': 'application/json' }, body: '{"prefixes": [' }), 400, 'BAD_REQUEST')
        const text = expectError(await api.request('PUT', '/v1/key/prefixes', { headers: { ...headers, 'content-type': 'text/plain' }, body: '192.0.2.0/24' }), 415, 'BAD_REQUEST')
        assert.match(text.message, /Content-Type: application\/json/)
        const huge = `{"prefixes": ["${'1'.repeat(API_BODY_LIMIT_BYTES)}"]}`
        const tooLarge = expectError(await api.request('PUT', '/v1/key/prefixes', { headers: { ...headers, 'content-type': 'application/json' }, body: huge }), 413, 'BAD_REQUEST')
        assert.match(tooLarge.message, new RegExp(`larger than ${API_BODY_LIMIT_BYTES} bytes`))
      })
    })

    describe('rate limits', () => {
      it('limits each key, answering RATE_LIMITED with Retry-After, and refills with time', async () => {
        const limited = await restart({ rateLimit: { perKeyPerMinute: 2, perIpPerMinute: 1000 } })
        const a = await limited.createKey()
        const b = await limited.createKey()
        const headers = { 'x-api-key': a.key }
        assert.equal((await limited.request('GET', '/v1/key', { headers })).status, 200)
        assert.equal((await limited.request('GET', update(a.key, '192.0.2.0/24'))).status, 200, 'query and header keys share the bucket')
        const res = await limited.request('GET', '/v1/key', { headers })
        const error = expectError(res, 429, 'RATE_LIMITED')
        assert.equal(res.headers.get('retry-after'), '30')
        assert.deepEqual(error.details, { retryAfterSeconds: 30 })
        assert.equal((await limited.request('GET', '/v1/key', { headers: { 'x-api-key': b.key } })).status, 200, 'another key has its own bucket')
        limited.clock.ms += 29_000
        expectError(await limited.request('GET', '/v1/key', { headers }), 429, 'RATE_LIMITED')
        limited.clock.ms += 1_000
        assert.equal((await limited.request('GET', '/v1/key', { headers })).status, 200)
      })

      it("behind a trusted proxy, limits the client's address from X-Forwarded-For", async () => {
        const proxied = await restart({ rateLimit: { perKeyPerMinute: 1000, perIpPerMinute: 1 }, trustProxy: '127.0.0.1' })
        const from = (ip: string): { headers: Record<string, string> } => ({ headers: { 'x-forwarded-for': ip } })
        expectError(await proxied.request('GET', '/v1/key', from('198.51.100.1')), 401, 'UNKNOWN_KEY')
        expectError(await proxied.request('GET', '/v1/key', from('198.51.100.2')), 401, 'UNKNOWN_KEY')
        expectError(await proxied.request('GET', '/v1/key', from('198.51.100.1')), 429, 'RATE_LIMITED')
        // Without trustProxy the header is not believed: every request is the loopback client's.
        const direct = await restart({ rateLimit: { perKeyPerMinute: 1000, perIpPerMinute: 1 } })
        expectError(await direct.request('GET', '/v1/key', from('198.51.100.1')), 401, 'UNKNOWN_KEY')
        expectError(await direct.request('GET', '/v1/key', from('198.51.100.2')), 429, 'RATE_LIMITED')
      })

      it('limits each client address, keys or not, and leaves the ops endpoints alone', async () => {
        const limited = await restart({ rateLimit: { perKeyPerMinute: 1000, perIpPerMinute: 3 } })
        const { key } = await limited.createKey()
        expectError(await limited.request('GET', update('bgpl_' + 'B'.repeat(43), '192.0.2.0/24')), 401, 'UNKNOWN_KEY')
        expectError(await limited.request('GET', '/v1/key'), 401, 'UNKNOWN_KEY')
        assert.equal((await limited.request('GET', '/v1/key', { headers: { 'x-api-key': key } })).status, 200)
        const res = await limited.request('GET', '/v1/key', { headers: { 'x-api-key': key } })
        expectError(res, 429, 'RATE_LIMITED')
        assert.equal(res.headers.get('retry-after'), '20')
        expectError(await limited.request('PUT', '/v1/key/prefixes', { headers: { 'x-api-key': key }, body: { prefixes: [] } }), 429, 'RATE_LIMITED')
        for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.json']) {
          assert.equal((await limited.request('GET', path)).status, 200, path)
        }
      })
    })

    describe('ops endpoints', () => {
      it('/healthz answers while the process is up', async () => {
        const res = await api.request('GET', '/healthz')
        assert.equal(res.status, 200)
        assert.deepEqual(res.json, { status: 'ok' })
      })

      it('/readyz is ready while the store answers and ready() is true', async () => {
        const res = await api.request('GET', '/readyz')
        assert.equal(res.status, 200)
        assert.deepEqual(res.json, { status: 'ready', checks: { store: true, service: true } })
      })

      it('/readyz is not ready when the store is closed', async () => {
        await opened.closeStore()
        const res = await api.request('GET', '/readyz')
        assert.equal(res.status, 503)
        assert.deepEqual(res.json, { status: 'not ready', checks: { store: false, service: true } })
      })

      it('/readyz is not ready while ready() says false or throws', async () => {
        let ready: boolean | Error = false
        const service = await restart({ ready: async () => { if (ready instanceof Error) throw ready; return ready } })
        assert.deepEqual((await service.request('GET', '/readyz')).json, { status: 'not ready', checks: { store: true, service: false } })
        ready = new Error('matcher loading')
        assert.equal((await service.request('GET', '/readyz')).status, 503)
        ready = true
        assert.equal((await service.request('GET', '/readyz')).status, 200)
      })

      it('/metrics serves the shared registry: requests by route and status, and latency', async () => {
        const gatewayMetric = new Counter({ name: 'bgpl_gateway_test_total', help: 'registered by another component', registers: [api.registry] })
        gatewayMetric.inc(7)
        const { key } = await api.createKey()
        await api.request('GET', update(key, '192.0.2.0/24'))
        await api.request('GET', update(key, '192.0.2.1/24'))
        await api.request('GET', '/no/such/path?api_key=x', { undocumented: true })
        const res = await api.request('GET', '/metrics')
        assert.equal(res.status, 200)
        assert.match(res.contentType, /^text\/plain/)
        const text = res.text
        assert.match(text, /^bgpl_api_requests_total\{method="GET",route="\/update_live_prefixes",status="200"\} 1$/m)
        assert.match(text, /^bgpl_api_requests_total\{method="GET",route="\/update_live_prefixes",status="422"\} 1$/m)
        assert.match(text, /^bgpl_api_requests_total\{method="GET",route="unmatched",status="404"\} 1$/m)
        assert.match(text, /^bgpl_api_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/update_live_prefixes"\} \d+$/m)
        assert.match(text, /^bgpl_api_request_duration_seconds_count\{method="GET",route="\/update_live_prefixes"\} 2$/m)
        assert.match(text, /^bgpl_gateway_test_total 7$/m)
        assert.doesNotMatch(text, /no\/such\/path/)
      })

      it('/openapi.json serves the document', async () => {
        const res = await api.request('GET', '/openapi.json')
        assert.equal(res.status, 200)
        assert.equal(res.json.openapi, '3.1.0')
        assert.ok(res.json.paths['/update_live_prefixes'].get)
      })

      it('serves only the documented methods: a HEAD of /update_live_prefixes changes nothing', async () => {
        const { key, id } = await api.createKey({ prefixes: ['192.0.2.0/24'] })
        const res = await api.request('HEAD', update(key, ''), { undocumented: true })
        assert.equal(res.status, 404)
        assert.deepEqual((await api.store.getKey(id))?.prefixes, ['192.0.2.0/24'])
        assert.deepEqual(api.changes, [])
      })

      it('tells caches not to keep any answer', async () => {
        const { key } = await api.createKey()
        for (const res of [await api.request('GET', '/v1/key', { headers: { 'x-api-key': key } }), await api.request('GET', '/v1/key'), await api.request('GET', '/readyz')]) {
          assert.equal(res.headers.get('cache-control'), 'no-store')
        }
      })

      it('answers unknown paths with 404 and a BAD_REQUEST body', async () => {
        const res = await api.request('GET', '/update_live_prefix?api_key=x', { undocumented: true })
        expectError(res, 404, 'BAD_REQUEST')
        assert.match(res.json.error.message, /No endpoint GET \/update_live_prefix;/)
      })
    })

    describe('logs', () => {
      it('never contain a key, from the query, a header or an error', async () => {
        const { key, id } = await api.createKey()
        const leaky = await restart({ onPrefixesChanged: () => { throw new Error(`could not apply ${key}`) } })
        const unknown = 'bgpl_' + 'C'.repeat(43)
        await api.request('GET', update(key, '192.0.2.0/24'))
        await api.request('GET', update(unknown, '192.0.2.0/24'))
        await api.request('GET', '/v1/key', { headers: { authorization: `Bearer ${key}` } })
        await api.request('GET', '/v1/key', { headers: { 'x-api-key': key } })
        await api.request('GET', `/v1/key?api_key=${key}`)
        await api.request('PUT', '/v1/key/prefixes', { headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: `{"prefixes": "${key}` })
        await api.request('GET', `/${key}`, { undocumented: true })
        await leaky.request('GET', update(key, '198.51.100.0/24'))
        const lines = [...api.logs, ...leaky.logs]
        for (const secret of [key, key.slice(5), unknown.slice(5)]) {
          assert.deepEqual(lines.filter(line => line.includes(secret)), [], 'no line holds the key')
        }
        // The lines are there, redacted, with the key's public id.
        const answered = lines.map(line => JSON.parse(line)).filter(line => line.msg === 'request answered')
        assert.equal(answered.length, 8)
        assert.equal(answered[0].url, '/update_live_prefixes?api_key=[redacted]&new_pfxs=192.0.2.0%2F24')
        assert.equal(answered[0].keyId, id)
        assert.equal(answered[0].keyId, apiKeyId(key))
        assert.ok(lines.some(line => line.includes('could not apply bgpl_[redacted]')), 'the error is logged, redacted')
      })
    })
  })
}
