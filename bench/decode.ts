// npm run bench:decode — `bgproutes-live mrt dump` against `bgpdump -m` on the same file, in one run.
//
// Both write to /dev/null; each is run several times, alternating, and the best (least
// disturbed) wall time of each is kept. Before timing, both outputs are hashed once to show that
// they are identical. Usage: node bench/decode.ts [FILE] [--runs N]
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { openSync, closeSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'

const root = resolve(import.meta.dirname, '..')
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string', default: '5' } }
})
const file = positionals[0] ?? resolve(root, '../shared/data/mrt/updates/updates.et-header.2015.gz')
const runs = Number(values.runs)
const node = process.execPath
const cli = resolve(root, 'src/cli/main.ts')

interface Command { name: string, argv: string[] }
const ours: Command = { name: 'bgproutes-live mrt dump', argv: [node, cli, 'mrt', 'dump', file] }
const oursJson: Command = { name: 'bgproutes-live mrt dump --format json', argv: [node, cli, 'mrt', 'dump', '--format', 'json', file] }
const reference: Command = { name: 'bgpdump -m', argv: ['bgpdump', '-m', file] }

function run (cmd: Command, stdout: 'hash' | 'null'): Promise<{ ms: number, hash: string, lines: number }> {
  return new Promise((resolvePromise, reject) => {
    const start = process.hrtime.bigint()
    const devNull = stdout === 'null' ? openSync('/dev/null', 'w') : undefined
    const child = spawn(cmd.argv[0], cmd.argv.slice(1), { stdio: ['ignore', devNull ?? 'pipe', 'ignore'] })
    const hash = createHash('sha256')
    let lines = 0
    child.stdout?.on('data', (chunk: Buffer) => {
      hash.update(chunk)
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++
    })
    child.on('error', reject)
    child.on('close', (code) => {
      if (devNull !== undefined) closeSync(devNull)
      const ms = Number(process.hrtime.bigint() - start) / 1e6
      if (code !== 0 && cmd !== reference) reject(new Error(`${cmd.name} exited with ${code}`))
      else resolvePromise({ ms, hash: hash.digest('hex'), lines })
    })
  })
}

async function countRecords (): Promise<number> {
  const { readMrtFile } = await import('../src/sources/mrt/read-mrt-file.ts')
  let n = 0
  for await (const _ of readMrtFile(file)) n++
  return n
}

const records = await countRecords()
const check = [await run(reference, 'hash'), await run(ours, 'hash')]
const identical = check[0].hash === check[1].hash
console.log(`file: ${file}`)
console.log(`MRT records: ${records}; lines: bgpdump ${check[0].lines}, ours ${check[1].lines}; output identical: ${identical ? 'yes' : 'NO'}`)

const best = new Map<Command, number>()
for (let i = 0; i < runs; i++) {
  for (const cmd of [reference, ours, oursJson]) {
    const { ms } = await run(cmd, 'null')
    best.set(cmd, Math.min(best.get(cmd) ?? Infinity, ms))
  }
}

const rate = (ms: number): string => Math.round(records / (ms / 1000)).toLocaleString('en-US')
const refMs = best.get(reference) ?? NaN
console.log(`best of ${runs} runs, output to /dev/null:`)
for (const cmd of [reference, ours, oursJson]) {
  const ms = best.get(cmd) ?? NaN
  console.log(`  ${cmd.name.padEnd(40)} ${ms.toFixed(0).padStart(6)} ms  ${rate(ms).padStart(10)} records/s  ${(refMs / ms).toFixed(2)}x bgpdump`)
}
if (!identical) process.exitCode = 1
