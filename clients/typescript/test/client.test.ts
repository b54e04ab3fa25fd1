// The client against a real `serve` (a child process replaying the RIS rrc06 file): prefixes and
// status over HTTP, the stream, typed errors, reconnect and resume through a proxy that cuts the
// connection mid-stream (no gap, no duplicate), gap frames, and AbortSignal.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { BgproutesLiveClient } from '../src/client.ts'
import { NoPrefixesError, PrefixRejectedError, RateLimitedError, SessionAlreadyOpenError, UnknownKeyError } from '../src/errors.ts'
import type { BgplError } from '../src/errors.ts'
import type { StreamMessage } from '../src/frames.ts'
import { RRC06, RRC06_PREFIXES, expectedFrames, startReplayServe, waitUntil } from './helpers/serve.ts'
import type { ReplayServe } from './helpers/serve.ts'
import { startTcpProxy } from './helpers/tcp-proxy.ts'

const RRC = RRC06_PREFIXES.join(',')
// stream, resume, gap, abort, session, no prefixes, http, rate
const KEYS = [RRC, RRC, RRC, RRC, RRC, '', '', '']

describe('the client against serve', { timeout: 120_000 }, () => {
  let server: ReplayServe & { keys: string[] }
  let expected: string[]
  const client = (i: number, wsUrl?: string): BgproutesLiveClient =>
    new BgproutesLiveClient({ apiKey: server.keys[i] as string, apiUrl: server.serve.http, wsUrl: wsUrl ?? server.serve.ws, backoff: { baseMs: 50, minMs: 10 } })
  const withoutSeq = (frames: StreamMessage[]): string[] => frames.map((f) => {
    const { seq: _seq, ...rest } = f as StreamMessage & { seq?: number }
    return JSON.stringify(rest)
  })
  // serve numbers a key's frames from its start time in µs, plus 1: `first` is a key's first seq.
  const seqs = (n: number, first: number): number[] => Array.from({ length: n }, (_v, i) => first + i)
  const firstSeq = (frames: StreamMessage[]): number => {
    const f = frames.find((f) => 'seq' in f)
    assert.ok(f !== undefined && 'seq' in f && f.seq > 1_000_000_000_000_000, 'a seq above serve\'s base')
    return f.seq
  }

  before(async () => {
    expected = await expectedFrames(RRC06, RRC06_PREFIXES)
    server = await startReplayServe(KEYS)
    await waitUntil(() => server.serve.stderr().includes('"msg":"replay done"'), 'the replay', 20_000)
  })
  after(async () => { await server?.stop() })

  it('streams every frame of its prefixes, in order', async () => {
    const got: StreamMessage[] = []
    const c = client(0)
    for await (const frame of c.messages({ since: 0, signal: AbortSignal.timeout(20_000) })) {
      got.push(frame)
      if (got.length === expected.length) break
    }
    const first = firstSeq(got)
    assert.deepEqual(got.map((f) => 'seq' in f ? f.seq : 'gap'), seqs(expected.length, first))
    assert.deepEqual(withoutSeq(got), expected)
    assert.equal(c.stats.messages, expected.length)
    assert.equal(c.stats.lastSeq, first + expected.length - 1)
    assert.equal(c.stats.reconnects, 0)
  })

  it('reconnects after its connection is cut mid-stream and resumes with no gap and no duplicate', async () => {
    const port = Number(new URL(server.serve.http).port)
    // Frames trickle through the proxy, so that each cut finds some still on their way.
    const proxy = await startTcpProxy('127.0.0.1', port, { chunkBytes: 512, delayMs: 10 })
    try {
      const reasons: string[] = []
      const got: StreamMessage[] = []
      const cuts = new Set([10, 40, 70])
      const resumed = new BgproutesLiveClient({
        apiKey: server.keys[1] as string,
        apiUrl: server.serve.http,
        wsUrl: `ws://127.0.0.1:${proxy.port}/`,
        backoff: { baseMs: 50, minMs: 10 },
        onReconnect: (info) => { reasons.push(`${info.error.name}@${info.since}`) }
      })
      for await (const frame of resumed.messages({ since: 0, signal: AbortSignal.timeout(30_000) })) {
        got.push(frame)
        if (cuts.has(got.length)) proxy.cut()
        if (got.length === expected.length) break
      }
      const first = firstSeq(got)
      assert.deepEqual(got.map((f) => 'seq' in f ? f.seq : 'gap'), seqs(expected.length, first))
      assert.deepEqual(withoutSeq(got), expected)
      assert.equal(resumed.stats.reconnects, reasons.length)
      assert.ok(resumed.stats.reconnects >= 3, reasons.join(' '))
      assert.ok(proxy.connections() >= 4)
      // Each cut came before the whole stream had arrived: the resume asked for what was missing.
      for (const r of reasons) assert.match(r, /@([0-9]+)$/)
      assert.ok(reasons.some((r) => Number(/@([0-9]+)$/.exec(r)?.[1]) < first + expected.length - 1), reasons.join(' '))
    } finally {
      await proxy.close()
    }
  })

  it('surfaces a gap frame when the server cannot serve the resume whole, then the frames it has', async () => {
    const got: StreamMessage[] = []
    // A seq from before this serve started (below its base): those frames are gone.
    for await (const frame of client(2).messages({ since: 1_000_000, signal: AbortSignal.timeout(20_000) })) {
      got.push(frame)
      if (got.length === expected.length + 1) break
    }
    const first = firstSeq(got)
    assert.deepEqual(got[0], { record_type: 'gap', reason: 'too_old', since: 1_000_000, first_seq: first, last_seq: first + expected.length - 1 })
    assert.deepEqual(got.slice(1).map((f) => 'seq' in f ? f.seq : 'gap'), seqs(expected.length, first))
  })

  it('stops when its AbortSignal aborts, mid catch-up or waiting for live frames', async () => {
    const c = client(3)
    const controller = new AbortController()
    const got: StreamMessage[] = []
    for await (const frame of c.messages({ since: 0, signal: controller.signal })) {
      got.push(frame)
      if (got.length === 5) controller.abort()
    }
    assert.equal(got.length, 5)
    const first = firstSeq(got)
    // A new client, live only: nothing comes (the replay is over); the abort ends the loop.
    await waitUntil(async () => (await c.status()).openSessions === 0, 'the session to close', 5000)
    const live = new AbortController()
    setTimeout(() => { live.abort() }, 300)
    const started = Date.now()
    const liveFrames: StreamMessage[] = []
    for await (const frame of client(3).messages({ signal: live.signal })) liveFrames.push(frame)
    assert.ok(Date.now() - started < 5000)
    assert.deepEqual(liveFrames, [])
    // The first client resumes from the last frame it delivered: its next stream starts at the 6th.
    await waitUntil(async () => (await c.status()).openSessions === 0, 'the session to close', 5000)
    const next = new AbortController()
    for await (const frame of c.messages({ signal: next.signal })) {
      assert.equal('seq' in frame ? frame.seq : 0, first + 5)
      next.abort()
    }
  })

  it('refuses a second session with SessionAlreadyOpenError, an unknown key with UnknownKeyError', async () => {
    const first = new AbortController()
    const iterator = client(4).messages({ since: 0, signal: first.signal })
    try {
      assert.equal((await iterator.next()).done, false)
      const error = await client(4).messages().next().then(() => undefined, (e: unknown) => e)
      assert.ok(error instanceof SessionAlreadyOpenError, String(error))
      assert.equal(error.code, 'SESSION_ALREADY_OPEN')
      assert.equal(error.closeCode, 4009)
      assert.equal(error.details.maxSessions, 1)
    } finally {
      first.abort()
      await iterator.return()
    }
    const stranger = new BgproutesLiveClient({ apiKey: 'bgpl_' + 'x'.repeat(43), apiUrl: server.serve.http, wsUrl: server.serve.ws })
    await assert.rejects(stranger.status(), (e: BgplError) => e instanceof UnknownKeyError && e.status === 401)
    await assert.rejects(stranger.messages().next(), (e: BgplError) => e instanceof UnknownKeyError && e.closeCode === 4001)
  })

  it('refuses a stream of a key without prefixes with NoPrefixesError', async () => {
    await assert.rejects(client(5).messages().next(), (e: BgplError) => e instanceof NoPrefixesError && e.closeCode === 4004)
  })

  it('sets the prefixes and reads the status; refused prefixes come with their reason', async () => {
    const c = client(6)
    const set = await c.setPrefixes(['2001:DB8:0::/32', '192.0.2.0/24'])
    assert.deepEqual(set.prefixes, ['2001:db8::/32', '192.0.2.0/24'])
    const status = await c.status()
    assert.deepEqual(status.prefixes, ['2001:db8::/32', '192.0.2.0/24'])
    assert.deepEqual(status.limits, { maxPrefixes: 10, maxSessions: 1 })
    assert.equal(status.openSessions, 0)
    assert.match(status.keyId, /^[0-9a-f]{12}$/)
    const refused = async (prefixes: string[]): Promise<PrefixRejectedError> => {
      const error = await c.setPrefixes(prefixes).then(() => undefined, (e: unknown) => e)
      assert.ok(error instanceof PrefixRejectedError, String(error))
      assert.equal(error.status, 422)
      return error
    }
    const hostBits = await refused(['192.0.2.1/24'])
    assert.equal(hostBits.reason, 'PREFIX_HOST_BITS')
    assert.equal(hostBits.prefix, '192.0.2.1/24')
    assert.equal(hostBits.suggestion, '192.0.2.0/24')
    assert.equal((await refused(['10.0.0.0/7'])).reason, 'PREFIX_TOO_SHORT')
    const malformed = await refused(['192.0.2.300/24'])
    assert.equal(malformed.reason, 'PREFIX_MALFORMED')
    assert.equal(malformed.prefix, '192.0.2.300/24')
    const tooMany = await refused(Array.from({ length: 11 }, (_v, i) => `10.${i}.0.0/16`))
    assert.equal(tooMany.reason, 'TOO_MANY_PREFIXES')
    assert.equal(tooMany.details.maxPrefixes, 10)
    // A refused list changes nothing.
    assert.deepEqual((await c.status()).prefixes, ['2001:db8::/32', '192.0.2.0/24'])
  })

  it('reports the per-key rate limit as RateLimitedError with the wait', async () => {
    const c = client(7)
    let error: unknown
    for (let i = 0; i < 100 && error === undefined; i++) error = await c.status().then(() => undefined, (e: unknown) => e)
    assert.ok(error instanceof RateLimitedError, String(error))
    assert.equal(error.status, 429)
    assert.ok((error.retryAfterSeconds ?? 0) >= 1)
  })
})
