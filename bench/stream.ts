// npm run bench:stream — the live service in one process (`bgproutes-live serve`), end to end:
// real MRT UPDATEs into its BGP collector at a fixed rate, 1,000 keys of 10 prefixes each, one
// websocket client per key on loopback. Reported per rate: UPDATEs sent, frames delivered (and
// per second), the latency from an UPDATE written to the collector's socket to its frame read by
// the client (p50 / p99 / max), drops and closes (serve's /metrics), and CPU of each process.
//
// Processes (all on this machine, sharing its cores: the figures are of the whole set):
//   serve           the real CLI through its launcher (bin/bgproutes-live serve: the node flags a
//                   deployment runs with) on a temp data dir, loopback ports
//   feeder          bench/stream-feeder.ts: one BGP session, UPDATEs of the file paced at the rate
//   clients x N     bench/stream-clients.ts: the websocket clients, split over N processes
//   this one        makes the keys (ApiKeys over the store, as `keys create` does, before serve
//                   starts), drives the runs, reads /metrics, prints the table
//
// Latency, end to end: the feeder rewrites each UPDATE's MED to a stamp of its own and records
// when it wrote it (process.hrtime = CLOCK_MONOTONIC, one clock for every process); a client reads
// the MED back from the frame and records when the frame arrived (same clock). Frames without a
// MED (withdrawals) are counted but have no end-to-end latency. A second figure, `ingress`, is for
// every frame: client receive time minus the frame's sec/Usec, which serve stamps when its
// collector reads the UPDATE off the socket (wall clock, performance.timeOrigin-based in both
// processes: its error is the difference of the processes' timeOrigin, shown as `clock skew`).
//
// Key prefixes come from the replayed file: each key gets 8 prefixes the file announces and the
// covering /16 of 2 more (IPv4; for IPv6 the /32), so that some UPDATEs concern several keys and
// most concern none; the share is computed with the real Matcher over the file and printed.
//
// At the end, `npm run bench:matcher` (100,000 keys x 10 prefixes: lookups per second on one core)
// runs as a child process and its figures are printed; --no-matcher skips it.
//
// Usage: node bench/stream.ts [--rates 1000,10000,50000] [--seconds 10] [--keys 1000]
//        [--client-processes 2] [--warmup-seconds N|pass] [--file F] [--no-matcher] [--seed N]
// Warm-up (default `pass`): at 10,000 UPDATE/s until the feeder has sent the whole file once and
// 3 s more, so that the runs start past the file's start: every kind of UPDATE the runs send (the
// file opens with a table transfer, 25 prefixes an UPDATE) has gone through serve before, as in a
// collector that has been up for more than a few seconds. With a shorter warm-up the first pass
// over the file's start falls inside a run, and V8 deoptimises and recompiles the whole UPDATE path
// there (`--trace-deopt`: "Insufficient type feedback", "wrong map" in the decoder, the Adj-RIB-In,
// the matcher and the stream writes): a one-off stall of 30 - 100 ms that says nothing of a warm
// service. `--warmup-seconds N` sets N seconds instead (0: none).
// Diagnosis: --serve-node-args='--cpu-prof --trace-gc' (node flags for serve, after the launcher's: BGPL_NODE_ARGS; its stdout is kept
// in $TMPDIR/bench-stream-serve-stdout.txt and the run windows are printed in serve's time),
// --sample (serve's queues and event-loop delay once a second: perturbs serve a little),
// --dump FILE (FILE.RATE: send time and latency of every stamped frame).
import { fork, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ApiKeys } from '../src/keys/api-keys.ts'
import { loadKeySecret } from '../src/keys/secret.ts'
import { Matcher } from '../src/matcher/matcher.ts'
import { MrtRecordNormaliser } from '../src/record/from-mrt.ts'
import type { UpdateRecord } from '../src/record/types.ts'
import { readMrtFile } from '../src/sources/mrt/read-mrt-file.ts'
import { openStore } from '../src/store/open-store.ts'
import { message } from './child-message.ts'
import { keyPrefixLists, rng } from './key-lists.ts'
import { parseMetricsText } from './metrics-text.ts'

const ROOT = resolve(import.meta.dirname, '..')
const NODE = join(ROOT, 'node_modules/.bin/node')
const { values } = parseArgs({
  allowNegative: true,
  options: {
    rates: { type: 'string', default: '1000,10000,50000' },
    seconds: { type: 'string', default: '10' },
    keys: { type: 'string', default: '1000' },
    'client-processes': { type: 'string', default: '2' },
    'warmup-seconds': { type: 'string', default: 'pass' },
    file: { type: 'string', default: resolve(ROOT, '../shared/data/mrt/updates/updates.et-header.2015.gz') },
    matcher: { type: 'boolean', default: true },
    seed: { type: 'string', default: '1' },
    'serve-node-args': { type: 'string', default: '' },
    sample: { type: 'boolean', default: false },
    dump: { type: 'string' }
  }
})
const RATES = values.rates.split(',').map(Number)
const SECONDS = Number(values.seconds)
const KEYS = Number(values.keys)
const PER_KEY = 10
const CLIENT_PROCS = Number(values['client-processes'])
const file = values.file

const children = new Set<ChildProcess>()
process.once('exit', () => { for (const c of children) c.kill('SIGKILL') })
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US')

const random = rng(Number(values.seed))

// 1. The file's records (the UPDATEs the feeder will send, as the collector will make them).
const normaliser = new MrtRecordNormaliser()
const records: UpdateRecord[] = []
for await (const rec of readMrtFile(file)) {
  if (rec.kind !== 'bgp4mp-message' || !rec.asn4 || rec.addPath || rec.local) continue
  if (rec.message[18] !== 2) continue
  for (const r of normaliser.toRecords(rec, 'bench')) if (r.type === 'update') records.push(r)
}
const announced = [...new Set(records.flatMap((r) => r.announce.flatMap((g) => g.prefixes)))]

// 2. Key prefix lists, and what share of the file they take, with the real Matcher.
const lists = keyPrefixLists(announced, KEYS, PER_KEY, random)
const matcher = new Matcher()
lists.forEach((l, k) => matcher.setKeyPrefixes(`k${k}`, l))
let matchedRecords = 0
let matchedFrames = 0
for (const r of records) {
  const n = matcher.match(r).length
  if (n > 0) matchedRecords++
  matchedFrames += n
}
const withdrawOnly = records.filter((r) => r.announce.length === 0).length
console.log(`file: ${file}: ${fmt(records.length)} UPDATEs (${withdrawOnly} withdrawal-only), ${fmt(announced.length)} distinct prefixes announced`)
console.log(`keys: ${fmt(KEYS)} x ${PER_KEY} prefixes (8 announced in the file + 2 covering /16 or /32); ` +
  `${(100 * matchedRecords / records.length).toFixed(1)}% of the UPDATEs concern at least one key; ${(matchedFrames / records.length).toFixed(3)} frames per UPDATE`)

// 3. The keys, in a fresh store, before serve starts.
const dataDir = mkdtempSync(join(tmpdir(), 'bench-stream-'))
const keys: string[] = []
{
  const t0 = performance.now()
  const secret = loadKeySecret({ env: {}, dataDir, allowGenerate: true })
  const store = await openStore({ dataDir })
  const apiKeys = await ApiKeys.open(store, secret)
  for (const l of lists) keys.push((await apiKeys.create({ label: 'bench', prefixes: l, now: new Date() })).key)
  await store.close()
  console.log(`keys made through ApiKeys.create (the path of \`keys create\`) in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
}
const keysFile = join(dataDir, 'bench-keys.json')
writeFileSync(keysFile, JSON.stringify(keys))

// 4. serve.
const serveLog = join(dataDir, 'serve.log')
const serveNodeArgs = values['serve-node-args'].split(' ').filter((a) => a !== '')
const serveSpawnedAt = performance.now()
// The launcher execs node: `serve.pid` is serve's (its CPU is read from /proc).
const serve = spawn(join(ROOT, 'bin/bgproutes-live'), ['serve', '--data-dir', dataDir, '--listen-http', '127.0.0.1:0', '--listen-bgp', '127.0.0.1:0', '--listen-bmp', 'none', '--log-level', 'info'],
  { cwd: ROOT, env: { ...process.env, BGPL_NODE_ARGS: serveNodeArgs.join(' ') }, stdio: ['ignore', 'pipe', openSync(serveLog, 'a')] })
children.add(serve)
let serveOut = ''
serve.stdout?.setEncoding('utf8').on('data', (d: string) => { serveOut += d })
{
  const deadline = Date.now() + 30_000
  while (!/^BGP collector/m.test(serveOut)) {
    if (serve.exitCode !== null || Date.now() > deadline) throw new Error(`serve did not start; see ${serveLog}`)
    await sleep(50)
  }
}
const field = (label: string): string => (new RegExp(`^${label}\\s+(\\S+)`, 'm').exec(serveOut) as RegExpExecArray)[1]
const httpUrl = field('live manager API')
const wsUrl = field('websocket stream')
const bgpPort = field('BGP collector').split(':').pop() as string
console.log(`serve: pid ${serve.pid}, ${httpUrl}, BGP ${field('BGP collector')}, log ${serveLog}`)

async function sleep (ms: number): Promise<void> { await new Promise((resolve) => setTimeout(resolve, ms)) }

async function metrics (): Promise<Map<string, number>> {
  return parseMetricsText(await (await fetch(`${httpUrl}/metrics`)).text())
}

// 5. The feeder: one BGP session, established before any client connects (its peer-up frame
// goes to nobody).
const base = process.hrtime.bigint()
const baseAt = performance.now()
const feeder = fork(join(ROOT, 'bench/stream-feeder.ts'), [file, bgpPort], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' })
children.add(feeder)
const feederReady = await message<{ updates: number, stampedShare: number }>(feeder, 60_000, 'feeder')
console.log(`feeder: ${fmt(feederReady.updates)} UPDATEs loaded, ${(100 * feederReady.stampedShare).toFixed(2)}% stamped (MED); BGP session established`)

// 6. The clients.
interface ClientsReady { connected: number, refused: number, errors: number, errorTexts: string[], clockOffset: number }
const clients: ChildProcess[] = []
const per = Math.ceil(KEYS / CLIENT_PROCS)
const readies: Array<Promise<ClientsReady>> = []
for (let i = 0; i < CLIENT_PROCS; i++) {
  const c = fork(join(ROOT, 'bench/stream-clients.ts'), [wsUrl, String(base), keysFile, String(i * per), String(Math.min(per, KEYS - i * per))], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' })
  children.add(c)
  clients.push(c)
  readies.push(message<ClientsReady>(c, 120_000, 'clients'))
}
const t0 = performance.now()
const ready = await Promise.all(readies)
const connected = ready.reduce((n, r) => n + r.connected, 0)
const myOffset = (performance.timeOrigin + performance.now()) - Number(process.hrtime.bigint()) / 1e6
const offsets = [myOffset, ...ready.map((r) => r.clockOffset)]
const skewMs = Math.max(...offsets) - Math.min(...offsets)
console.log(`clients: ${connected} of ${KEYS} connected in ${((performance.now() - t0) / 1000).toFixed(1)} s over ${CLIENT_PROCS} processes; ${ready.reduce((n, r) => n + r.refused, 0)} refused ${ready.flatMap((r) => r.errorTexts).slice(0, 2).join(' ')}`)
console.log(`clock skew (wall vs monotonic offset) across this machine's bench processes: ${(skewMs * 1000).toFixed(0)} µs`)

interface FeederDone { sent: number, firstStamp: number, lastStamp: number, sendMs: Float64Array, elapsedMs: number, achievedRate: number, stalls: number, cpu: number }
interface ClientsCollect { stamps: Float64Array, recvMs: Float64Array, ingressMs: Float64Array, frames: number, unstamped: number, errors: number, errorTexts: string[], gaps: number, closed: number, cpu: number }

async function collect (): Promise<ClientsCollect[]> {
  return await Promise.all(clients.map(async (c) => {
    const p = message<ClientsCollect>(c, 30_000, 'clients collect')
    c.send({ cmd: 'collect' })
    return await p
  }))
}

async function phase (rate: number, seconds: number): Promise<void> {
  await collect()
  const m0 = await metrics()
  const w0 = performance.now()
  const done = message<FeederDone>(feeder, seconds * 4000 + 30_000, 'feeder run')
  feeder.send({ cmd: 'run', rate, seconds, base: String(base) })
  // With --sample, once a second while it runs: serve's queues and event-loop delay (prom-client
  // resets the delay histogram at each scrape, so each sample is the last second's). Off by
  // default: a scrape costs serve a few ms of its event loop. Without it the delay figures are
  // over the whole run (scraped at its start and end).
  const run = { sampling: values.sample }
  const samples = { loopMax: 0, loopP99: 0, sourceQueue: NaN, busQueued: NaN }
  const sampler = (async () => {
    while (run.sampling) {
      await sleep(1000)
      if (!run.sampling) break
      const m = await metrics()
      samples.loopMax = Math.max(samples.loopMax, m.get('nodejs_eventloop_lag_max_seconds') ?? 0)
      samples.loopP99 = Math.max(samples.loopP99, m.get('nodejs_eventloop_lag_p99_seconds') ?? 0)
      samples.sourceQueue = Math.max(Number.isNaN(samples.sourceQueue) ? 0 : samples.sourceQueue, m.get('bgpl_source_queue_length') ?? 0)
      samples.busQueued = Math.max(Number.isNaN(samples.busQueued) ? 0 : samples.busQueued, m.get('bgpl_bus_queued') ?? 0)
    }
  })()
  const f = await done
  run.sampling = false
  await sampler
  if (serveNodeArgs.length > 0) console.log(`  run window: ${fmt(w0 - serveSpawnedAt)} .. ${fmt(performance.now() - serveSpawnedAt)} ms after serve was spawned`)
  const mEnd = await metrics()
  if (!values.sample) {
    samples.loopMax = mEnd.get('nodejs_eventloop_lag_max_seconds') ?? NaN
    samples.loopP99 = mEnd.get('nodejs_eventloop_lag_p99_seconds') ?? NaN
  }
  // Wait for the pipeline to drain: frames sent by serve stop moving (bounded).
  let last = -1
  const drainDeadline = Date.now() + 20_000
  for (;;) {
    const m = await metrics()
    const sent = m.get('bgpl_frames_sent_total') ?? 0
    if (sent === last && (m.get('bgpl_bus_queued') ?? 0) === 0 && (m.get('bgpl_source_queue_length') ?? 0) === 0) break
    if (Date.now() > drainDeadline) break
    last = sent
    await sleep(300)
  }
  await sleep(300)
  const wallMs = performance.now() - w0
  const m1 = await metrics()
  const got = await collect()
  const d = (name: string): number => (m1.get(name) ?? 0) - (m0.get(name) ?? 0)

  const lat: number[] = []
  const dump: string[] = []
  let late = 0
  for (const g of got) {
    for (let i = 0; i < g.stamps.length; i++) {
      const idx = g.stamps[i] - f.firstStamp
      if (idx < 0 || idx >= f.sendMs.length) { late++; continue }
      lat.push(g.recvMs[i] - f.sendMs[idx])
      if (values.dump !== undefined) dump.push(`${(f.sendMs[idx] + baseAt - serveSpawnedAt).toFixed(3)} ${(g.recvMs[i] - f.sendMs[idx]).toFixed(3)}`)
    }
  }
  // --dump FILE: send time (ms after serve was spawned) and latency of every stamped frame, per rate.
  if (values.dump !== undefined) writeFileSync(`${values.dump}.${rate}`, dump.join('\n') + '\n')
  const ingress = got.flatMap((g) => Array.from(g.ingressMs))
  const frames = got.reduce((n, g) => n + g.frames, 0)
  const serveCpu = (d('process_cpu_user_seconds_total') + d('process_cpu_system_seconds_total')) * 1000 / wallMs
  const clientCpu = got.reduce((n, g) => n + g.cpu, 0)
  results.push({
    rate,
    sent: f.sent,
    achieved: f.achievedRate,
    stalls: f.stalls,
    records: d('bgpl_records_total'),
    matched: d('bgpl_frames_matched_total'),
    handed: d('bgpl_frames_sent_total'),
    frames,
    framesPerSecond: frames / (f.elapsedMs / 1000),
    stamped: lat.length,
    late,
    e2e: percentiles(lat),
    ingress: percentiles(ingress),
    gaps: got.reduce((n, g) => n + g.gaps, 0),
    errors: got.reduce((n, g) => n + g.errors, 0),
    closed: got.reduce((n, g) => n + g.closed, 0),
    slowDrops: d('bgpl_ws_slow_consumer_dropped_frames_total'),
    slowCloses: d('bgpl_ws_sessions_closed_total{reason="slow_consumer"}'),
    busDropped: d('bgpl_bus_dropped'),
    queueDropped: d('bgpl_source_queue_dropped'),
    serveCpu,
    feederCpu: f.cpu,
    clientCpu,
    matchP99: histogramQuantile(m0, m1, 'bgpl_match_seconds', 0.99),
    ...samples
  })
  const errorTexts = got.flatMap((g) => g.errorTexts)
  if (errorTexts.length > 0) console.log(`  error frames: ${errorTexts.slice(0, 2).join(' | ')}`)
}

interface Percentiles { p50: number, p99: number, max: number, n: number }
function percentiles (xs: number[]): Percentiles {
  if (xs.length === 0) return { p50: NaN, p99: NaN, max: NaN, n: 0 }
  const a = Float64Array.from(xs).sort()
  const q = (p: number): number => a[Math.min(a.length - 1, Math.floor(p * a.length))]
  return { p50: q(0.5), p99: q(0.99), max: a[a.length - 1], n: a.length }
}

/** A quantile of a Prometheus histogram over the interval (upper bound of the bucket). */
function histogramQuantile (m0: Map<string, number>, m1: Map<string, number>, name: string, q: number): number {
  const buckets: Array<[number, number]> = []
  for (const [k, v] of m1) {
    const m = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\}$`).exec(k)
    if (m !== null) buckets.push([m[1] === '+Inf' ? Infinity : Number(m[1]), v - (m0.get(k) ?? 0)])
  }
  buckets.sort((x, y) => x[0] - y[0])
  const total = buckets.at(-1)?.[1] ?? 0
  for (const [le, n] of buckets) if (n >= q * total) return le
  return NaN
}

interface Result {
  rate: number,
  sent: number,
  achieved: number,
  stalls: number,
  records: number,
  matched: number,
  handed: number,
  frames: number,
  framesPerSecond: number,
  stamped: number,
  late: number,
  e2e: Percentiles,
  ingress: Percentiles,
  gaps: number,
  errors: number,
  closed: number,
  slowDrops: number,
  slowCloses: number,
  busDropped: number,
  queueDropped: number,
  serveCpu: number,
  feederCpu: number,
  clientCpu: number,
  matchP99: number,
  loopMax: number,
  loopP99: number,
  sourceQueue: number,
  busQueued: number
}
const results: Result[] = []

try {
  const warmText = values['warmup-seconds']
  const warm = warmText === 'pass' ? Math.ceil(feederReady.updates / 10_000) + 3 : Number(warmText)
  if (!(warm >= 0)) throw new Error(`--warmup-seconds: a number of seconds or "pass", not ${warmText}`)
  if (warm > 0) {
    const what = warmText === 'pass' ? 'the whole file once and 3 s more: ' : ''
    console.log(`warm-up: ${warm} s at 10,000 UPDATE/s (${what}fills the Adj-RIB-In, JIT), not reported`)
    await phase(10_000, warm)
    results.length = 0
  }
  for (const rate of RATES) {
    console.log(`run: ${fmt(rate)} UPDATE/s for ${SECONDS} s ...`)
    await phase(rate, SECONDS)
  }
} finally {
  for (const c of clients) c.send({ cmd: 'exit' })
  feeder.send({ cmd: 'exit' })
  await sleep(300)
  serve.kill('SIGTERM')
  const exited = await Promise.race([new Promise((resolve) => serve.once('exit', () => { resolve(true) })), sleep(20_000).then(() => false)])
  if (exited !== true) serve.kill('SIGKILL')
  for (const c of children) c.kill('SIGKILL')
}

const ms = (x: number): string => Number.isNaN(x) ? '-' : x < 10 ? x.toFixed(2) : x.toFixed(0)
console.log('')
console.log(`serve + feeder + ${connected} clients (${CLIENT_PROCS} processes) on ${(await import('node:os')).availableParallelism()} cores; ${SECONDS} s per rate; latency in ms`)
const header = ['target/s', 'sent', 'sent/s', 'frames', 'frames/s', 'e2e p50', 'e2e p99', 'e2e max', 'ingr p50', 'ingr p99', 'lost', 'slow drop', 'bus drop', 'q drop', 'serve CPU', 'feeder', 'clients']
const rows = results.map((r) => [fmt(r.rate), fmt(r.sent), fmt(r.achieved), fmt(r.frames), fmt(r.framesPerSecond), ms(r.e2e.p50), ms(r.e2e.p99), ms(r.e2e.max), ms(r.ingress.p50), ms(r.ingress.p99),
  fmt(r.matched - r.frames), fmt(r.slowDrops), fmt(r.busDropped), fmt(r.queueDropped), r.serveCpu.toFixed(2), r.feederCpu.toFixed(2), r.clientCpu.toFixed(2)])
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
for (const r of [header, ...rows]) console.log(r.map((c, i) => c.padStart(widths[i])).join('  '))
console.log('')
for (const r of results) {
  console.log(`${fmt(r.rate)}/s: ${fmt(r.records)} records matched by serve, ${fmt(r.matched)} frames made, ${fmt(r.handed)} handed to sockets, ${fmt(r.frames)} received ` +
    `(${fmt(r.stamped)} with a stamp, ${r.late} stamped by an earlier run); seq gaps ${r.gaps}, error frames ${r.errors}, closes ${r.closed}, slow-consumer closes ${r.slowCloses}; ` +
    `feeder waits on TCP ${r.stalls}; match+log p99 <= ${r.matchP99 * 1000} ms; e2e n=${r.e2e.n}; ` +
    `serve event-loop delay p99 ${ms(r.loopP99 * 1000)} ms, max ${ms(r.loopMax * 1000)} ms` +
    (values.sample ? ` (worst 1 s sample); record queue max ${fmt(r.sourceQueue)}, bus queue max ${fmt(r.busQueued)}` : ' (over the run)'))
}
console.log('e2e: feeder socket write -> client receive (monotonic clock, MED stamp); ingr: collector socket read (frame sec/Usec) -> client receive (wall clock)')
console.log('lost: frames made by the matcher minus frames received; CPU in cores (1.00 = one core busy) over the run and its drain')

if (serveNodeArgs.length > 0) {
  const out = join(tmpdir(), 'bench-stream-serve-stdout.txt')
  writeFileSync(out, serveOut)
  console.log(`serve ran with ${serveNodeArgs.join(' ')}; its stdout: ${out}`)
}
rmSync(dataDir, { recursive: true, force: true })

if (values.matcher) {
  console.log('')
  console.log('matcher (npm run bench:matcher: 100,000 keys x 10 prefixes, one core):')
  const m = spawn(NODE, ['--expose-gc', join(ROOT, 'bench/matcher.ts')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  children.add(m)
  let out = ''
  m.stdout.setEncoding('utf8').on('data', (d: string) => { out += d })
  await new Promise((resolve) => m.once('exit', resolve))
  for (const line of out.split('\n')) if (line !== '') console.log(`  ${line}`)
}
