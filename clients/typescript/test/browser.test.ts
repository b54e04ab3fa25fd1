// The client in a real browser: headless Chromium (the Debian package, via playwright-core) loads
// the client's .ts sources, types stripped by Node.js, from a loopback page server, and runs it
// against a real `serve` replaying the RIS rrc06 file. The page's HTTP calls go to its own origin,
// forwarded to serve's API (the API sends no CORS headers); its websocket goes straight to serve.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser } from 'playwright-core'
import { BgproutesLiveClient } from '../src/client.ts'
import type { StreamMessage } from '../src/frames.ts'
import { launchChromium, runPage } from './helpers/browser-chromium.ts'
import type { PageResult } from './helpers/browser-chromium.ts'
import { startPageServer } from './helpers/browser-page-server.ts'
import type { PageServer } from './helpers/browser-page-server.ts'
import { RRC06, RRC06_PREFIXES, expectedFrames, startReplayServe, waitUntil } from './helpers/serve.ts'
import type { ReplayServe } from './helpers/serve.ts'

const RRC = RRC06_PREFIXES.join(',')
const UNKNOWN_KEY = 'bgpl_this-key-does-not-exist-0000000000000000'

describe('the client in headless Chromium against serve', { timeout: 180_000 }, () => {
  let server: (ReplayServe & { keys: string[] }) | undefined
  let pages: PageServer | undefined
  let direct: PageServer | undefined
  let browser: Browser | undefined
  let expected: string[]

  const serve = (): ReplayServe & { keys: string[] } => server as ReplayServe & { keys: string[] }
  const pageUrl = (origin: string, params: Record<string, string>): string => `${origin}/page.html?${new URLSearchParams(params).toString()}`
  const withoutSeq = (frames: unknown[]): string[] => frames.map((f) => {
    const { seq: _seq, ...rest } = f as { seq?: number }
    return JSON.stringify(rest)
  })
  const explain = (result: PageResult): string => JSON.stringify({ ...result, frames: result.frames.length })

  before(async () => {
    expected = await expectedFrames(RRC06, RRC06_PREFIXES)
    server = await startReplayServe([RRC, RRC])
    await waitUntil(() => serve().serve.stderr().includes('"msg":"replay done"'), 'the replay', 20_000)
    pages = await startPageServer(serve().serve.http) // same origin as the page: /v1/* forwarded
    direct = await startPageServer() // another origin than the API's
    browser = await launchChromium()
  })
  after(async () => {
    // Each step on its own, so that one failing does not leave the others running.
    await browser?.close().catch(() => undefined)
    await pages?.close().catch(() => undefined)
    await direct?.close().catch(() => undefined)
    await server?.stop()
  })

  it('sets prefixes, reads the status, and streams the same frames as the Node.js client', async () => {
    const key = serve().keys[0] as string
    const result = await runPage(browser as Browser, pageUrl((pages as PageServer).origin, {
      apiKey: key,
      apiUrl: (pages as PageServer).origin,
      wsUrl: serve().serve.ws,
      steps: 'prefixes,status,stream',
      prefixes: RRC,
      since: '0',
      count: String(expected.length)
    }))
    assert.ok(result.ok, explain(result))
    assert.deepEqual(result.steps, ['prefixes', 'status', 'stream'])
    assert.deepEqual([...(result.setPrefixes?.prefixes ?? [])].sort(), [...RRC06_PREFIXES].sort())
    assert.deepEqual([...(result.status?.prefixes ?? [])].sort(), [...RRC06_PREFIXES].sort())
    assert.equal(result.frames.length, expected.length, explain(result))
    // serve numbers from its start time in µs: base + 1, base + 2, ...
    const first = (result.frames[0] as { seq: number }).seq
    assert.ok(first > 1_000_000_000_000_000, `seq ${first}`)
    assert.deepEqual(result.frames.map((f) => (f as { seq: number }).seq), Array.from({ length: expected.length }, (_v, i) => first + i))
    assert.deepEqual(withoutSeq(result.frames), expected)
    assert.deepEqual(result.stats, { messages: expected.length, reconnects: 0, lastSeq: first + expected.length - 1 })

    // The same key from Node.js, once the browser's session is gone: the same frames, byte for byte.
    const node = new BgproutesLiveClient({ apiKey: key, apiUrl: serve().serve.http, wsUrl: serve().serve.ws, reconnect: false })
    await waitUntil(async () => (await node.status()).openSessions === 0, 'the browser session to close', 10_000)
    const got: StreamMessage[] = []
    for await (const frame of node.messages({ since: 0, signal: AbortSignal.timeout(20_000) })) {
      got.push(frame)
      if (got.length === expected.length) break
    }
    assert.deepEqual(result.frames, JSON.parse(JSON.stringify(got)))
  })

  it('raises UnknownKeyError in the browser for an unknown key, over HTTP (401) and the websocket (4001)', async () => {
    const origin = (pages as PageServer).origin
    const http = await runPage(browser as Browser, pageUrl(origin, { apiKey: UNKNOWN_KEY, apiUrl: origin, wsUrl: serve().serve.ws, steps: 'status' }))
    assert.equal(http.ok, false, explain(http))
    assert.deepEqual(http.error && { ...http.error, message: undefined }, {
      name: 'UnknownKeyError', message: undefined, code: 'UNKNOWN_KEY', status: 401, closeCode: undefined, isBgplError: true, isUnknownKeyError: true, isConnectionError: false
    }, explain(http))

    const ws = await runPage(browser as Browser, pageUrl(origin, { apiKey: UNKNOWN_KEY, apiUrl: origin, wsUrl: serve().serve.ws, steps: 'stream', count: '1' }))
    assert.equal(ws.ok, false, explain(ws))
    assert.deepEqual(ws.error && { ...ws.error, message: undefined }, {
      name: 'UnknownKeyError', message: undefined, code: 'UNKNOWN_KEY', status: undefined, closeCode: 4001, isBgplError: true, isUnknownKeyError: true, isConnectionError: false
    }, explain(ws))
  })

  it('from a page of another origin: the websocket works, the API only if it answers CORS', async () => {
    const key = serve().keys[1] as string
    const preflight = await fetch(new URL('v1/key', serve().serve.http), {
      method: 'OPTIONS',
      headers: { Origin: (direct as PageServer).origin, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'x-api-key' }
    })
    const cors = preflight.headers.get('access-control-allow-origin') !== null
    const result = await runPage(browser as Browser, pageUrl((direct as PageServer).origin, {
      apiKey: key, apiUrl: serve().serve.http, wsUrl: serve().serve.ws, steps: 'stream,status', since: '0', count: String(expected.length)
    }))
    // The websocket is not subject to CORS: the frames arrive (the stream runs before the status).
    assert.equal(result.steps[0], 'stream', explain(result))
    assert.deepEqual(withoutSeq(result.frames), expected, explain(result))
    if (cors) {
      assert.ok(result.ok, explain(result))
    } else {
      // Today: no Access-Control-Allow-Origin, so the browser blocks the call; the client says ConnectionError.
      assert.equal(result.ok, false, explain(result))
      assert.equal(result.error?.isConnectionError, true, explain(result))
      assert.match(result.error?.message ?? '', /Cannot reach the live manager API/)
    }
  })
})
