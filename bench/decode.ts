// npm run bench:decode — `bgproutes-live mrt dump` against `bgpdump -m` on the same file, in one run.
//
// Both write to /dev/null; each is run several times, alternating, and the best (least
// disturbed) wall time and the best CPU time (user + system, all threads) of each are kept;
// bash's `time` measures both, to the millisecond. Before timing, both outputs are hashed once
// to show that they are identical. The machine's load average is printed with the figures:
// on a busy machine both times grow. Usage: node bench/decode.ts [FILE] [--runs N]
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { loadavg } from 'node:os'
import { resolve as resolvePath } from 'node:path'
import { parseArgs } from 'node:util'

const root = resolvePath(import.meta.dirname, '..')
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string', default: '10' } }
})
const file = positionals[0] ?? resolvePath(root, '../shared/data/mrt/updates/updates.et-header.2015.gz')
const runs = Number(values.runs)
const node = process.execPath
// The installed command's entry point: it turns the compile cache on before any TypeScript loads.
const cli = resolvePath(root, 'bin/bgproutes-live.js')

interface Command { name: string, argv: string[] }
const ours: Command = { name: 'bgproutes-live mrt dump', argv: [node, cli, 'mrt', 'dump', file] }
const oursJson: Command = { name: 'bgproutes-live mrt dump --format json', argv: [node, cli, 'mrt', 'dump', '--format', 'json', file] }
const reference: Command = { name: 'bgpdump -m', argv: ['bgpdump', '-m', file] }

function quote (s: string): string {
  return "'" + s.replaceAll("'", "'\\''") + "'"
}

/** The output's hash and line count. */
function check (cmd: Command): Promise<{ hash: string, lines: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd.argv[0], cmd.argv.slice(1), { stdio: ['ignore', 'pipe', 'ignore'] })
    const hash = createHash('sha256')
    let lines = 0
    child.stdout.on('data', (chunk: Buffer) => {
      hash.update(chunk)
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++
    })
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0 && cmd !== reference) reject(new Error(`${cmd.name} exited with ${code}`))
      else resolve({ hash: hash.digest('hex'), lines })
    })
  })
}

/** Wall and CPU seconds of one run, output to /dev/null. */
function time (cmd: Command): Promise<{ wall: number, cpu: number }> {
  return new Promise((resolve, reject) => {
    const script = `TIMEFORMAT='%3R %3U %3S'; time ${cmd.argv.map(quote).join(' ')} > /dev/null 2> /dev/null`
    const child = spawn('bash', ['-c', script], { stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString() })
    child.on('error', reject)
    child.on('close', () => {
      const [wall, user, sys] = err.trim().split(/\s+/).slice(-3).map(Number)
      if (![wall, user, sys].every(Number.isFinite)) reject(new Error(`cannot time ${cmd.name}: ${err}`))
      else resolve({ wall, cpu: user + sys })
    })
  })
}

async function countRecords (): Promise<number> {
  const { readMrtFile } = await import('../src/sources/mrt/read-mrt-file.ts')
  let n = 0
  for await (const record of readMrtFile(file)) if (record !== null) n++
  return n
}

const records = await countRecords()
const checked = [await check(reference), await check(ours)]
const identical = checked[0].hash === checked[1].hash
console.log(`file: ${file}`)
console.log(`MRT records: ${records}; lines: bgpdump ${checked[0].lines}, ours ${checked[1].lines}; output identical: ${identical ? 'yes' : 'NO'}`)

const load = loadavg()
const best = new Map<Command, { wall: number, cpu: number }>()
for (let i = 0; i < runs; i++) {
  for (const cmd of [reference, ours, oursJson]) {
    const t = await time(cmd)
    const b = best.get(cmd) ?? { wall: Infinity, cpu: Infinity }
    best.set(cmd, { wall: Math.min(b.wall, t.wall), cpu: Math.min(b.cpu, t.cpu) })
  }
}

const rate = (s: number): string => Math.round(records / s).toLocaleString('en-US')
const ref = best.get(reference) ?? { wall: NaN, cpu: NaN }
console.log(`best of ${runs} runs, output to /dev/null; load average ${load.map((l) => l.toFixed(2)).join(' ')} before, ${loadavg().map((l) => l.toFixed(2)).join(' ')} after:`)
console.log(`  ${''.padEnd(40)} ${'wall'.padStart(7)} ${'records/s'.padStart(10)} ${'ratio'.padStart(6)}  ${'CPU'.padStart(7)} ${'ratio'.padStart(6)}`)
for (const cmd of [reference, ours, oursJson]) {
  const t = best.get(cmd) ?? { wall: NaN, cpu: NaN }
  console.log(`  ${cmd.name.padEnd(40)} ${t.wall.toFixed(3).padStart(6)}s ${rate(t.wall).padStart(10)} ${(ref.wall / t.wall).toFixed(2).padStart(5)}x  ${t.cpu.toFixed(3).padStart(6)}s ${(ref.cpu / t.cpu).toFixed(2).padStart(5)}x`)
}
if (!identical) process.exitCode = 1
