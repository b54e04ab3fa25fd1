// npm run bench:kafka — the Kafka deployment end to end: real MRT UPDATEs into the `collector`
// role's BGP listener at a fixed rate → the records topic → `matcher` role(s) (one consumer group)
// → each key's topic → the `gateway` role → one websocket client per key. The same measurement
// as bench/stream.ts (which does it for the single-process `serve`), with the same two child
// scripts, at each rate and with 1 and with 2 matchers. Target: e2e p99 under 100 ms.
//
// Processes (all on this machine, sharing its cores: the figures are of the whole set):
//   broker          Apache Kafka (test/helpers/kafka.ts startKafka on port 19900), or --kafka
//   api, collector, matcher x M, gateway x G
//                   the real CLI through its launcher (bin/bgproutes-live ROLE --kafka ...: the node
//                   flags a deployment runs with), one PostgreSQL database
//                   made for the run (DATABASE_URL) and dropped at the end, one BGPL_KEY_SECRET,
//                   a topic prefix of their own per deployment, 6 partitions of the records topic
//   feeder          bench/stream-feeder.ts: --vantage-points BGP sessions to the collector (one
//                   vantage point each: the records topic is keyed by vantage point, so that is
//                   what spreads the records over its partitions and matchers), UPDATEs paced at
//                   the rate in total, round-robin over the sessions. The sessions' addresses, in
//                   127.0.99.0/24, are chosen so that session i's key hashes to partition i % 6
//                   (12 by default: 2 per partition, an even share for each of 2 or 3 matchers
//                   whatever partitions the group gives each); sequential addresses hash unevenly
//   clients x N     bench/stream-clients.ts: the websocket clients, client process i on gateway i % G
//   this one        makes the keys (ApiKeys over the store, before any matcher starts: they load
//                   the associations at start), drives the runs, reads /metrics, prints the table
//
// For each matcher count a fresh deployment (new topic prefix; same database and keys), a warm-up
// (not reported; drained until every frame is in, up to --warmup-drain-seconds: a matcher reads
// each key topic's tail before its first write to it, after a start or a rebalance, and that cold
// start is not what the runs measure; the tail reads of each run are printed), then each rate. After the feeder's last UPDATE of a run the bench waits for the
// pipeline to drain: every frame expected received (frames of an earlier phase and peer-up frames not counted), or nothing moving for --settle-seconds.
//
// Latency, end to end: as bench/stream.ts — the feeder stamps each UPDATE's MED with a counter and
// records the monotonic time of its socket write; a client reads the MED back from the frame and
// records its arrival on the same clock. Frames without a MED (withdrawals) have no latency.
//
// Expected frames: the real Matcher over the keys' prefix lists and the MRT records of exactly the
// UPDATEs the feeder sent (it cycles over the file; this process follows its position, its
// round-robin over the sessions and its stamps), each record with the vantage point the collector
// gives it (the session's address and AS, from the feeder). Per stamp, frames received beyond the expected count are duplicates, frames missing are
// lost; `lost` = expected − (received − duplicates), over stamped and unstamped frames. `seq
// breaks` are the clients' per-key seq continuity checks (a jump or a repeat). The matchers' own
// count of frames made (bgpl_frames_matched_total) is printed next to the expectation.
//
// CPU of each process from /proc/PID/stat (user + system) over the run and its drain, in cores.
// The machine's busy cores (/proc/stat, bench/cpu-sampler.ts) over the same time, and in its busiest
// second, with each process's share of that second: where the p99 comes from when all want a core.
//
// Usage: node bench/kafka.ts [--rates 10000,50000] [--matchers 1,2] [--seconds 10] [--keys 1000] [--vantage-points 12]
//        [--gateways 1] [--client-processes 2] [--kafka HOST:PORT] [--warmup-seconds 60]
//        [--settle-seconds 5] [--drain-seconds 60] [--warmup-drain-seconds 180] [--file F] [--seed N] [--log-level warn]
//        [--dump FILE] (FILE.mM.RATE: send time and latency of every timed frame) [--keep-logs] (each
//        role's log and stdout, where --trace-gc writes)
//        [--role-node-args 'ROLE:FLAGS'] (node flags for every process of that role, after the launcher's, e.g.
//        'matcher:--cpu-prof --cpu-prof-dir=/tmp/prof'; repeatable)
import { execFileSync, fork, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { defaultPartitioner } from '@platformatic/kafka'
import pg from 'pg'
import { startKafka } from '../test/helpers/kafka.ts'
import type { TestKafka } from '../test/helpers/kafka.ts'
import { ApiKeys } from '../src/keys/api-keys.ts'
import { loadKeySecret } from '../src/keys/secret.ts'
import { Matcher } from '../src/matcher/matcher.ts'
import { MrtRecordNormaliser } from '../src/record/from-mrt.ts'
import { readMrtFile } from '../src/sources/mrt/read-mrt-file.ts'
import { openStore } from '../src/store/open-store.ts'
import { message } from './child-message.ts'
import { cpuSeconds, CpuSampler } from './cpu-sampler.ts'
import type { CpuPeak } from './cpu-sampler.ts'
import { keyPrefixLists, rng } from './key-lists.ts'
import { parseMetricsText } from './metrics-text.ts'

const ROOT = resolve(import.meta.dirname, '..')
const CLI = join(ROOT, 'bin/bgproutes-live')
const BROKER_PORT = 19_900
const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '10000,50000' },
    matchers: { type: 'string', default: '1,2' },
    seconds: { type: 'string', default: '10' },
    keys: { type: 'string', default: '1000' },
    'vantage-points': { type: 'string', default: '12' },
    gateways: { type: 'string', default: '1' },
    'client-processes': { type: 'string', default: '2' },
    kafka: { type: 'string' },
    // A minute: after 5 s the broker's C2 compiler thread still used 44 % of a core during the
    // runs (top -H), half the broker's CPU; after 60 s it no longer showed. A deployment's broker
    // has long finished compiling.
    'warmup-seconds': { type: 'string', default: '60' },
    'settle-seconds': { type: 'string', default: '5' },
    'drain-seconds': { type: 'string', default: '60' },
    'warmup-drain-seconds': { type: 'string', default: '180' },
    file: { type: 'string', default: resolve(ROOT, '../shared/data/mrt/updates/updates.et-header.2015.gz') },
    seed: { type: 'string', default: '1' },
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    'log-level': { type: 'string', default: 'warn' },
    dump: { type: 'string' },
    'keep-logs': { type: 'boolean', default: false },
    'role-node-args': { type: 'string', multiple: true, default: [] }
  }
})
const RATES = values.rates.split(',').map(Number)
/** --role-node-args: node flags per role (diagnosis: profiles, GC traces). */
const roleNodeArgs = new Map<string, string[]>()
for (const spec of values['role-node-args']) {
  const colon = spec.indexOf(':')
  if (colon < 1) throw new Error(`--role-node-args ${spec}: expected ROLE:FLAGS, e.g. 'matcher:--cpu-prof'`)
  roleNodeArgs.set(spec.slice(0, colon), spec.slice(colon + 1).split(' ').filter((a) => a !== ''))
}
const MATCHER_COUNTS = values.matchers.split(',').map(Number)
const SECONDS = Number(values.seconds)
const KEYS = Number(values.keys)
const PER_KEY = 10
const VPS = Number(values['vantage-points'])
const RECORD_PARTITIONS = 6
/** The feeder's AS (bench/stream-feeder.ts): with the address, the vantage point's partition key. */
const FEEDER_AS = 64512
/** The records topic's partition of a vantage point: the producer's default partitioner (murmur2 of the key, `partitionKey`: ASN_IP). */
const partitionOfVp = (vp: { ip: string, asn: number }): number => defaultPartitioner(undefined as never, Buffer.from(`${vp.asn}_${vp.ip}`)) % RECORD_PARTITIONS
/** The feeder's session addresses: for session i the first free 127.0.99.x whose key lands on partition i % 6. */
const vpAddresses: string[] = []
{
  const free = Array.from({ length: 254 }, (_, x) => `127.0.99.${x + 1}`)
  for (let i = 0; i < VPS; i++) {
    const at = free.findIndex((ip) => partitionOfVp({ ip, asn: FEEDER_AS }) === i % RECORD_PARTITIONS)
    if (at < 0) throw new Error(`--vantage-points ${VPS}: not enough addresses in 127.0.99.0/24 for partition ${i % RECORD_PARTITIONS}`)
    vpAddresses.push(free.splice(at, 1)[0])
  }
}
const GATEWAYS = Number(values.gateways)
const CLIENT_PROCS = Number(values['client-processes'])
const SETTLE_MS = Number(values['settle-seconds']) * 1000
const DRAIN_MS = Number(values['drain-seconds']) * 1000
const WARMUP_DRAIN_MS = Number(values['warmup-drain-seconds']) * 1000
const file = values.file

const children = new Set<ChildProcess>()
const cleanups: Array<() => void> = []
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL')
  for (const f of cleanups.splice(0).reverse()) { try { f() } catch {} }
})
for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, () => { process.exit(130) })
const fmt = (n: number): string => Number.isNaN(n) ? '-' : Math.round(n).toLocaleString('en-US')
async function sleep (ms: number): Promise<void> { await new Promise((resolve) => setTimeout(resolve, ms)) }

const random = rng(Number(values.seed))

/** Whether bench/stream-feeder.ts stamps this UPDATE (its `stampable` gives medAt >= 0). */
function feederStamps (msg: Uint8Array): boolean {
  const b = Buffer.from(msg.buffer, msg.byteOffset, msg.byteLength)
  const withdrawnLength = b.readUInt16BE(19)
  const attrAt = 19 + 2 + withdrawnLength
  const attrLength = b.readUInt16BE(attrAt)
  if (attrLength === 0) return false
  const start = attrAt + 2
  const end = start + attrLength
  let kept = 0
  let i = start
  while (i + 3 <= end) {
    const extended = (b[i] & 0x10) !== 0
    const length = extended ? b.readUInt16BE(i + 2) : b[i + 2]
    const next = i + (extended ? 4 : 3) + length
    if (b[i + 1] !== 4) kept += next - i
    i = next
  }
  return attrAt + 2 + kept + 7 + (b.length - end) <= 4096
}

// 1. The file's UPDATEs, in the feeder's order, each with whether the feeder stamps it.
const normaliser = new MrtRecordNormaliser()
interface Sent { records: ReturnType<MrtRecordNormaliser['toRecords']>, stamped: boolean }
const updates: Sent[] = []
for await (const rec of readMrtFile(file)) {
  if (rec.kind !== 'bgp4mp-message' || !rec.asn4 || rec.addPath || rec.local) continue
  if (rec.message[18] !== 2) continue
  updates.push({ records: normaliser.toRecords(rec, 'bench').filter((r) => r.type === 'update'), stamped: feederStamps(rec.message) })
}
const announced = [...new Set(updates.flatMap((u) => u.records.flatMap((r) => r.type === 'update' ? r.announce.flatMap((g) => g.prefixes) : [])))]

// 2. Key prefix lists (as bench/stream.ts), and the frames each UPDATE makes, with the real Matcher.
const lists = keyPrefixLists(announced, KEYS, PER_KEY, random)
const matcher = new Matcher()
lists.forEach((l, k) => matcher.setKeyPrefixes(`k${k}`, l))
const framesOf = new Int32Array(updates.length)
updates.forEach((u, i) => { for (const r of u.records) framesOf[i] += matcher.match(r).length })
/** Frames per UPDATE of the file when sent by a session of this vantage point (memoised by vp). */
const framesByVp = new Map<string, Int32Array>()
function framesOfVp (vp: { ip: string, asn: number }): Int32Array {
  const key = `${vp.asn}_${vp.ip}`
  let out = framesByVp.get(key)
  if (out === undefined) {
    out = new Int32Array(updates.length)
    for (let i = 0; i < updates.length; i++) for (const r of updates[i].records) out[i] += matcher.match({ ...r, vp }).length
    framesByVp.set(key, out)
  }
  return out
}
/** Stamps per cycle of the feeder over the file. */
const cycle = updates.filter((u) => u.stamped).length
const framesPerUpdate = framesOf.reduce((a, b) => a + b, 0) / updates.length
console.log(`file: ${file}: ${fmt(updates.length)} UPDATEs, ${fmt(announced.length)} distinct prefixes announced`)
console.log(`keys: ${fmt(KEYS)} x ${PER_KEY} prefixes (8 announced in the file + 2 covering /16 or /32); ` +
  `${(100 * framesOf.filter((n) => n > 0).length / updates.length).toFixed(1)}% of the UPDATEs concern at least one key; ${framesPerUpdate.toFixed(3)} frames per UPDATE`)

// 3. The broker, the database, the keys.
const workDir = mkdtempSync(join(tmpdir(), 'bench-kafka-'))
cleanups.push(() => { if (values['keep-logs']) console.log(`role logs kept in ${workDir}`); else rmSync(workDir, { recursive: true, force: true }) })
let kafka: TestKafka | undefined
let bootstrap: string
if (values.kafka !== undefined) {
  bootstrap = values.kafka
  console.log(`broker: ${bootstrap} (given)`)
} else {
  const t = performance.now()
  kafka = await startKafka({ port: BROKER_PORT })
  bootstrap = kafka.bootstrap.join(',')
  console.log(`broker: started ${bootstrap} (scripts/kafka, one KRaft node) in ${((performance.now() - t) / 1000).toFixed(1)} s`)
}
const brokerPid = findBrokerPid(Number(bootstrap.split(',')[0].split(':').pop()))

const dbName = `bench_kafka_${process.pid}_${Date.now()}`
const adminUrl = new URL(values['database-url'])
const databaseUrl = (() => { const u = new URL(adminUrl); u.pathname = `/${dbName}`; return u.toString() })()
{
  const c = new pg.Client({ connectionString: adminUrl.toString() })
  await c.connect()
  await c.query(`CREATE DATABASE ${dbName}`)
  await c.end()
}
let dbDropped = false
cleanups.push(() => {
  if (dbDropped) return
  execFileSync('psql', [adminUrl.toString(), '-qc', `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`], { stdio: 'ignore' })
})
const keySecret = randomBytes(48).toString('base64')
const keys: string[] = []
{
  const t0 = performance.now()
  const secret = loadKeySecret({ env: { BGPL_KEY_SECRET: keySecret }, dataDir: workDir, allowGenerate: false })
  const store = await openStore({ databaseUrl, dataDir: workDir })
  const apiKeys = await ApiKeys.open(store, secret)
  for (const l of lists) keys.push((await apiKeys.create({ label: 'bench', prefixes: l, now: new Date() })).key)
  await store.close()
  console.log(`database: ${dbName}; keys made through ApiKeys.create in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
}
const keysFile = join(workDir, 'bench-keys.json')
writeFileSync(keysFile, JSON.stringify(keys))

/** The pid of the broker listening on `port` (scripts/kafka: java ... kafka.Kafka DIR/server.properties), if on this machine. */
function findBrokerPid (port: number): number | undefined {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    try {
      const argv = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').filter((a) => a !== '')
      const at = argv.indexOf('kafka.Kafka')
      if (at < 0 || at + 1 >= argv.length) continue
      const props = resolve(readlinkSync(`/proc/${d}/cwd`), argv[at + 1])
      if (new RegExp(`^listeners=.*//127\\.0\\.0\\.1:${port}\\b`, 'm').test(readFileSync(props, 'utf8'))) return Number(d)
    } catch {}
  }
  return undefined
}

/** A role's /metrics; an empty map if it does not answer (two tries of 10 s: the machine is loaded). */
async function metrics (url: string): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  let text: string | undefined
  for (let attempt = 0; attempt < 2 && text === undefined; attempt++) {
    try {
      text = await (await fetch(url, { signal: AbortSignal.timeout(10_000) })).text()
    } catch {}
  }
  return text === undefined ? out : parseMetricsText(text)
}

interface Role { name: string, child: ChildProcess, out: string, log: string, metricsUrl: string, stopping: boolean }

async function startRole (role: string, prefix: string, extra: string[]): Promise<Role> {
  const name = role
  const log = join(workDir, `${prefix}-${name}-${children.size}.log`)
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    BGPL_KEY_SECRET: keySecret,
    BGPL_KAFKA_TOPIC_PREFIX: prefix,
    BGPL_KAFKA_RECORD_PARTITIONS: '6'
  }
  // The launcher execs node: `child.pid` is the role's (its CPU is read from /proc).
  const child = spawn(CLI, [role, '--kafka', bootstrap, '--listen-http', '127.0.0.1:0', '--log-level', values['log-level'], ...extra],
    { cwd: ROOT, env: { ...env, BGPL_NODE_ARGS: (roleNodeArgs.get(role) ?? []).join(' ') }, stdio: ['ignore', 'pipe', openSync(log, 'a')] })
  children.add(child)
  const r: Role = { name, child, out: '', log, metricsUrl: '', stopping: false }
  child.once('exit', (code, signal) => {
    if (!r.stopping) console.log(`  ! ${name} pid ${child.pid} exited (${code ?? signal}) during the run; log ${log}`)
    // Its stdout too (where --trace-gc writes), next to the log.
    if (values['keep-logs']) writeFileSync(`${log}.stdout`, r.out)
  })
  child.stdout?.setEncoding('utf8').on('data', (d: string) => { r.out += d })
  const deadline = Date.now() + 120_000
  while (!/^(metrics|live manager API)\s+\S+/m.test(r.out)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${role} did not start; see ${log}:\n${readFileSync(log, 'utf8').slice(-2000)}`)
    await sleep(50)
  }
  await sleep(50)
  r.metricsUrl = /^metrics\s+(\S+)/m.exec(r.out)?.[1] ?? `${field(r, 'live manager API')}/metrics`
  return r
}

function field (r: Role, label: string): string {
  const m = new RegExp(`^${label}\\s+(\\S+)`, 'm').exec(r.out)
  if (m === null) throw new Error(`${r.name} printed no ${label}: ${r.out}`)
  return m[1]
}

async function stopRole (r: Role): Promise<void> {
  r.stopping = true
  if (r.child.exitCode !== null || r.child.signalCode !== null) return
  const exited = new Promise((resolve) => r.child.once('exit', () => { resolve(true) }))
  r.child.kill('SIGTERM')
  if (await Promise.race([exited, sleep(20_000).then(() => false)]) !== true) r.child.kill('SIGKILL')
  children.delete(r.child)
}

interface Percentiles { p50: number, p99: number, max: number, n: number }
function percentiles (xs: Float64Array): Percentiles {
  if (xs.length === 0) return { p50: NaN, p99: NaN, max: NaN, n: 0 }
  const a = Float64Array.from(xs).sort()
  const q = (p: number): number => a[Math.min(a.length - 1, Math.floor(p * a.length))]
  return { p50: q(0.5), p99: q(0.99), max: a[a.length - 1], n: a.length }
}

interface FeederDone { sent: number, firstStamp: number, lastStamp: number, sendMs: Float64Array, elapsedMs: number, achievedRate: number, stalls: number, cpu: number, sentBySession: number[] }
interface ClientsCollect { stamps: Float64Array, recvMs: Float64Array, ingressMs: Float64Array, frames: number, unstamped: number, errors: number, errorTexts: string[], gaps: number, closed: number }
interface ClientsReady { connected: number, refused: number, errors: number, errorTexts: string[] }

interface Result {
  matchers: number
  rate: number
  sent: number
  achieved: number
  stalls: number
  expected: number
  frames: number
  framesPerSecond: number
  deliveredPerSecond: number
  late: number
  restamped: number
  duplicates: number
  lost: number
  seqBreaks: number
  errors: number
  closed: number
  e2e: Percentiles
  ingress: Percentiles
  drainMs: number
  published: number
  busDropped: number
  queueDropped: number
  recordsTaken: number[]
  matched: number[]
  written: number[]
  dupSkipped: number[]
  tailReads: number
  /** Notices the matchers could not write, and frames the gateways found only by their sweep (late by up to a second). */
  noticeErrors: number
  swept: number
  /** Per-stage delays from the roles' bgpl_kafka_stage_delay_seconds histograms. */
  stages: string
  handed: number
  slowDrops: number
  cpu: Map<string, number>
  /** The machine's busy cores over the run and its drain, and in its busiest second. */
  box: CpuPeak
}
const results: Result[] = []

const STAGE_BUCKET = /^bgpl_kafka_stage_delay_seconds_bucket\{.*le="([^"]+)"/

/** The bucket bound under which a fraction q of the stage's observations between two snapshots fall ("≤ X s"). */
function stageQuantile (m0: Map<string, number>, m1: Map<string, number>, stage: string, q: number): string {
  const prefix = `stage:${stage}:`
  const buckets = [...m1.keys()].filter((k) => k.startsWith(prefix)).map((k) => {
    const le = k.slice(prefix.length)
    return { le: le === '+Inf' ? Infinity : Number(le), n: (m1.get(k) ?? 0) - (m0.get(k) ?? 0) }
  }).sort((a, b) => a.le - b.le)
  const total = buckets.at(-1)?.n ?? 0
  if (total === 0) return '-'
  const hit = buckets.find((b) => b.n >= q * total)
  return hit === undefined || hit.le === Infinity ? '> 30 s' : `≤ ${hit.le} s`
}

async function deployment (matcherCount: number): Promise<void> {
  const prefix = `bench-${process.pid}-${Date.now()}-m${matcherCount}`
  console.log('')
  console.log(`deployment: ${matcherCount} matcher(s), ${GATEWAYS} gateway(s), topic prefix ${prefix}`)
  const roles: Role[] = []
  let feeder: ChildProcess | undefined
  const clients: ChildProcess[] = []
  try {
    const t0 = performance.now()
    roles.push(await startRole('api', prefix, []))
    const collector = await startRole('collector', prefix, ['--listen-bgp', '127.0.0.1:0', '--listen-bmp', 'none'])
    roles.push(collector)
    const matchers = await Promise.all(Array.from({ length: matcherCount }, async () => await startRole('matcher', prefix, [])))
    roles.push(...matchers)
    const gateways = await Promise.all(Array.from({ length: GATEWAYS }, async () => await startRole('gateway', prefix, [])))
    roles.push(...gateways)
    console.log(`roles started in ${((performance.now() - t0) / 1000).toFixed(1)} s: ` + roles.map((r) => `${r.name} pid ${r.child.pid}`).join(', ') + `; logs in ${workDir}`)
    const bgpPort = field(collector, 'BGP collector').split(':').pop() as string

    const base = process.hrtime.bigint()
    feeder = fork(join(ROOT, 'bench/stream-feeder.ts'), [file, bgpPort, '--addresses', vpAddresses.join(',')], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' })
    children.add(feeder)
    const feederReady = await message<{ updates: number, stampedShare: number, vps: Array<{ ip: string, asn: number }> }>(feeder, 60_000, 'feeder')
    const myShare = updates.filter((u) => u.stamped).length / updates.length
    console.log(`feeder: ${fmt(feederReady.updates)} UPDATEs loaded, ${(100 * feederReady.stampedShare).toFixed(2)}% stamped (MED); ${feederReady.vps.length} BGP session(s) established` +
      (feederReady.updates !== updates.length || Math.abs(feederReady.stampedShare - myShare) > 1e-9 || feederReady.vps.length !== VPS ? ` — MISMATCH with this process (${updates.length}, ${(100 * myShare).toFixed(2)}%, ${VPS} sessions): expected counts are off` : ''))
    const partitionOf = feederReady.vps.map(partitionOfVp)
    const used = new Set(partitionOf)
    console.log(`vantage points: ${feederReady.vps.map((vp, i) => `${vp.asn}_${vp.ip} -> partition ${partitionOf[i]}`).join(', ')}; ${used.size} of ${RECORD_PARTITIONS} partitions used`)
    const tv = performance.now()
    const framesOfSession = feederReady.vps.map(framesOfVp)
    const sameAsFile = framesOfSession.every((a) => a.every((n, i) => n === framesOf[i]))
    console.log(`expected frames per vantage point computed in ${((performance.now() - tv) / 1000).toFixed(1)} s; ${sameAsFile ? 'same counts as with the file\'s own vantage points' : 'counts DIFFER from those with the file\'s own vantage points'}`)
    let position = 0 // the feeder's next UPDATE (it cycles over the file)
    let sentSoFar = 0 // UPDATEs the feeder sent (its round-robin: the k-th on session k % sessions)

    const per = Math.ceil(KEYS / CLIENT_PROCS)
    const readies: Array<Promise<ClientsReady>> = []
    const tc = performance.now()
    for (let i = 0; i < CLIENT_PROCS; i++) {
      const url = field(gateways[i % GATEWAYS], 'websocket stream')
      const c = fork(join(ROOT, 'bench/stream-clients.ts'), [url, String(base), keysFile, String(i * per), String(Math.max(0, Math.min(per, KEYS - i * per)))], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' })
      children.add(c)
      clients.push(c)
      readies.push(message<ClientsReady>(c, 300_000, 'clients'))
    }
    const ready = await Promise.all(readies)
    const connected = ready.reduce((n, r) => n + r.connected, 0)
    console.log(`clients: ${connected} of ${KEYS} connected in ${((performance.now() - tc) / 1000).toFixed(1)} s over ${CLIENT_PROCS} processes; ${ready.reduce((n, r) => n + r.refused, 0)} refused ${ready.flatMap((r) => r.errorTexts).slice(0, 2).join(' ')}`)

    const collect = async (): Promise<ClientsCollect[]> => await Promise.all(clients.map(async (c) => {
      const p = message<ClientsCollect>(c, 30_000, 'clients collect')
      c.send({ cmd: 'collect' })
      return await p
    }))
    const procs = (): Array<[string, number | undefined]> => [
      ['broker', brokerPid], ['collector', collector.child.pid],
      ...matchers.map((m, i): [string, number | undefined] => [`matcher${matcherCount > 1 ? i + 1 : ''}`, m.child.pid]),
      ...gateways.map((g, i): [string, number | undefined] => [`gateway${GATEWAYS > 1 ? i + 1 : ''}`, g.child.pid]),
      ['api', roles[0].child.pid], ['feeder', feeder?.pid], ['clients', undefined]
    ]
    const sampler = new CpuSampler(() => procs().map(([n, pid]): [string, number[]] => [n.replace(/\d+$/, ''), pid === undefined ? clients.flatMap((c) => c.pid === undefined ? [] : [c.pid]) : [pid]]))

    const phase = async (rate: number, seconds: number, report: boolean): Promise<{ expected: number, received: number, drainMs: number, tailReads: number, noticeErrors: number, swept: number }> => {
      await collect()
      const snap = async (): Promise<Map<string, number>> => {
        const m = new Map<string, number>()
        const [c, mm, g] = await Promise.all([metrics(collector.metricsUrl), Promise.all(matchers.map(async (r) => await metrics(r.metricsUrl))), Promise.all(gateways.map(async (r) => await metrics(r.metricsUrl)))])
        // A role that did not answer gives NaN (printed '-'), not 0.
        const v = (x: Map<string, number>, k: string): number => x.size === 0 ? NaN : x.get(k) ?? 0
        for (const k of ['bgpl_bus_published', 'bgpl_bus_dropped', 'bgpl_source_queue_dropped']) m.set(k, v(c, k))
        mm.forEach((x, i) => { for (const k of ['bgpl_records_total', 'bgpl_frames_matched_total', 'bgpl_frames_written', 'bgpl_frames_duplicates_skipped', 'bgpl_key_tail_reads', 'bgpl_key_topic_notice_errors']) m.set(`${k}#${i}`, v(x, k)) })
        for (const k of ['bgpl_frames_sent_total', 'bgpl_ws_slow_consumer_dropped_frames_total', 'bgpl_kafka_swept_frames']) m.set(k, g.reduce((n, x) => n + v(x, k), 0))
        // Per-stage delays (cumulative histogram buckets, summed over the roles of the stage).
        for (const [stage, xs] of [['taken', mm], ['written', mm], ['fetched', g]] as const) {
          for (const x of xs) {
            for (const [name, value] of x) {
              const le = STAGE_BUCKET.exec(name)
              if (le === null || !name.includes(`stage="${stage}"`)) continue
              const k = `stage:${stage}:${le[1]}`
              m.set(k, (m.get(k) ?? 0) + value)
            }
          }
        }
        return m
      }
      const m0 = await snap()
      const cpu0 = new Map(procs().map(([n, pid]) => [n, pid === undefined ? clients.reduce((s, c) => s + cpuSeconds(c.pid), 0) : cpuSeconds(pid)]))
      const w0 = performance.now()
      sampler.start()
      const done = message<FeederDone>(feeder as ChildProcess, seconds * 4000 + 30_000, 'feeder run')
      ;(feeder as ChildProcess).send({ cmd: 'run', rate, seconds, base: String(base) })
      const f = await done
      // What the feeder sent: UPDATEs position .. position + sent (cyclic), stamps firstStamp ..
      const expectedOf = new Int32Array(f.sendMs.length) // frames expected per stamp of this run
      let expected = 0
      {
        let s = 0
        const sessions = framesOfSession.length
        for (let k = 0; k < f.sent; k++) {
          const i = (position + k) % updates.length
          const n = framesOfSession[(sentSoFar + k) % sessions][i]
          expected += n
          if (updates[i].stamped) expectedOf[s++] = n
        }
        if (s !== f.sendMs.length) console.log(`  note: ${s} stamps counted here, ${f.sendMs.length} by the feeder`)
        position = (position + f.sent) % updates.length
        sentSoFar += f.sent
      }
      // Drain: until every expected frame is in, or the pipeline is idle (nothing moved for
      // SETTLE_MS, no record queued in the collector or not yet taken by a matcher, no frame
      // pending in a matcher), bounded.
      // A matcher reading key topics' tails writes nothing for a while: that is not idle.
      // Received counts this phase's frames only: stamped frames of its stamps (not late ones of an
      // earlier phase), and unstamped ones up to the unstamped expected (the sessions' peer-up
      // frames, one per key and session, are unstamped too and may come during the warm-up).
      let stampedExpected = 0
      for (let i = 0; i < expectedOf.length; i++) stampedExpected += expectedOf[i]
      const got: ClientsCollect[] = []
      let received = 0
      let stampedIn = 0
      let unstampedIn = 0
      let lastMove = performance.now()
      let lastState = ''
      const drainStart = performance.now()
      for (;;) {
        const part = await collect()
        got.push(...part)
        const n = part.reduce((a, g) => a + g.frames, 0)
        for (const g of part) for (let i = 0; i < g.stamps.length; i++) if (g.stamps[i] >= f.firstStamp && g.stamps[i] - f.firstStamp < expectedOf.length) stampedIn++
        unstampedIn += part.reduce((a, g) => a + g.unstamped, 0)
        const mm = await Promise.all([collector, ...matchers].map(async (r) => await metrics(r.metricsUrl)))
        // Records published and not yet taken by a matcher (consumer lag; taken counts redeliveries too).
        const lag = (mm[0].get('bgpl_bus_published') ?? 0) - mm.slice(1).reduce((a, m) => a + (m.get('bgpl_records_total') ?? 0), 0)
        const busy = (mm[0].get('bgpl_bus_queued') ?? 0) + Math.max(0, lag) + mm.slice(1).reduce((a, m) => a + (m.get('bgpl_frames_pending') ?? 0), 0)
        const state = mm.slice(1).map((m) => ['bgpl_frames_written', 'bgpl_key_tail_reads', 'bgpl_records_total'].map((k) => m.get(k) ?? 0).join(',')).join(';')
        if (n > 0 || state !== lastState) lastMove = performance.now()
        lastState = state
        received = stampedIn + Math.min(unstampedIn, expected - stampedExpected)
        if (stampedIn >= stampedExpected && unstampedIn >= expected - stampedExpected) break
        if ((busy === 0 && performance.now() - lastMove > SETTLE_MS) || performance.now() - drainStart > (report ? DRAIN_MS : WARMUP_DRAIN_MS)) break
        await sleep(250)
      }
      const drainMs = performance.now() - drainStart
      const wallS = (performance.now() - w0) / 1000
      const cpu = new Map(procs().map(([n, pid]) => [n, ((pid === undefined ? clients.reduce((s, c) => s + cpuSeconds(c.pid), 0) : cpuSeconds(pid)) - (cpu0.get(n) ?? NaN)) / wallS]))
      const box = sampler.stop()
      const m1 = await snap()
      const d = (k: string): number => (m1.get(k) ?? NaN) - (m0.get(k) ?? NaN)
      const tailReads = matchers.reduce((n, _, i) => n + d(`bgpl_key_tail_reads#${i}`), 0)
      const noticeErrors = matchers.reduce((n, _, i) => n + d(`bgpl_key_topic_notice_errors#${i}`), 0)
      const swept = d('bgpl_kafka_swept_frames')
      if (!report) return { expected, received, drainMs, tailReads, noticeErrors, swept }

      // Frames per stamp. The feeder stamps an UPDATE's buffer in place before copying its batch:
      // a batch longer than the file (after a wait on TCP at a high rate) holds an UPDATE twice,
      // both copies with the later stamp, one file cycle (`cycle` stamps) after the earlier one.
      // Such frames are the earlier stamp's (same send time): moved back, not duplicates.
      const recvPerStamp = new Int32Array(expectedOf.length)
      for (const g of got) {
        for (let i = 0; i < g.stamps.length; i++) {
          const idx = g.stamps[i] - f.firstStamp
          if (idx >= 0 && idx < expectedOf.length) recvPerStamp[idx]++
        }
      }
      const allowed = Int32Array.from(expectedOf)
      let restamped = 0
      for (let idx = expectedOf.length - 1; idx >= cycle; idx--) {
        let excess = recvPerStamp[idx] - allowed[idx]
        for (let back = idx - cycle; excess > 0 && back >= 0; back -= cycle) {
          const deficit = allowed[back] - recvPerStamp[back]
          if (deficit <= 0) break
          const moved = Math.min(excess, deficit)
          allowed[idx] += moved
          allowed[back] -= moved
          excess -= moved
          restamped += moved
        }
      }
      const lat: number[] = []
      const dump: string[] = []
      let late = 0
      let duplicates = 0
      let stampedFrames = 0
      recvPerStamp.fill(0)
      for (const g of got) {
        for (let i = 0; i < g.stamps.length; i++) {
          const idx = g.stamps[i] - f.firstStamp
          if (idx < 0 || idx >= expectedOf.length) { late++; continue }
          stampedFrames++
          if (++recvPerStamp[idx] > allowed[idx]) { duplicates++; continue }
          lat.push(g.recvMs[i] - f.sendMs[idx])
          if (values.dump !== undefined) dump.push(`${(f.sendMs[idx] - f.sendMs[0]).toFixed(3)} ${(g.recvMs[i] - f.sendMs[idx]).toFixed(3)}`)
        }
      }
      // --dump FILE: per timed frame, its send time (ms since the run's first UPDATE) and its latency.
      if (values.dump !== undefined) writeFileSync(`${values.dump}.m${matcherCount}.${rate}`, dump.join('\n') + '\n')
      let unstampedExpected = expected
      for (let i = 0; i < expectedOf.length; i++) unstampedExpected -= expectedOf[i]
      const unstamped = got.reduce((n, g) => n + g.unstamped, 0)
      const frames = got.reduce((n, g) => n + g.frames, 0)
      const last = got.slice(-clients.length)
      const lostStamped = expected - unstampedExpected - (stampedFrames - duplicates)
      const lostUnstamped = Math.max(0, unstampedExpected - unstamped)
      results.push({
        matchers: matcherCount,
        rate,
        sent: f.sent,
        achieved: f.achievedRate,
        stalls: f.stalls,
        expected,
        frames: frames - late,
        framesPerSecond: (frames - late) / (f.elapsedMs / 1000),
        deliveredPerSecond: (frames - late) / wallS,
        late,
        restamped,
        duplicates,
        lost: lostStamped + lostUnstamped,
        seqBreaks: got.reduce((n, g) => n + g.gaps, 0),
        errors: last.reduce((n, g) => n + g.errors, 0),
        closed: last.reduce((n, g) => n + g.closed, 0),
        e2e: percentiles(Float64Array.from(lat)),
        ingress: percentiles(Float64Array.from(got.flatMap((g) => Array.from(g.ingressMs)))),
        drainMs,
        published: d('bgpl_bus_published'),
        busDropped: d('bgpl_bus_dropped'),
        queueDropped: d('bgpl_source_queue_dropped'),
        recordsTaken: matchers.map((_, i) => d(`bgpl_records_total#${i}`)),
        matched: matchers.map((_, i) => d(`bgpl_frames_matched_total#${i}`)),
        written: matchers.map((_, i) => d(`bgpl_frames_written#${i}`)),
        dupSkipped: matchers.map((_, i) => d(`bgpl_frames_duplicates_skipped#${i}`)),
        tailReads,
        noticeErrors,
        swept,
        stages: (['taken', 'written', 'fetched'] as const).map((stage) => `${stage} p50 ${stageQuantile(m0, m1, stage, 0.5)}, p99 ${stageQuantile(m0, m1, stage, 0.99)}`).join('; '),
        handed: d('bgpl_frames_sent_total'),
        slowDrops: d('bgpl_ws_slow_consumer_dropped_frames_total'),
        cpu,
        box
      })
      const errorTexts = last.flatMap((g) => g.errorTexts)
      if (errorTexts.length > 0) console.log(`  error frames: ${errorTexts.slice(0, 2).join(' | ')}`)
      return { expected, received, drainMs, tailReads, noticeErrors, swept }
    }

    const warm = Number(values['warmup-seconds'])
    if (warm > 0) {
      console.log(`warm-up: ${warm} s at 10,000 UPDATE/s (group joins, each key topic's first tail read, the JIT of the roles and the broker), not reported; drained for up to ${WARMUP_DRAIN_MS / 1000} s`)
      const w = await phase(10_000, warm, false)
      console.log(`  warm-up: ${fmt(w.received)} of ${fmt(w.expected)} frames received, drain ${(w.drainMs / 1000).toFixed(1)} s after the last UPDATE; key topic tail reads ${fmt(w.tailReads)}; notices refused ${fmt(w.noticeErrors)}; frames found by the sweep ${fmt(w.swept)}`)
    }
    for (const rate of RATES) {
      console.log(`run: ${fmt(rate)} UPDATE/s for ${SECONDS} s, ${matcherCount} matcher(s) ... (load average ${loadavg().map((x) => x.toFixed(2)).join(' ')})`)
      await phase(rate, SECONDS, true)
      const r = results[results.length - 1]
      console.log(`  ${fmt(r.frames)} of ${fmt(r.expected)} frames, e2e p99 ${r.e2e.p99.toFixed(1)} ms, drain ${(r.drainMs / 1000).toFixed(1)} s`)
    }
  } finally {
    for (const c of clients) { c.send({ cmd: 'exit' }); children.delete(c) }
    feeder?.send({ cmd: 'exit' })
    if (feeder !== undefined) children.delete(feeder)
    await sleep(300)
    // Front to back: gateways, then the collector (flushes), matchers, api.
    for (const r of [...roles].reverse()) await stopRole(r)
  }
}

let failed: unknown
try {
  for (const m of MATCHER_COUNTS) await deployment(m)
} catch (e) {
  failed = e
} finally {
  if (kafka !== undefined) await kafka.stop()
  const c = new pg.Client({ connectionString: adminUrl.toString() })
  await c.connect()
  await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)
  await c.end()
  dbDropped = true
}

const ms = (x: number): string => Number.isNaN(x) ? '-' : x < 10 ? x.toFixed(2) : x.toFixed(0)
const load = loadavg()
console.log('')
console.log(`Kafka deployment (broker, api, collector, matcher(s), ${GATEWAYS} gateway(s)) + feeder + ${KEYS} clients (${CLIENT_PROCS} processes) on ${availableParallelism()} cores; ${SECONDS} s per rate; latency in ms`)
console.log(`load average at the end (1, 5, 15 min): ${load.map((x) => x.toFixed(2)).join(' ')}`)
// One column per role: matchers (and gateways) of a deployment side by side, `0.40+0.02`.
const procNames = [...new Set(results.flatMap((r) => [...r.cpu.keys()].map((n) => n.replace(/\d+$/, ''))))]
const cpuCell = (r: Result, name: string): string => {
  const v = [...r.cpu].filter(([n]) => n.replace(/\d+$/, '') === name).map(([, x]) => Number.isNaN(x) ? '-' : x.toFixed(2))
  return v.length === 0 ? '-' : v.join('+')
}
const header = ['matchers', 'target/s', 'sent', 'sent/s', 'expected', 'frames', 'frames/s', 'deliv/s', 'e2e p50', 'e2e p99', 'e2e max', 'ingr p50', 'ingr p99', 'lost', 'dup', 'seq breaks', 'bus drop', 'box CPU', 'box peak', ...procNames.map((n) => `${n} CPU`)]
const rows = results.map((r) => [String(r.matchers), fmt(r.rate), fmt(r.sent), fmt(r.achieved), fmt(r.expected), fmt(r.frames), fmt(r.framesPerSecond), fmt(r.deliveredPerSecond), ms(r.e2e.p50), ms(r.e2e.p99), ms(r.e2e.max), ms(r.ingress.p50), ms(r.ingress.p99),
  fmt(r.lost), fmt(r.duplicates), fmt(r.seqBreaks), fmt(r.busDropped + r.queueDropped), r.box.meanCores.toFixed(2), r.box.peakCores.toFixed(2), ...procNames.map((n) => cpuCell(r, n))])
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
for (const row of [header, ...rows]) console.log(row.map((c, i) => c.padStart(widths[i])).join('  '))
console.log('')
for (const r of results) {
  console.log(`${r.matchers} matcher(s), ${fmt(r.rate)}/s: ${fmt(r.published)} records published by the collector; matchers took ${r.recordsTaken.map(fmt).join(' + ')} records, made ${r.matched.map(fmt).join(' + ')} frames ` +
    `(expected ${fmt(r.expected)}), wrote ${r.written.map(fmt).join(' + ')} (skipped as already written ${r.dupSkipped.map(fmt).join(' + ')}); gateway handed ${fmt(r.handed)} to sockets; clients received ${fmt(r.frames)} ` +
    `(${fmt(r.e2e.n)} timed, ${r.late} from an earlier run, ${fmt(r.restamped)} carrying the stamp of the UPDATE's next copy in the same feeder batch); key topic tail reads ${fmt(r.tailReads)}; notices refused ${fmt(r.noticeErrors)}; frames found by the sweep ${fmt(r.swept)}; stage delays: ${r.stages}; error frames ${r.errors}, closes ${r.closed}, slow-consumer drops ${fmt(r.slowDrops)}; feeder waits on TCP ${r.stalls}; drain after the last UPDATE ${(r.drainMs / 1000).toFixed(1)} s; ` +
    `busiest second (from ${r.box.peakAtS.toFixed(1)} s): ${r.box.peakCores.toFixed(2)} of ${availableParallelism()} cores busy, ${[...r.box.peakByProcess].map(([n, c]) => `${n} ${c.toFixed(2)}`).join(', ')}; ` +
    `p99 ${r.e2e.p99 < 100 ? 'meets' : 'misses'} the 100 ms target`)
}
console.log('e2e: feeder socket write -> client receive (monotonic clock, MED stamp); ingr: collector socket read (frame sec/Usec) -> client receive (wall clock)')
console.log('frames/s: frames received / seconds of sending (as bench:stream); deliv/s: frames received / seconds of sending and drain')
console.log('expected: the real Matcher over the UPDATEs sent')
console.log('lost: expected - (received - duplicates); dup: frames of an UPDATE beyond the keys it concerns; seq breaks: per-key seq not following on (clients)')
console.log('CPU in cores (1.00 = one core busy) over the run and its drain, from /proc/PID/stat; clients: all client processes together')
console.log(`box CPU: the machine's busy cores (/proc/stat) over the run and its drain; box peak: in its busiest second (of ${availableParallelism()} cores)`)
if (failed !== undefined) {
  console.error(failed)
  process.exitCode = 1
}
