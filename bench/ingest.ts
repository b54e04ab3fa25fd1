// npm run bench:ingest — UPDATE messages per second through the BGP collector.
//
// A test peer in a child process (bench/ingest-peer.ts) replays the UPDATEs of a real MRT file
// over BGP sessions into a collector in this process, as fast as TCP allows: once over one
// session, then over 10 sessions at once. Every UPDATE is decoded, made into a record, applied to
// the peer's Adj-RIB-In and queued; a consumer takes the records off the queue (and with --json
// serialises each, as `collect` does). Reported: UPDATEs/s, and this process's CPU use from
// process.cpuUsage (1.00 = one core busy), so the peer's work is not counted.
// The file is sent twice per run: pass 1 fills the Adj-RIB-In (every prefix new: an initial
// table transfer), pass 2 replaces routes already there (the steady state of a live feed).
// Each run has a collector of its own, whose Adj-RIB-In and attribute sets start empty. Before
// them, the file is replayed once, untimed, into a collector that is then thrown away, so that the
// figures are the collector's and not the warm-up of a fresh process (JIT compilation, heap
// sizing: about half of the CPU time of a first run); --no-warmup measures the cold process.
// Usage: node bench/ingest.ts [FILE] [--sessions 1,10] [--limit N] [--json] [--no-warmup]
import { fork } from 'node:child_process'
import { resolve as resolvePath } from 'node:path'
import { parseArgs } from 'node:util'
import { Collector } from '../src/sources/bgp/collector.ts'
import { resolveConfig } from '../src/sources/bgp/collector-config.ts'
import { recordToJson } from '../src/record/json.ts'

const root = resolvePath(import.meta.dirname, '..')
const { values, positionals } = parseArgs({
  allowPositionals: true,
  allowNegative: true,
  options: { sessions: { type: 'string', default: '1,10' }, limit: { type: 'string', default: '0' }, json: { type: 'boolean', default: false }, warmup: { type: 'boolean', default: true } }
})
const file = positionals[0] ?? resolvePath(root, '../shared/data/mrt/updates/updates.et-header.2015.gz')

interface Result { sessions: number, pass: number, updates: number, ms: number, cpu: number, dropped: number, rss: number }

async function run (sessions: number, passes = 2): Promise<Result[]> {
  const config = resolveConfig({ listen: ['127.0.0.1:0'], routerId: '10.255.255.9', localAs: 65000, queue: { capacity: 1_000_000 } })
  const collector = new Collector({ config })
  await collector.start()
  const consumer = (async () => {
    const q = collector.queue
    for (;;) {
      await q.wait()
      if (values.json) for (let r = q.shift(); r !== undefined; r = q.shift()) recordToJson(r)
      else while (q.shift() !== undefined);
      if (q.isClosed && q.length === 0) return
    }
  })()
  const child = fork(resolvePath(import.meta.dirname, 'ingest-peer.ts'), [file, String(collector.listening()[0].port), String(sessions), values.limit], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  try {
    const ready = await new Promise<{ updates: number, bytes: number }>((resolve, reject) => {
      child.once('message', (m) => { resolve(m as { updates: number, bytes: number }) })
      child.once('exit', (code) => { reject(new Error(`peer exited with ${code}`)) })
    })
    const expected = ready.updates * sessions
    const updatesIn = (): number => collector.peerStatus().reduce((n, p) => n + p.updates, 0)
    const results: Result[] = []
    for (let pass = 1; pass <= passes; pass++) {
      const base = updatesIn()
      const cpu0 = process.cpuUsage()
      const t0 = performance.now()
      child.send('go')
      // Poll the counters (bounded by a generous deadline).
      const deadline = Date.now() + 600_000
      while (updatesIn() - base < expected) {
        if (Date.now() > deadline) throw new Error(`only ${updatesIn() - base} of ${expected} UPDATEs arrived`)
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
      while (collector.queue.length > 0) await new Promise((resolve) => setImmediate(resolve))
      const ms = performance.now() - t0
      const cpu = process.cpuUsage(cpu0)
      results.push({ sessions, pass, updates: expected, ms, cpu: (cpu.user + cpu.system) / 1000 / ms, dropped: collector.queue.stats.dropped, rss: process.memoryUsage().rss })
    }
    return results
  } finally {
    child.kill('SIGKILL')
    await collector.stop()
    collector.queue.close()
    await consumer
  }
}

console.log(`file: ${file}`)
console.log(`consumer: ${values.json ? 'JSON.stringify of every record' : 'takes records off the queue'}`)
console.log(values.warmup ? 'warm-up: one untimed replay into a collector thrown away (--no-warmup: cold process)' : 'no warm-up: the first run includes JIT compilation and heap sizing')
if (values.warmup) await run(1, 1)
for (const n of values.sessions.split(',').map(Number)) {
  for (const r of await run(n)) {
    const rate = Math.round(r.updates / (r.ms / 1000))
    const what = r.pass === 1 ? 'new routes' : 'replacing'
    console.log(`${String(n).padStart(2)} session(s), pass ${r.pass} (${what}): ${r.updates.toLocaleString('en-US')} UPDATEs in ${(r.ms / 1000).toFixed(2)} s = ${rate.toLocaleString('en-US')} UPDATE/s; collector CPU ${r.cpu.toFixed(2)} cores = ${Math.round(rate / r.cpu).toLocaleString('en-US')} UPDATE/s per core; dropped ${r.dropped}; rss ${Math.round(r.rss / 2 ** 20)} MiB`)
  }
}
