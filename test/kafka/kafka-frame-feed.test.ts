// KafkaFrameFeed on a real broker (one node, port 19340): a session reads its key's topic where the
// frame at offset N is seq N + 1; `since` resumes exactly, ahead of the log is a reset gap, below
// its start a too_old gap; a session with a full backlog is not fed until it drains; detach stops.
// Each case runs twice: fetching every session's topic at every fetch (no notices), and fetching
// the topics the writer's notices name, with a sweep too rare (60 s) to be what brings the frames.
// Then the sweep itself: frames written without a notice come with it, and only with it; and the
// frames notices carry: taken from the notice by a session they follow on from, read from the
// topic by one behind them.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { Admin, Producer, stringSerializers } from '@platformatic/kafka'
import type { FeedSink } from '../../src/gateway/frame-feed.ts'
import { KafkaFrameFeed } from '../../src/kafka/kafka-frame-feed.ts'
import { clientOptions } from '../../src/kafka/kafka-settings.ts'
import type { KafkaSettings } from '../../src/kafka/kafka-settings.ts'
import { KeyTopicWriter } from '../../src/kafka/key-topic-writer.ts'
import { PartitionReader } from '../../src/kafka/partition-reader.ts'
import { keyTopic, TopicAdmin, writtenTopic } from '../../src/kafka/topics.ts'
import { encodeNotices } from '../../src/kafka/written-notices.ts'
import { silentLogger } from '../../src/log.ts'
import type { LoggedFrame } from '../../src/matcher/delivery-log.ts'
import { startKafka } from '../helpers/kafka.ts'
import type { TestKafka } from '../helpers/kafka.ts'
import { settingsFor, sleep, uniquePrefix, waitFor } from './helpers.ts'

let kafka: TestKafka

before(async () => {
  kafka = await startKafka({ brokers: 1, port: 19_340, timeoutSeconds: 90 })
})

after(async () => {
  await kafka?.stop()
})

class TestSink implements FeedSink {
  readonly frames: LoggedFrame[] = []
  readonly replays: boolean[] = []
  readonly controls: unknown[] = []
  /** Everything in arrival order: seq numbers, and 'gap:<reason>' for control frames. */
  readonly events: Array<number | string> = []
  backlogBytes = 0

  deliver (frame: LoggedFrame, replay?: boolean): void {
    this.frames.push(frame)
    this.replays.push(replay === true)
    this.events.push(frame.seq)
  }

  sendControl (text: string): void {
    const c = JSON.parse(text) as { reason: string }
    this.controls.push(c)
    this.events.push('gap:' + c.reason)
  }

  get seqs (): number[] {
    return this.frames.map((f) => f.seq)
  }
}

type Mode = 'polling' | 'notices'
const MODES: Mode[] = ['polling', 'notices']

interface Env {
  settings: KafkaSettings
  keyId: string
  topic: string
  feed: KafkaFrameFeed
  /** Write frames numbered `from`..`to - 1` (field n) to the key topic; resolves once on the broker. */
  write: (from: number, to: number) => Promise<void>
  deleteBefore: (offset: number) => Promise<void>
}

async function env (name: string, t: { after: (fn: () => Promise<void>) => void }, mode: Mode, sweepIntervalMs = 60_000): Promise<Env> {
  const settings = settingsFor(kafka.bootstrap, uniquePrefix(name))
  const admin = new TopicAdmin(settings, 'test-admin')
  const writerReader = new PartitionReader(settings, 'test-writer-reader')
  const feedReader = new PartitionReader(settings, 'test-feed-reader')
  const noticesReader = new PartitionReader(settings, 'test-notices-reader')
  const writer = new KeyTopicWriter({ settings, admin, reader: writerReader, logger: silentLogger(), clientId: 'test-writer' })
  const feed = mode === 'polling'
    ? new KafkaFrameFeed({ settings, reader: feedReader, admin, logger: silentLogger(), maxWaitMs: 100 })
    : new KafkaFrameFeed({ settings, reader: feedReader, notices: noticesReader, sweepIntervalMs, admin, logger: silentLogger() })
  const keyId = randomBytes(6).toString('hex')
  const raw = new Admin(clientOptions(settings, 'test-raw-admin'))
  t.after(async () => {
    await feed.stop()
    await writer.close()
    await raw.close()
    await noticesReader.close()
    await feedReader.close()
    await writerReader.close()
    await admin.close()
  })
  feed.start()
  await feed.noticesFollowed
  const recordTime = Date.now()
  return {
    settings,
    keyId,
    topic: keyTopic(settings, keyId),
    feed,
    write: async (from, to) => {
      let left = to - from
      await new Promise<void>((resolve) => {
        for (let n = from; n < to; n++) {
          writer.recordSeen(0, recordTime)
          writer.write(keyId, JSON.stringify({ record_type: 'update', n }), { partition: 0, offset: n, timestamp: recordTime }, () => { if (--left === 0) resolve() })
        }
      })
      await writer.flush()
    },
    deleteBefore: async (offset) => {
      await raw.deleteRecords({ topics: [{ name: keyTopic(settings, keyId), partitions: [{ partition: 0, offset: BigInt(offset) }] }] })
    }
  }
}

function range (from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i)
}

for (const mode of MODES) {
  test(`${mode}: without since a session gets only the frames written after it subscribed, seq = offset + 1, the frame with seq first`, { timeout: 60_000 }, async (t) => {
    const e = await env('new', t, mode)
    await e.write(0, 5)
    const sink = new TestSink()
    const detach = await e.feed.subscribe(e.keyId, sink, undefined)
    t.after(detach)
    await sleep(300)
    assert.deepEqual(sink.seqs, [])
    await e.write(5, 10)
    await waitFor(() => sink.frames.length >= 5, 20_000, '5 frames')
    await sleep(300)
    assert.deepEqual(sink.seqs, [6, 7, 8, 9, 10])
    assert.deepEqual(sink.frames.map((f) => JSON.parse(f.bytes.toString())), range(5, 10).map((n) => ({ seq: n + 1, record_type: 'update', n })))
    assert.ok(sink.frames[0].bytes.toString().startsWith('{"seq":6,"record_type"'))
    assert.deepEqual(sink.controls, [])
  })

  test(`${mode}: since inside the log resumes exactly after it, then follows the new frames`, { timeout: 60_000 }, async (t) => {
    const e = await env('resume', t, mode)
    await e.write(0, 10)
    const sink = new TestSink()
    t.after(await e.feed.subscribe(e.keyId, sink, 4))
    await waitFor(() => sink.frames.length >= 6, 20_000, '6 frames')
    await e.write(10, 12)
    await waitFor(() => sink.frames.length >= 8, 20_000, '8 frames')
    await sleep(300)
    assert.deepEqual(sink.events, range(5, 13))
    assert.deepEqual(sink.frames.map((f) => (JSON.parse(f.bytes.toString()) as { n: number }).n), range(4, 12))
    // since = the last seq: nothing missed, nothing again.
    const all = new TestSink()
    t.after(await e.feed.subscribe(e.keyId, all, 0))
    const none = new TestSink()
    t.after(await e.feed.subscribe(e.keyId, none, 12))
    await waitFor(() => all.frames.length >= 12, 20_000, 'the whole log')
    await e.write(12, 13)
    await waitFor(() => none.frames.length >= 1 && all.frames.length >= 13, 20_000, 'the next frame')
    await sleep(300)
    assert.deepEqual(all.events, range(1, 14))
    assert.deepEqual(none.events, [13])
  })

  test(`${mode}: since ahead of the log: a reset gap frame, then every frame from the first`, { timeout: 60_000 }, async (t) => {
    const e = await env('reset', t, mode)
    await e.write(0, 10)
    const sink = new TestSink()
    t.after(await e.feed.subscribe(e.keyId, sink, 50))
    await waitFor(() => sink.frames.length >= 10, 20_000, '10 frames')
    await sleep(300)
    assert.deepEqual(sink.controls, [{ record_type: 'gap', reason: 'reset', since: 50, first_seq: 1, last_seq: 10 }])
    assert.deepEqual(sink.events, ['gap:reset', ...range(1, 11)])
  })

  test(`${mode}: since below the log start (records deleted): a too_old gap frame, then the frames from the log start`, { timeout: 60_000 }, async (t) => {
    const e = await env('too-old', t, mode)
    await e.write(0, 10)
    await e.deleteBefore(6)
    const sink = new TestSink()
    t.after(await e.feed.subscribe(e.keyId, sink, 2))
    await waitFor(() => sink.frames.length >= 4, 20_000, '4 frames')
    await sleep(300)
    assert.deepEqual(sink.controls, [{ record_type: 'gap', reason: 'too_old', since: 2, first_seq: 7, last_seq: 10 }])
    assert.deepEqual(sink.events, ['gap:too_old', 7, 8, 9, 10])
    // since exactly at the start is not too old.
    const atStart = new TestSink()
    t.after(await e.feed.subscribe(e.keyId, atStart, 6))
    await waitFor(() => atStart.frames.length >= 4, 20_000, '4 frames')
    assert.deepEqual(atStart.events, [7, 8, 9, 10])
  })

  test(`${mode}: a session whose backlog is over the bound is not fed until it drops`, { timeout: 60_000 }, async (t) => {
    const e = await env('backlog', t, mode)
    await e.write(0, 5)
    const slow = new TestSink()
    slow.backlogBytes = 1024 * 1024
    t.after(await e.feed.subscribe(e.keyId, slow, 0))
    await sleep(1_000)
    assert.deepEqual(slow.events, [], 'fed while its backlog was full')
    slow.backlogBytes = 1024 * 1024 - 1
    await waitFor(() => slow.frames.length >= 5, 20_000, 'the session to be fed once its backlog dropped')
    assert.deepEqual(slow.events, range(1, 6))
    assert.ok(slow.replays.every((r) => r), 'frames read from Kafka are handed over as replay (bounded by the feed)')
    // Full again: new frames wait in Kafka. (A fetch already waiting at the broker, issued while
    // there was room, may still bring one fetch's worth: let it end first, maxWaitMs is 100 ms.)
    slow.backlogBytes = 2 * 1024 * 1024
    await sleep(500)
    await e.write(5, 8)
    await sleep(1_000)
    assert.deepEqual(slow.events, range(1, 6))
    slow.backlogBytes = 0
    await waitFor(() => slow.frames.length >= 8, 20_000, 'the rest')
    await sleep(300)
    assert.deepEqual(slow.events, range(1, 9))
  })

  test(`${mode}: two sessions of one key: the one whose backlog is over the bound is not fed by the other one's fetches`, { timeout: 60_000 }, async (t) => {
    const e = await env('backlog2', t, mode)
    await e.write(0, 5)
    const slow = new TestSink()
    slow.backlogBytes = 1024 * 1024
    const fast = new TestSink()
    t.after(await e.feed.subscribe(e.keyId, slow, 0))
    t.after(await e.feed.subscribe(e.keyId, fast, 0))
    await waitFor(() => fast.frames.length >= 5, 20_000, 'the other session to get 5 frames')
    await sleep(500)
    assert.deepEqual(slow.events, [], 'fed while its backlog was full')
    slow.backlogBytes = 0
    await waitFor(() => slow.frames.length >= 5, 20_000, 'the session to be fed once its backlog dropped')
    await sleep(300)
    assert.deepEqual(slow.events, range(1, 6))
    assert.deepEqual(fast.events, range(1, 6))
  })

  test(`${mode}: a session held back while its next frames are deleted gets a too_old gap when it drains, then what is kept`, { timeout: 60_000 }, async (t) => {
    const e = await env('backlog-gap', t, mode)
    await e.write(0, 5)
    const slow = new TestSink()
    t.after(await e.feed.subscribe(e.keyId, slow, 0))
    await waitFor(() => slow.frames.length >= 5, 20_000, '5 frames')
    slow.backlogBytes = 5 * 1024 * 1024
    await sleep(500) // a fetch already waiting at the broker ends (maxWaitMs 100 ms)
    await e.write(5, 10)
    await e.deleteBefore(8)
    await sleep(500)
    assert.deepEqual(slow.events, range(1, 6))
    slow.backlogBytes = 0
    // (On a timeout the assertions below show what the session got.)
    await waitFor(() => slow.frames.length >= 7, 15_000, 'the rest after the gap').catch(() => {})
    await sleep(300)
    assert.deepEqual(slow.events, [...range(1, 6), 'gap:too_old', 9, 10])
    // since: the last seq the session got (5), so that "frames since+1 .. first_seq-1 are lost" (docs/protocol.md) is true.
    assert.deepEqual(slow.controls, [{ record_type: 'gap', reason: 'too_old', since: 5, first_seq: 9, last_seq: 10 }])
  })

  test(`${mode}: detach stops delivery to that session only`, { timeout: 60_000 }, async (t) => {
    const e = await env('detach', t, mode)
    const a = new TestSink()
    const b = new TestSink()
    const detachA = await e.feed.subscribe(e.keyId, a, undefined)
    const detachB = await e.feed.subscribe(e.keyId, b, undefined)
    t.after(detachB)
    assert.equal(e.feed.sessions, 2)
    await e.write(0, 3)
    await waitFor(() => a.frames.length >= 3 && b.frames.length >= 3, 20_000, '3 frames each')
    detachA()
    detachA()
    assert.equal(e.feed.sessions, 1)
    await e.write(3, 6)
    await waitFor(() => b.frames.length >= 6, 20_000, '6 frames')
    await sleep(500)
    assert.deepEqual(a.events, [1, 2, 3])
    assert.deepEqual(b.events, range(1, 7))
    detachB()
    assert.equal(e.feed.sessions, 0)
    await e.write(6, 8)
    await sleep(500)
    assert.deepEqual(b.events, range(1, 7))
  })
}

/** Frames numbered `from`..`to - 1` written to the topic by a plain producer: no notice says so. */
async function writeWithoutNotice (settings: KafkaSettings, topic: string, from: number, to: number): Promise<void> {
  const producer = new Producer({ ...clientOptions(settings, 'test-plain-producer'), serializers: stringSerializers, autocreateTopics: false })
  try {
    await producer.send({ messages: range(from, to).map((n) => ({ topic, value: JSON.stringify({ record_type: 'update', n }) })) })
  } finally {
    await producer.close()
  }
}

test('notices: frames written without a notice are not fetched before the sweep (60 s here); the next notice brings them with its own', { timeout: 60_000 }, async (t) => {
  const e = await env('no-notice', t, 'notices')
  const sink = new TestSink()
  t.after(await e.feed.subscribe(e.keyId, sink, undefined))
  await writeWithoutNotice(e.settings, e.topic, 0, 3)
  await sleep(1_500)
  assert.deepEqual(sink.seqs, [], 'fetched without a notice or a sweep')
  // The writer's notice says the topic ends after its frame: the session takes everything up to it.
  await e.write(3, 4)
  await waitFor(() => sink.frames.length >= 4, 10_000, '4 frames')
  assert.deepEqual(sink.frames.map((f) => (JSON.parse(f.bytes.toString()) as { n: number }).n), [0, 1, 2, 3])
  assert.deepEqual(sink.seqs, [1, 2, 3, 4])
  assert.equal(e.feed.stats.sweptFrames, 0)
  assert.ok(e.feed.stats.notices >= 1)
})

test('notices: frames written without a notice come with the next sweep, counted as swept', { timeout: 60_000 }, async (t) => {
  const e = await env('sweep', t, 'notices', 500)
  const sink = new TestSink()
  t.after(await e.feed.subscribe(e.keyId, sink, undefined))
  const sweeps = e.feed.stats.sweeps
  await writeWithoutNotice(e.settings, e.topic, 0, 3)
  await waitFor(() => sink.frames.length >= 3, 10_000, '3 frames by the sweep')
  await sleep(300)
  assert.deepEqual(sink.seqs, [1, 2, 3])
  assert.equal(e.feed.stats.sweptFrames, 3)
  assert.ok(e.feed.stats.sweeps > sweeps)
})

/** A notice written by hand: `keyId`'s topic ends at `end`, and `frames` (numbered n) are the ones before it. */
async function writeNotice (settings: KafkaSettings, keyId: string, end: number, frames: number[]): Promise<void> {
  const producer = new Producer({ ...clientOptions(settings, 'test-notice-producer'), autocreateTopics: false })
  try {
    const values = encodeNotices(new Map([[keyId, { end: BigInt(end), frames: frames.map((n) => JSON.stringify({ record_type: 'update', n })) }]]))
    await producer.send({ messages: values.map((value) => ({ topic: writtenTopic(settings), value })) })
  } finally {
    await producer.close()
  }
}

const numbers = (sink: TestSink): number[] => sink.frames.map((f) => (JSON.parse(f.bytes.toString()) as { n: number }).n)

test('notices: a session up to date takes the frames a notice carries from the notice, once, without reading its topic', { timeout: 60_000 }, async (t) => {
  const e = await env('carried', t, 'notices')
  const sink = new TestSink()
  t.after(await e.feed.subscribe(e.keyId, sink, undefined))
  // The writer's notices carry every frame it writes: none is fetched.
  await e.write(0, 3)
  await waitFor(() => sink.frames.length >= 3, 10_000, '3 frames')
  assert.deepEqual(sink.seqs, [1, 2, 3])
  assert.equal(e.feed.stats.noticedFrames, 3)
  // Frames that are only in a notice (written here by hand, not to the topic) reach the session:
  // they came from the notice itself. The same notice again brings nothing twice.
  await writeNotice(e.settings, e.keyId, 5, [103, 104])
  await writeNotice(e.settings, e.keyId, 5, [103, 104])
  await waitFor(() => sink.frames.length >= 5, 10_000, '5 frames')
  await sleep(500)
  assert.deepEqual(sink.seqs, [1, 2, 3, 4, 5])
  assert.deepEqual(numbers(sink), [0, 1, 2, 103, 104])
  assert.equal(e.feed.stats.noticedFrames, 5)
  assert.equal(e.feed.stats.sweptFrames, 0)
})

test('notices: a session behind the frames a notice carries reads the ones before them, and those, from its topic', { timeout: 60_000 }, async (t) => {
  const e = await env('behind', t, 'notices')
  const sink = new TestSink()
  t.after(await e.feed.subscribe(e.keyId, sink, undefined))
  await writeWithoutNotice(e.settings, e.topic, 0, 5)
  // Says the topic ends at 5 and carries frames 3 and 4 (with other contents than the topic's): the
  // session, at 0, cannot start there; it reads 0..4 from the topic, in order, none twice.
  await writeNotice(e.settings, e.keyId, 5, [103, 104])
  await waitFor(() => sink.frames.length >= 5, 10_000, '5 frames')
  await sleep(500)
  assert.deepEqual(sink.seqs, [1, 2, 3, 4, 5])
  assert.deepEqual(numbers(sink), [0, 1, 2, 3, 4])
  assert.equal(e.feed.stats.noticedFrames, 0)
  assert.equal(e.feed.stats.sweptFrames, 0)
})
