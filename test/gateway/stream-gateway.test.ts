// The websocket stream with real ws clients over a real store: refusals (error frame, then the
// close code), live frames, one session per key, resume with `since`, the gap frame, a prefix
// change on an open session, keepalive of a dead peer, a session gone from the store while its
// client is connected (opened again, or closed with the store's reason).
import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { WebSocket } from 'ws'
import { startGatewayFixture } from './gateway-fixture.ts'
import type { GatewayFixture, StreamClient } from './gateway-fixture.ts'
import { announce, range, seqs, withdraw } from './records.ts'

async function refusedWith (client: StreamClient, code: string, closeCode: number): Promise<Record<string, unknown>> {
  const closed = await client.closed
  assert.equal(closed.code, closeCode)
  assert.equal(client.frames.length, 1, JSON.stringify(client.frames))
  const frame = client.frames[0]
  assert.equal(frame.code, code)
  assert.equal(typeof frame.error, 'string')
  assert.ok((frame.error as string).length > 10)
  assert.ok(!('prefixes' in frame))
  return frame
}

describe('stream gateway', () => {
  let fx: GatewayFixture
  beforeEach(async () => { fx = await startGatewayFixture() })
  afterEach(async () => { await fx.close() })

  it('refuses an unknown key, a missing key and a bad since with an error frame and the documented close code', async () => {
    await refusedWith(await fx.connect('?api_key=bgpl_' + 'A'.repeat(43)), 'UNKNOWN_KEY', 4001)
    await refusedWith(await fx.connect('?api_key=nonsense'), 'UNKNOWN_KEY', 4001)
    await refusedWith(await fx.connect(''), 'UNKNOWN_KEY', 4001)
    const { key } = await fx.makeKey(['10.1.0.0/16'])
    await refusedWith(await fx.connect(`?api_key=${key}&since=-1`), 'BAD_REQUEST', 4000)
    await refusedWith(await fx.connect(`?api_key=${key}&since=1e3`), 'BAD_REQUEST', 4000)
    // The refusals left no session behind: the key connects.
    const ok = await fx.connect(`?api_key=${key}`)
    fx.bus.publish(announce(['10.1.2.0/24']))
    await ok.waitFor((f) => f.length === 1, 'a frame')
    const refused = await fx.metrics.sessionsRefused.get()
    assert.deepEqual(Object.fromEntries(refused.values.map((v) => [v.labels.code, v.value])), { UNKNOWN_KEY: 3, BAD_REQUEST: 2 })
  })

  it('sends live and replayed frames as websocket text frames, several in one turn, in seq order', async () => {
    const { key } = await fx.makeKey(['10.1.0.0/16'])
    const live = await fx.connect(`?api_key=${key}`)
    const kinds: boolean[] = []
    live.ws.on('message', (_data, isBinary) => { kinds.push(isBinary) })
    for (let i = 0; i < 5; i++) fx.bus.publish(announce([`10.1.${i}.0/24`]))
    await live.waitFor((f) => f.length === 5, '5 live frames')
    assert.deepEqual(seqs(live.frames), [1, 2, 3, 4, 5])
    live.ws.close()
    await live.closed
    // The replay: a bare client, listening before the upgrade completes.
    const again = new WebSocket(`${fx.url}/?api_key=${key}&since=2`)
    const replayed: Array<{ isBinary: boolean, frame: Record<string, unknown> }> = []
    const three = new Promise<void>((resolve) => {
      again.on('message', (data, isBinary) => {
        replayed.push({ isBinary, frame: JSON.parse(String(data)) as Record<string, unknown> })
        if (replayed.length === 3) resolve()
      })
    })
    await three
    assert.deepEqual(replayed.map((r) => r.frame.seq), [3, 4, 5])
    assert.deepEqual(replayed.map((r) => r.frame.prefixes), ['10.1.2.0/24', '10.1.3.0/24', '10.1.4.0/24'])
    assert.deepEqual([...kinds, ...replayed.map((r) => r.isBinary)], [false, false, false, false, false, false, false, false])
    const gone = new Promise((resolve) => { again.once('close', resolve) })
    again.close()
    await gone
  })

  it('refuses a revoked key and a key without prefixes', async () => {
    const { key, id } = await fx.makeKey([])
    await refusedWith(await fx.connect(`?api_key=${key}`), 'NO_PREFIXES', 4004)
    await fx.store.revokeKey(id, new Date())
    await refusedWith(await fx.connect(`?api_key=${key}`), 'KEY_REVOKED', 4003)
  })

  it('answers another path with 404', async () => {
    const { key } = await fx.makeKey(['10.1.0.0/16'])
    const client = await fx.connect(`stream?api_key=${key}`).then(() => assert.fail('connected'), (err: Error) => err)
    assert.match(client.message, /404/)
  })

  it('streams the key\'s frames: announcements with prefixes, withdrawals without, numbered from 1', async () => {
    const { key } = await fx.makeKey(['10.1.0.0/16', '2001:db8::/32'])
    const other = await fx.makeKey(['192.0.2.0/24'])
    const a = await fx.connect(`?api_key=${key}`)
    const b = await fx.connect(`?api_key=${other.key}`)
    fx.bus.publish(announce(['10.1.2.0/24', '10.9.0.0/16']))
    fx.bus.publish(announce(['192.0.2.0/24']))
    fx.bus.publish(withdraw(['10.1.2.0/24', '2001:db8:1::/48']))
    await a.waitFor((f) => f.length === 2, 'two frames')
    await b.waitFor((f) => f.length === 1, 'one frame')
    assert.deepEqual(a.frames, [
      { seq: 1, record_type: 'update', vp: '64500_192.0.2.1', sec: 1764201600, Usec: 1, prefixes: '10.1.2.0/24', 'as-path': '64500 2914', communities: '2914:420', nexthop: '192.0.2.1', origin: 'IGP', collector: 'test-collector' },
      { seq: 2, record_type: 'update', vp: '64500_192.0.2.1', sec: 1764201600, Usec: 1, withdrawn: '10.1.2.0/24,2001:db8:1::/48', collector: 'test-collector' }
    ])
    assert.equal(b.frames[0].seq, 1)
    assert.equal(b.frames[0].prefixes, '192.0.2.0/24')
    const sent = await fx.metrics.framesSent.get()
    assert.equal(sent.values[0].value, 3)
  })

  it('allows one session per key: the second is refused, the first unaffected; after it closes the key connects again', async () => {
    const { key, id } = await fx.makeKey(['10.1.0.0/16'])
    const first = await fx.connect(`?api_key=${key}`)
    await refusedWith(await fx.connect(`?api_key=${key}`), 'SESSION_ALREADY_OPEN', 4009)
    fx.bus.publish(announce(['10.1.0.0/16']))
    await first.waitFor((f) => f.length === 1, 'a frame')
    assert.equal(fx.gateway.sessionsFor(id), 1)
    first.ws.close(1000)
    await first.closed
    // The store's session is closed once the server saw the close.
    for (let i = 0; i < 50 && fx.gateway.sessionsFor(id) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20))
    assert.equal(await fx.store.countOpenSessions(id, new Date()), 0)
    const again = await fx.connect(`?api_key=${key}`)
    fx.bus.publish(announce(['10.1.0.0/16']))
    await again.waitFor((f) => f.length === 1, 'a frame')
    assert.equal(again.frames[0].seq, 2)
  })

  it('applies a prefix change to the open session at once', async () => {
    const { key, id } = await fx.makeKey(['10.1.0.0/16'])
    const client = await fx.connect(`?api_key=${key}`)
    // What the API's onPrefixesChanged does after storing the list.
    await fx.apiKeys.setPrefixes(id, '10.2.0.0/16', new Date())
    fx.service.setKeyPrefixes(id, ['10.2.0.0/16'])
    fx.bus.publish(announce(['10.1.0.0/16']))
    fx.bus.publish(announce(['10.2.3.0/24']))
    await client.waitFor((f) => f.length === 1, 'a frame')
    await fx.bus.flush()
    assert.deepEqual(client.frames.map((f) => f.prefixes), ['10.2.3.0/24'])
    // An empty list stops the frames; the session stays open.
    fx.service.setKeyPrefixes(id, [])
    fx.bus.publish(announce(['10.2.3.0/24']))
    fx.service.setKeyPrefixes(id, ['10.1.0.0/16'])
    fx.bus.publish(announce(['10.1.1.0/24']))
    await client.waitFor((f) => f.length === 2, 'a second frame')
    assert.deepEqual(client.frames.map((f) => [f.seq, f.prefixes]), [[1, '10.2.3.0/24'], [2, '10.1.1.0/24']])
  })

  it('uses the stored prefix list of a key set by another process when its session opens', async () => {
    // Made in the store only, as `bgproutes-live keys create` does while the service runs.
    const { key, record } = await fx.apiKeys.create({ prefixes: '10.7.0.0/16', now: new Date() })
    assert.deepEqual(fx.service.matcher.keysFor('10.7.0.0/16'), [])
    const client = await fx.connect(`?api_key=${key}`)
    fx.bus.publish(announce(['10.7.1.0/24']))
    await client.waitFor((f) => f.length === 1, 'a frame')
    assert.equal(client.frames[0].prefixes, '10.7.1.0/24')
    assert.deepEqual(fx.service.matcher.keysFor('10.7.0.0/16'), [record.id])
  })

  it('resumes with since: the frames missed, no gap, no duplicate, then live ones', async () => {
    const { key } = await fx.makeKey(['10.1.0.0/16'])
    const first = await fx.connect(`?api_key=${key}`)
    for (let i = 0; i < 3; i++) fx.bus.publish(announce(['10.1.0.0/16'], i))
    await first.waitFor((f) => f.length === 3, 'three frames')
    first.ws.close(1000)
    await first.closed
    for (let i = 3; i < 7; i++) fx.bus.publish(announce(['10.1.0.0/16'], i))
    await fx.bus.flush()
    await waitNoSession(fx)
    const second = await fx.connect(`?api_key=${key}&since=3`)
    await second.waitFor((f) => f.length === 4, 'four missed frames')
    fx.bus.publish(announce(['10.1.0.0/16'], 7))
    await second.waitFor((f) => f.length === 5, 'a live frame')
    assert.deepEqual(seqs(second.frames), [4, 5, 6, 7, 8])
    assert.deepEqual(second.frames.map((f) => f.Usec), [4, 5, 6, 7, 8])
    // since=0: everything kept; since = the last seq: nothing but live frames.
    second.ws.close(1000)
    await second.closed
    await waitNoSession(fx)
    const all = await fx.connect(`?api_key=${key}&since=0`)
    await all.waitFor((f) => f.length === 8, 'eight frames')
    assert.deepEqual(seqs(all.frames), range(1, 8))
    all.ws.close(1000)
    await all.closed
    await waitNoSession(fx)
    const none = await fx.connect(`?api_key=${key}&since=8`)
    fx.bus.publish(announce(['10.1.0.0/16'], 8))
    await none.waitFor((f) => f.length === 1, 'a live frame')
    assert.deepEqual(seqs(none.frames), [9])
  })

  it('answers a since the server has not reached (a restart reset the seqs) with a reset gap frame and every kept frame', async () => {
    const { key } = await fx.makeKey(['10.1.0.0/16'])
    fx.bus.publish(announce(['10.1.0.0/16']))
    fx.bus.publish(announce(['10.1.0.0/16']))
    await fx.bus.flush()
    const client = await fx.connect(`?api_key=${key}&since=500`)
    await client.waitFor((f) => f.length === 3, 'gap and two frames')
    assert.deepEqual(client.frames[0], { record_type: 'gap', reason: 'reset', since: 500, first_seq: 1, last_seq: 2 })
    assert.deepEqual(seqs(client.frames), [1, 2])
  })

  it('pings, and cuts a client that stops answering', async () => {
    await fx.close()
    fx = await startGatewayFixture({ limits: { pingIntervalMs: 100 } })
    const { key, id } = await fx.makeKey(['10.1.0.0/16'])
    const alive = await fx.connect(`?api_key=${key}`)
    const other = await fx.makeKey(['10.2.0.0/16'])
    const dead = await fx.connect(`?api_key=${other.key}`, { autoPong: false })
    let pings = 0
    alive.ws.on('ping', () => { pings++ })
    const closed = await dead.closed
    assert.equal(closed.code, 1006) // cut, no close frame
    // Each session's first ping comes at a random point of the first period, then every period.
    await waitFor(() => pings >= 1, 'a ping to the live client')
    await waitFor(() => fx.gateway.sessionsFor(other.id) === 0, 'the dead session to go')
    assert.equal(await fx.store.countOpenSessions(other.id, new Date()), 0)
    // The live one answered every ping and is still there.
    await new Promise((resolve) => setTimeout(resolve, 300))
    assert.equal(alive.ws.readyState, alive.ws.OPEN)
    assert.equal(fx.gateway.sessionsFor(id), 1)
    const closedByReason = await fx.metrics.sessionsClosed.get()
    assert.deepEqual(closedByReason.values.map((v) => [v.labels.reason, v.value]), [['dead_peer', 1]])
  })
})

describe('stream gateway, a session gone from the store while connected', () => {
  let fx: GatewayFixture
  afterEach(async () => { await fx.close() })

  /** Remove every session whose lease would have lapsed 91 s from now: what a reaper does after late renewals. */
  async function reapSessions (): Promise<void> {
    await fx.store.expireIdle(new Date(Date.now() + 91_000))
  }

  it('opens the session again when its lease lapsed and was reaped: the stream goes on, no frame lost', async () => {
    fx = await startGatewayFixture({ limits: { renewIntervalMs: 100 } })
    const { key, id } = await fx.makeKey(['10.1.0.0/16'])
    const client = await fx.connect(`?api_key=${key}`)
    fx.bus.publish(announce(['10.1.0.0/16'], 1))
    await client.waitFor((f) => f.length === 1, 'a frame')
    await reapSessions()
    // The next renewal finds the session gone (a renewal already on its way may find it first).
    await waitFor(async () => (await fx.metrics.sessionsReopened.get()).values[0].value === 1, 'the session opened again')
    assert.equal(await fx.store.countOpenSessions(id, new Date()), 1)
    fx.bus.publish(announce(['10.1.0.0/16'], 2))
    await client.waitFor((f) => f.length === 2, 'a frame after')
    assert.deepEqual(seqs(client.frames), [1, 2])
    assert.equal(client.ws.readyState, client.ws.OPEN)
    // Closing the stream closes the session it holds now.
    client.ws.close(1000)
    await client.closed
    await waitFor(async () => await fx.store.countOpenSessions(id, new Date()) === 0, 'the reopened session closed')
    const closedByReason = await fx.metrics.sessionsClosed.get()
    assert.deepEqual(closedByReason.values.map((v) => [v.labels.reason, v.value]), [['client', 1]])
  })

  it('closes it with SESSION_ALREADY_OPEN when another session of the key took its place', async () => {
    fx = await startGatewayFixture({ limits: { renewIntervalMs: 1_000 } })
    const { key, id } = await fx.makeKey(['10.1.0.0/16'])
    const first = await fx.connect(`?api_key=${key}`)
    const connectedAt = Date.now()
    // Right after a renewal (its lease then ends 90 s after it) the next is a second away: time to
    // reap the session and open another before the first renews again.
    await waitFor(async () => await fx.store.countOpenSessions(id, new Date(connectedAt + 90_050)) === 1, 'a renewal')
    await reapSessions()
    const second = await fx.connect(`?api_key=${key}`)
    const frame = await refusedWith(first, 'SESSION_ALREADY_OPEN', 4009)
    assert.deepEqual(frame.details, { keyId: id, maxSessions: 1 })
    fx.bus.publish(announce(['10.1.0.0/16']))
    await second.waitFor((f) => f.length === 1, 'a frame on the second')
    assert.equal(await fx.store.countOpenSessions(id, new Date()), 1)
    assert.equal((await fx.metrics.sessionsReopened.get()).values[0].value, 0)
  })

  it('closes it with KEY_REVOKED when the key is revoked', async () => {
    fx = await startGatewayFixture({ limits: { renewIntervalMs: 100 } })
    const { key, id } = await fx.makeKey(['10.1.0.0/16'])
    const client = await fx.connect(`?api_key=${key}`)
    await fx.store.revokeKey(id, new Date())
    await refusedWith(client, 'KEY_REVOKED', 4003)
    await waitFor(() => fx.gateway.sessionsFor(id) === 0, 'the session to go')
    const closedByReason = await fx.metrics.sessionsClosed.get()
    assert.deepEqual(closedByReason.values.map((v) => [v.labels.reason, v.value]), [['lease_lost', 1]])
  })
})

describe('stream gateway, a short delivery log', () => {
  it('says when since is older than the log, then sends what is kept and live frames', async () => {
    const fx = await startGatewayFixture({ log: { maxFramesPerKey: 3 } })
    try {
      const { key } = await fx.makeKey(['10.1.0.0/16'])
      for (let i = 0; i < 10; i++) fx.bus.publish(announce(['10.1.0.0/16'], i))
      await fx.bus.flush()
      const client = await fx.connect(`?api_key=${key}&since=2`)
      await client.waitFor((f) => f.length === 4, 'gap and three frames')
      fx.bus.publish(announce(['10.1.0.0/16'], 10))
      await client.waitFor((f) => f.length === 5, 'a live frame')
      assert.deepEqual(client.frames[0], { record_type: 'gap', reason: 'too_old', since: 2, first_seq: 8, last_seq: 10 })
      assert.deepEqual(seqs(client.frames), [8, 9, 10, 11])
      const gaps = await fx.metrics.resumeGaps.get()
      assert.deepEqual(gaps.values.map((v) => [v.labels.reason, v.value]), [['too_old', 1]])
    } finally {
      await fx.close()
    }
  })
})

async function waitFor (test: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!await test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

async function waitNoSession (fx: GatewayFixture): Promise<void> {
  await waitFor(() => fx.gateway.sessionCount === 0, 'no session open')
}
