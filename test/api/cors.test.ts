// CORS: browser apps on other origins may call the API (keys travel in headers, never cookies):
// the preflight is answered, answers (errors too) carry Access-Control-Allow-Origin, and
// Retry-After is exposed; `corsOrigins` narrows the origins.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openSqliteStore } from '../../src/store/sqlite-store.ts'
import { startApi } from './api-harness.ts'
import type { Harness } from './api-harness.ts'

async function withApi (overrides: Parameters<typeof startApi>[1], run: (api: Harness) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bgpl-cors-'))
  const store = await openSqliteStore(join(dir, 'api.sqlite'))
  const api = await startApi(store, overrides)
  try {
    await run(api)
  } finally {
    await api.close()
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

test('a preflight from any origin is answered; answers and errors carry the origin header', async () => {
  await withApi({}, async (api) => {
    const origin = 'https://app.example'
    const preflight = await api.request('OPTIONS', '/v1/key/prefixes', {
      undocumented: true,
      headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-api-key, content-type' }
    })
    assert.equal(preflight.status, 204)
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*')
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /PUT/)
    assert.match((preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase(), /x-api-key/)

    const { key } = await api.createKey({ prefixes: ['192.0.2.0/24'] })
    const ok = await api.request('GET', '/v1/key', { headers: { origin, 'x-api-key': key } })
    assert.equal(ok.status, 200)
    assert.equal(ok.headers.get('access-control-allow-origin'), '*')
    assert.equal(ok.headers.get('access-control-expose-headers'), 'Retry-After')

    const refused = await api.request('GET', '/v1/key', { headers: { origin, 'x-api-key': 'bgpl_not-a-key' } })
    assert.equal(refused.status, 401)
    assert.equal(refused.headers.get('access-control-allow-origin'), '*')
  })
})

test('corsOrigins narrows the origins allowed', async () => {
  await withApi({ corsOrigins: ['https://allowed.example'] }, async (api) => {
    const allowed = await api.request('GET', '/healthz', { headers: { origin: 'https://allowed.example' } })
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://allowed.example')
    const other = await api.request('GET', '/healthz', { headers: { origin: 'https://other.example' } })
    assert.equal(other.headers.get('access-control-allow-origin'), null)
  })
})
