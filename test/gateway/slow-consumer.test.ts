// A client that stops reading: the server closes it with an error frame carrying the last seq it
// handed over (4030), after exactly the frames 1..last_seq, and never holds more than its bounds;
// a client of another key reading at the same time gets every frame.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { startGatewayFixture } from './gateway-fixture.ts'
import { announce, range, seqs } from './records.ts'

/** 400 /24s inside 10.0.0.0/8: one frame of about 5.6 KB per record. */
function bigRecord (n: number): ReturnType<typeof announce> {
  const prefixes: string[] = []
  for (let i = 0; i < 400; i++) prefixes.push(`10.${(n + i) % 256}.${i % 256}.0/24`)
  return announce(prefixes, n)
}

it('closes a client that stops reading with the last seq it was given; the others are unaffected', async () => {
  const fx = await startGatewayFixture({ limits: { maxBufferedBytes: 64 * 1024, maxQueuedBytes: 256 * 1024, closeTimeoutMs: 10_000 } })
  try {
    const slowKey = await fx.makeKey(['10.0.0.0/8'])
    const fastKey = await fx.makeKey(['10.0.0.0/8'])
    const slow = await fx.connect(`?api_key=${slowKey.key}`)
    const fast = await fx.connect(`?api_key=${fastKey.key}`)
    slow.ws.pause()
    const drops = async (): Promise<number> => (await fx.metrics.slowConsumerDrops.get()).values[0]?.value ?? 0
    // Feed until the server gives up on the slow one (bounded: 60 MB at most).
    let sent = 0
    while (await drops() === 0 && sent < 10_000) {
      for (let i = 0; i < 50; i++) fx.service.handle(bigRecord(sent++))
      await new Promise((resolve) => setImmediate(resolve))
    }
    assert.ok(await drops() > 0, 'the slow consumer was never closed')
    for (let i = 0; i < 20; i++) fx.service.handle(bigRecord(sent++))
    // The server holds no queue for the slow client any more: its frames are not kept past the bounds.
    slow.ws.resume()
    const closed = await slow.closed
    assert.equal(closed.code, 4030)
    const last = slow.frames[slow.frames.length - 1]
    assert.equal(last.code, 'SLOW_CONSUMER')
    assert.equal(typeof last.error, 'string')
    const lastSeq = last.last_seq as number
    assert.ok(lastSeq > 0)
    // Exactly the frames 1 .. last_seq came before the error frame: a resume from it has no gap.
    assert.deepEqual(seqs(slow.frames.slice(0, -1)), range(1, lastSeq))
    assert.ok(lastSeq < sent)
    // The reader of the other key got every frame, in order, and is still open.
    await fast.waitFor((f) => f.length === sent, `${sent} frames`, 20_000)
    assert.deepEqual(seqs(fast.frames), range(1, sent))
    assert.equal(fast.ws.readyState, fast.ws.OPEN)
    for (let i = 0; i < 100 && fx.gateway.sessionsFor(slowKey.id) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20))
    const closedByReason = await fx.metrics.sessionsClosed.get()
    assert.deepEqual(closedByReason.values.map((v) => [v.labels.reason, v.value]), [['slow_consumer', 1]])
    // What was dropped is what the queue held at the moment plus the frame that overflowed it: the
    // queue never held more than its bound (256 KiB of frames over 5 KB each).
    const dropped = await drops()
    assert.ok(dropped >= 1 && dropped <= Math.floor(256 * 1024 / 5000) + 1, `dropped ${dropped}`)
    assert.ok(dropped <= sent - lastSeq)
    // It resumes where it stopped, with no gap and no duplicate.
    const again = await fx.connect(`?api_key=${slowKey.key}&since=${lastSeq}`)
    await again.waitFor((f) => f.length >= 1, 'the missed frames')
    const first = again.frames[0]
    if (first.record_type === 'gap') {
      assert.equal(first.since, lastSeq)
    } else {
      assert.equal(first.seq, lastSeq + 1)
    }
  } finally {
    await fx.close()
  }
})
