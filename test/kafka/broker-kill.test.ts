// Issue 5 §4, the broker part: a 3-broker cluster (replication 3, min.insync.replicas 2) carries
// the in-process pipeline KafkaBus → KafkaMatcher → KafkaFrameFeed while records flow; one broker
// is killed with SIGKILL mid-way (the leader of the key's topic). The session's seq must be
// exactly 1..N, no gap, no duplicate, and its frames exactly those the Matcher makes of the
// records published: nothing lost, nothing twice.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KafkaBus } from '../../src/bus/kafka-bus.ts'
import type { FeedSink } from '../../src/gateway/frame-feed.ts'
import { KafkaFrameFeed } from '../../src/kafka/kafka-frame-feed.ts'
import { KafkaMatcher } from '../../src/kafka/kafka-matcher.ts'
import { PartitionReader } from '../../src/kafka/partition-reader.ts'
import { keyTopic, TopicAdmin } from '../../src/kafka/topics.ts'
import { createLogger, silentLogger } from '../../src/log.ts'
import type { Logger } from '../../src/log.ts'
import { Matcher } from '../../src/matcher/matcher.ts'
import type { LoggedFrame } from '../../src/matcher/delivery-log.ts'
import { openStore } from '../../src/store/open-store.ts'
import { startKafka } from '../helpers/kafka.ts'
import { rec, settingsFor, sleep, uniquePrefix, waitFor, within } from './helpers.ts'

const KEY_ID = 'b0b0b0b0b0b0'
const KEY_PREFIXES = ['10.0.0.0/8']
const T0 = 1_700_000_000_000_000

class CollectingSink implements FeedSink {
  readonly frames: LoggedFrame[] = []
  readonly arrivals: number[] = []
  readonly controls: string[] = []
  backlogBytes = 0
  deliver (frame: LoggedFrame): void {
    this.frames.push(frame)
    this.arrivals.push(Date.now())
  }

  sendControl (text: string): void {
    this.controls.push(text)
  }
}

function logger (): Logger {
  const level = process.env.BGPL_TEST_LOG
  return level === undefined ? silentLogger() : createLogger({ level: level as 'warn' })
}

test('kill -9 of one broker of three while records flow: the session sees seq 1..N, no gap, no duplicate, nothing lost', { timeout: 480_000 }, async (t) => {
  const kafka = await startKafka({ brokers: 3, port: 19_400, timeoutSeconds: 150 })
  const settings = settingsFor(kafka.bootstrap, uniquePrefix('broker-kill'), { BGPL_KAFKA_REPLICATION: '3', BGPL_KAFKA_RECORD_PARTITIONS: '6' })
  const log = logger()
  const dataDir = mkdtempSync(join(tmpdir(), 'bgpl-broker-kill-'))
  const store = await openStore({ dataDir })
  await store.createKey({ id: KEY_ID, hash: 'x', prefixes: KEY_PREFIXES, now: new Date() })

  const admin = new TopicAdmin(settings, 'bk-admin')
  const matcherReader = new PartitionReader(settings, 'bk-matcher-reader')
  const feedReader = new PartitionReader(settings, 'bk-feed-reader')
  const bus = new KafkaBus({ settings, logger: log, clientId: 'bk-bus', sessionTimeoutMs: 6_000, closeTimeoutMs: 10_000 })
  const matcher = new KafkaMatcher({ store, bus, reader: matcherReader, admin, logger: log, clientId: 'bk-matcher', resyncIntervalMs: 0 })
  const feed = new KafkaFrameFeed({ settings, reader: feedReader, admin, logger: log })
  let detach = (): void => {}
  // One hook, in order, each step bounded: a component stuck on a dead broker must not hang the run.
  t.after(async () => {
    detach()
    const steps: Array<[string, () => Promise<unknown>]> = [
      ['feed.stop', async () => { await feed.stop() }],
      ['matcher.stop', async () => { await matcher.stop() }],
      ['bus.close', async () => { await bus.close() }],
      ['readers', async () => { await Promise.all([feedReader.close(), matcherReader.close(), admin.close()]) }]
    ]
    let stuck = false
    for (const [name, step] of steps) {
      if (await within(step(), 20_000) === 'timeout') {
        stuck = true
        t.diagnostic(`cleanup: ${name} did not end in 20 s`)
        // A writer stuck retrying keeps the process alive: close its producer.
        if (name === 'matcher.stop') await within(matcher.writer.close(), 10_000)
      }
    }
    await store.close()
    await kafka.stop()
    rmSync(dataDir, { recursive: true, force: true })
    // A matcher whose writer is stuck cannot be stopped (its subscription waits for the writer
    // for ever and keeps its consumer): once the results are out, do not let it hold the run.
    if (stuck) setTimeout(() => { process.exit(1) }, 10_000).unref()
  })
  await matcher.start()
  const sink = new CollectingSink()
  detach = await feed.subscribe(KEY_ID, sink, 0)

  // What the real Matcher makes of the records published: the frames the session must get.
  const reference = new Matcher({ maxPrefixesPerKey: 100_000 })
  reference.setKeyPrefixes(KEY_ID, KEY_PREFIXES)
  const expected: number[] = []
  const publishedAt = new Map<number, number>()
  let n = 0
  const publishRound = (): void => {
    for (let i = 0; i < 20; i++, n++) {
      // Two records in three match the key; eight vantage points over six partitions.
      const prefixes = n % 3 === 2 ? ['172.16.' + String(n % 256) + '.0/24'] : ['10.' + String(n % 256) + '.' + String((n >> 8) % 256) + '.0/24']
      const record = rec(T0 + n, 1 + (n % 8), prefixes)
      assert.equal(bus.publish(record), true, `record ${n} dropped`)
      publishedAt.set(n, Date.now())
      for (const f of reference.match(record)) {
        assert.equal(f.keyId, KEY_ID)
        expected.push(n)
      }
    }
  }

  const runMs = 25_000
  const killAtMs = 10_000
  const started = Date.now()
  let killedAt = 0
  let killed = -1
  while (Date.now() - started < runMs) {
    publishRound()
    if (killedAt === 0 && Date.now() - started >= killAtMs) {
      const leader = (await feedReader.locate(keyTopic(settings, KEY_ID), true)).leader
      killed = leader
      killedAt = Date.now()
      const pid = kafka.kill(leader)
      t.diagnostic(`killed broker node ${leader} (pid ${pid}, the key topic's leader) at ${killedAt - started} ms, after ${n} records; session had ${sink.frames.length} frames`)
    }
    await sleep(50)
  }
  const publishedAll = Date.now()
  t.diagnostic(`published ${n} records in ${publishedAll - started} ms; ${expected.length} frames expected`)
  await within(bus.flush(), 60_000)
  assert.equal(bus.stats.queued, 0, 'records still queued 60 s after the end')
  assert.equal(bus.stats.dropped, 0)
  // (On a timeout the assertions below say what is missing.)
  await waitFor(() => sink.frames.length >= expected.length, 90_000, `${expected.length} frames`).catch(() => {})
  await sleep(2_000) // anything extra (a duplicate) would arrive meanwhile
  const caughtUp = sink.arrivals.length > 0 ? sink.arrivals[sink.arrivals.length - 1] : Date.now()

  // The stall: the longest time without a frame after the kill, while records were published.
  let stall = 0
  let stallFrom = 0
  let last = killedAt
  for (const a of sink.arrivals) {
    if (a < killedAt) continue
    if (a - last > stall) { stall = a - last; stallFrom = last }
    last = a
  }
  let worstLatency = 0
  for (let i = 0; i < sink.frames.length; i++) {
    const parsed = JSON.parse(sink.frames[i].bytes.toString()) as { sec: number, Usec: number }
    const m = parsed.sec * 1_000_000 + parsed.Usec - T0
    const p = publishedAt.get(m)
    if (p !== undefined) worstLatency = Math.max(worstLatency, sink.arrivals[i] - p)
  }
  t.diagnostic(`longest time without a frame after the kill: ${stall} ms (from ${stallFrom - killedAt} ms after the kill); worst publish-to-session latency ${worstLatency} ms; last frame ${caughtUp - publishedAll} ms after the last publish`)
  t.diagnostic(`bus ${JSON.stringify({ published: bus.stats.published, sendErrors: bus.stats.sendErrors })}; writer ${JSON.stringify(matcher.writer.stats)}; sub ${JSON.stringify(bus.stats.subscriptions)}`)
  assert.ok(killed > 0, 'no broker was killed')

  // Where a duplicate comes from: the records topic itself (a record written twice by the bus)?
  const audit = new KafkaBus({ settings, logger: log, clientId: 'bk-audit' })
  const onTopic = new Map<number, number>()
  let audited = 0
  const auditSub = audit.subscribe((d) => { audited++; const m = d.record.time_us - T0; onTopic.set(m, (onTopic.get(m) ?? 0) + 1) }, { group: 'audit' })
  await waitFor(() => audited >= n, 60_000, 'the records topic read back').catch(() => {})
  await sleep(1_000)
  await within(auditSub.unsubscribe(), 10_000)
  await within(audit.close(), 10_000)
  const twice = [...onTopic].filter(([, c]) => c > 1).map(([m]) => m)
  t.diagnostic(`records topic: ${audited} records for ${n} published, ${onTopic.size} distinct; written more than once: ${JSON.stringify(twice.slice(0, 30))}`)

  assert.deepEqual(sink.controls, [], 'gap frames')
  const seqs = sink.frames.map((f) => f.seq)
  const firstWrong = seqs.findIndex((s, i) => s !== i + 1)
  assert.equal(firstWrong, -1, `seq ${seqs[firstWrong]} at position ${firstWrong} (want ${firstWrong + 1})`)
  const got = sink.frames.map((f) => {
    const parsed = JSON.parse(f.bytes.toString()) as { sec: number, Usec: number }
    return parsed.sec * 1_000_000 + parsed.Usec - T0
  })
  const seen = new Set<number>()
  const duplicates = got.filter((m) => { const d = seen.has(m); seen.add(m); return d })
  const missing = expected.filter((m) => !seen.has(m))
  assert.deepEqual({ duplicates: duplicates.slice(0, 20), duplicateCount: duplicates.length, missing: missing.slice(0, 20), missingCount: missing.length }, { duplicates: [], duplicateCount: 0, missing: [], missingCount: 0 })
  assert.equal(sink.frames.length, expected.length)
  // Per vantage point, the frames are in publish order.
  const lastPerVp = new Map<number, number>()
  for (const m of got) {
    const vp = m % 8
    assert.ok((lastPerVp.get(vp) ?? -1) < m, `record ${m} after a later one of its vantage point`)
    lastPerVp.set(vp, m)
  }
})
