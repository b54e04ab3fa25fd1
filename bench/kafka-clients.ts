// node bench/kafka-clients.ts — picks the Kafka client by measurement: @platformatic/kafka and
// kafkajs against a real broker (scripts/kafka start; default 127.0.0.1:9092), same workload.
//
// Workload per client and run: a fresh topic of 6 partitions; records of ~300 bytes (JSON the size
// of a normalised BGP record), keyed by one of 200 vantage points; idempotent producer with
// acks=all (-1); one consumer in a fresh group reading from the earliest offset, in this same
// process (so that send and receive share one clock: performance.now()).
//
//   burst   N records (default 200,000) sent as fast as the client takes them (batches of
//           --batch records, at most --inflight batches unacknowledged; kafkajs: 1, see below): msgs/s produced
//           (acks=all received) and msgs/s end to end (first send to last record consumed),
//           and the produce→consume latency of every record (p50 / p99 / max), which under
//           saturation is mostly queueing.
//   paced   --rate records/s (default 5,000) for --seconds (default 10), sent every 10 ms:
//           the produce→consume latency at a load the clients both sustain.
//
// Every record carries a per-key sequence number: the consumer checks that each key's records
// arrive in order with no gap (lost or reordered) and counts those delivered again (duplicates,
// e.g. refetched by the consumer around a group join); a run ends when every record was seen
// once, and only first deliveries count in the latency.
//
// Usage: node bench/kafka-clients.ts [--brokers 127.0.0.1:9092] [--records 200000]
//        [--rate 5000] [--seconds 10] [--batch 1000] [--inflight 8] [--clients platformatic,kafkajs]
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { Admin, Consumer, Producer, ProduceAcks, stringDeserializers, stringSerializers } from '@platformatic/kafka'
import { Kafka, logLevel } from 'kafkajs'

const { values: args } = parseArgs({
  options: {
    brokers: { type: 'string', default: '127.0.0.1:9092' },
    records: { type: 'string', default: '200000' },
    rate: { type: 'string', default: '5000' },
    seconds: { type: 'string', default: '10' },
    batch: { type: 'string', default: '1000' },
    inflight: { type: 'string', default: '8' },
    clients: { type: 'string', default: 'platformatic,kafkajs' },
    partitions: { type: 'string', default: '6' }
  }
})
const brokers = args.brokers.split(',')
const RECORDS = Number(args.records)
const RATE = Number(args.rate)
const SECONDS = Number(args.seconds)
const BATCH = Number(args.batch)
const INFLIGHT = Number(args.inflight)
const PARTITIONS = Number(args.partitions)
const KEYS = 200
const TIMEOUT_MS = 60_000

interface Msg { key: string, value: string }

/** The clients behind one small interface, so that both run the same code. */
interface ClientUnderTest {
  name: string
  /** Most send() calls this client may have unacknowledged at once (see kafkajs below). */
  maxInflight: number
  /** Resolves once the consumer is in its group and reading; calls onValue for each record. */
  startConsumer (topic: string, group: string, onValue: (key: string, value: string) => void): Promise<void>
  send (topic: string, messages: Msg[]): Promise<void>
  close (): Promise<void>
}

const vpKeys = Array.from({ length: KEYS }, (_, i) => `${64_500 + i}_192.0.2.${i % 250}`)
const seqs = new Map<string, number>()

function makeMessage (i: number): Msg {
  const key = vpKeys[i % KEYS]!
  const seq = (seqs.get(key) ?? 0) + 1
  seqs.set(key, seq)
  // Field order puts the stamp and sequence first; the rest has the shape of a normalised record.
  const value = JSON.stringify({
    t: performance.now(),
    seq,
    type: 'A',
    vp: { asn: 64_500 + (i % KEYS), ip: `192.0.2.${(i % KEYS) % 250}` },
    time: 1_780_000_000 + Math.floor(i / 1000),
    prefix: `10.${(i >> 8) & 255}.${i & 255}.0/24`,
    asPath: [64_500 + (i % KEYS), 3356, 1299, 2914, 13_335],
    nextHop: '192.0.2.1',
    communities: ['3356:2', '3356:22', '1299:30000'],
    origin: 'IGP',
    med: 0,
    collector: 'rrc00',
    source: 'bgp'
  })
  return { key, value }
}

function platformatic (): ClientUnderTest {
  const producer = new Producer({
    clientId: 'bench-producer',
    bootstrapBrokers: brokers,
    serializers: stringSerializers,
    idempotent: true,
    acks: ProduceAcks.ALL,
    autocreateTopics: false
  })
  let consumer: Consumer<string, string, string, string> | undefined
  return {
    name: '@platformatic/kafka',
    maxInflight: INFLIGHT,
    async startConsumer (topic, group, onValue) {
      consumer = new Consumer({
        groupId: group,
        clientId: 'bench-consumer',
        bootstrapBrokers: brokers,
        deserializers: stringDeserializers,
        maxWaitTime: 100
      })
      const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: 1000 })
      stream.on('data', (message) => { onValue(message.key, message.value) })
    },
    async send (topic, messages) {
      await producer.send({ messages: messages.map(m => ({ topic, key: m.key, value: m.value })) })
    },
    async close () {
      await consumer?.close(true)
      await producer.close()
    }
  }
}

function kafkajs (): ClientUnderTest {
  const kafka = new Kafka({ clientId: 'bench', brokers, logLevel: logLevel.NOTHING })
  // kafkajs's idempotent producer fails with OUT_OF_ORDER_SEQUENCE_NUMBER (non-retriable) when
  // send() calls overlap (measured here with 8 in flight): it must send one batch at a time.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
  let consumer: ReturnType<typeof kafka.consumer> | undefined
  let connected: Promise<void> | undefined
  return {
    name: 'kafkajs',
    maxInflight: 1,
    async startConsumer (topic, group, onValue) {
      consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 100 })
      await consumer.connect()
      await consumer.subscribe({ topics: [topic], fromBeginning: true })
      const joined = new Promise<void>(resolve => consumer!.on(consumer!.events.GROUP_JOIN, () => { resolve() }))
      await consumer.run({
        autoCommitInterval: 1000,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) onValue(m.key?.toString() ?? '', m.value?.toString() ?? '')
        }
      })
      await joined
    },
    async send (topic, messages) {
      connected ??= producer.connect()
      await connected
      await producer.send({ topic, acks: -1, messages })
    },
    async close () {
      await consumer?.disconnect()
      await producer.disconnect()
    }
  }
}

async function createTopic (topic: string): Promise<void> {
  const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers: brokers })
  try {
    await admin.createTopics({ topics: [topic], partitions: PARTITIONS, replicas: 1 })
  } finally {
    await admin.close()
  }
}

function quantile (sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

interface RunResult {
  client: string
  mode: string
  records: number
  produceRate: number
  e2eRate: number
  p50: number
  p99: number
  max: number
  /** Records delivered again (a key's sequence number not above the last one seen). */
  duplicates: number
  /** Records that skipped ahead of their key's next sequence number (lost or reordered). */
  gaps: number
}

async function run (make: () => ClientUnderTest, mode: 'burst' | 'paced'): Promise<RunResult> {
  const client = make()
  const topic = `bench-${client.name.replace(/\W/g, '')}-${mode}-${Date.now()}`
  await createTopic(topic)
  const total = mode === 'burst' ? RECORDS : RATE * SECONDS
  const latencies = new Float64Array(total)
  const lastSeq = new Map<string, number>()
  let received = 0
  let duplicates = 0
  let gaps = 0
  let lastAt = 0
  let done!: () => void
  const allIn = new Promise<void>(resolve => { done = resolve })
  seqs.clear()
  try {
    await client.startConsumer(topic, `${topic}-group`, (key, value) => {
      const now = performance.now()
      const v = JSON.parse(value) as { t: number, seq: number }
      const prev = lastSeq.get(key) ?? 0
      if (v.seq <= prev) { duplicates++; return }
      if (v.seq !== prev + 1) gaps++
      lastSeq.set(key, v.seq)
      if (received < total) latencies[received] = now - v.t
      received++
      lastAt = now
      if (received === total) done()
    })
    // Let the group settle (join, assignment, first fetch) so that the figures are of steady state.
    await new Promise(resolve => setTimeout(resolve, 2000))
    const start = performance.now()
    let i = 0
    if (mode === 'burst') {
      const pending = new Set<Promise<void>>()
      while (i < total) {
        const batch: Msg[] = []
        for (const end = Math.min(total, i + BATCH); i < end; i++) batch.push(makeMessage(i))
        const p: Promise<void> = client.send(topic, batch).finally(() => pending.delete(p))
        pending.add(p)
        if (pending.size >= client.maxInflight) await Promise.race(pending)
      }
      await Promise.all(pending)
    } else {
      const perTick = Math.max(1, Math.round(RATE / 100))
      const sends: Promise<void>[] = []
      let previous: Promise<void> = Promise.resolve()
      while (i < total) {
        const due = start + (i / RATE) * 1000
        const wait = due - performance.now()
        if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait))
        const batch: Msg[] = []
        for (const end = Math.min(total, i + perTick); i < end; i++) batch.push(makeMessage(i))
        // A client limited to one send at a time queues its batches behind each other.
        const p: Promise<void> = client.maxInflight === 1 ? previous.then(() => client.send(topic, batch)) : client.send(topic, batch)
        previous = p
        sends.push(p)
      }
      await Promise.all(sends)
    }
    const produced = performance.now()
    let timer: NodeJS.Timeout | undefined
    await Promise.race([allIn, new Promise((_resolve, reject) => {
      timer = setTimeout(() => { reject(new Error(`${client.name}: ${received}/${total} consumed after ${TIMEOUT_MS} ms`)) }, TIMEOUT_MS)
    })]).finally(() => clearTimeout(timer))
    const sorted = latencies.slice(0, Math.min(received, total)).sort()
    return {
      client: client.name,
      mode: mode === 'burst' ? `burst ${total}` : `paced ${RATE}/s x ${SECONDS}s`,
      records: received,
      produceRate: total / ((produced - start) / 1000),
      e2eRate: total / ((lastAt - start) / 1000),
      p50: quantile(sorted, 0.5),
      p99: quantile(sorted, 0.99),
      max: sorted[sorted.length - 1] ?? NaN,
      duplicates,
      gaps
    }
  } finally {
    await client.close()
  }
}

const makers: Record<string, () => ClientUnderTest> = { platformatic, kafkajs }
const results: RunResult[] = []
for (const name of args.clients.split(',')) {
  const make = makers[name]
  if (make === undefined) throw new Error(`unknown client ${name}; known: ${Object.keys(makers).join(', ')}`)
  for (const mode of ['burst', 'paced'] as const) {
    const r = await run(make, mode)
    results.push(r)
    console.error(`${r.client} ${r.mode}: done`)
  }
}

const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
console.log('| client | run | records | produced msgs/s (acks=all) | end-to-end msgs/s | p50 ms | p99 ms | max ms | duplicates | gaps |')
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
for (const r of results) {
  console.log(`| ${r.client} | ${r.mode} | ${fmt(r.records)} | ${fmt(r.produceRate)} | ${fmt(r.e2eRate)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${fmt(r.max, 1)} | ${r.duplicates} | ${r.gaps} |`)
}
