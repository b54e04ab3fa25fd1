// The websocket side of bench/stream.ts, run as a child process: one `ws` client per key given
// (argv: ws URL, base time, keys file, first index, count), each connected to serve's stream
// with `?api_key=KEY`. Lean on purpose (it shares 2 cores with serve): no JSON.parse per frame,
// the few numbers needed are read from the frame's text.
//
// Per frame: its receive time on the monotonic clock (process.hrtime, ms since the run's base:
// comparable with the feeder's send times), `med` (the feeder's stamp) when the frame has one,
// and the time since the collector read the UPDATE: receive wall time
// (performance.timeOrigin + performance.now(), the clock serve stamps records with) minus the
// frame's `sec`/`Usec`. `seq` is checked to follow on per key (a jump is a lost frame).
//
// IPC: -> {ready, connected, refused}; {cmd: 'collect'} -> {stamps, recvMs, ingressMs, frames,
// unstamped, errors, gaps, closed, cpu} for everything since the last collect; {cmd: 'exit'}.
import { readFileSync } from 'node:fs'
import WebSocket from 'ws'

const [url, baseText, keysFile, fromText, countText] = process.argv.slice(2)
const base = BigInt(baseText)
const keys = (JSON.parse(readFileSync(keysFile, 'utf8')) as string[]).slice(Number(fromText), Number(fromText) + Number(countText))

class Column {
  a = new Float64Array(1 << 16)
  n = 0
  push (v: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2)
      b.set(this.a)
      this.a = b
    }
    this.a[this.n++] = v
  }

  take (): Float64Array {
    const out = this.a.slice(0, this.n)
    this.n = 0
    return out
  }
}

const stamps = new Column()
const recvMs = new Column()
const ingressMs = new Column()
let frames = 0
let unstamped = 0
let errors = 0
let gaps = 0
let closed = 0
const errorTexts: string[] = []

const SEQ = Buffer.from('{"seq":')
const MED = Buffer.from('"med":')
const SEC = Buffer.from('"sec":')
const USEC = Buffer.from('"Usec":')

/** The unsigned integer at `at` in `b` (ASCII digits), or -1. */
function intAt (b: Buffer, at: number): number {
  if (at < 0) return -1
  let v = 0
  let i = at
  for (; i < b.length; i++) {
    const c = b[i]
    if (c < 48 || c > 57) break
    v = v * 10 + (c - 48)
  }
  return i === at ? -1 : v
}

function onFrame (data: Buffer, state: { lastSeq: number }): void {
  const recv = Number(process.hrtime.bigint() - base) / 1e6
  const wallUs = (performance.timeOrigin + performance.now()) * 1000
  if (data.indexOf(SEQ) !== 0) {
    errors++
    if (errorTexts.length < 5) errorTexts.push(data.toString('utf8', 0, 300))
    return
  }
  frames++
  const seq = intAt(data, SEQ.length)
  if (state.lastSeq > 0 && seq !== state.lastSeq + 1) gaps++
  state.lastSeq = seq
  const secAt = data.indexOf(SEC)
  const sec = intAt(data, secAt + SEC.length)
  const usecAt = data.indexOf(USEC, secAt)
  const usec = intAt(data, usecAt + USEC.length)
  if (sec >= 0 && usec >= 0) ingressMs.push((wallUs - (sec * 1e6 + usec)) / 1000)
  const medAt = data.indexOf(MED)
  const med = medAt < 0 ? -1 : intAt(data, medAt + MED.length)
  if (med < 0) {
    unstamped++
    return
  }
  stamps.push(med)
  recvMs.push(recv)
}

let connected = 0
let refused = 0
const sockets: WebSocket[] = []

async function open (key: string): Promise<void> {
  const state = { lastSeq: 0 }
  const ws = new WebSocket(`${url}?api_key=${key}`, { perMessageDeflate: false })
  sockets.push(ws)
  ws.on('message', (data: Buffer) => { onFrame(data, state) })
  ws.on('close', () => { closed++ })
  ws.on('error', () => {})
  await new Promise<void>((resolve) => {
    ws.once('open', () => { connected++; resolve() })
    ws.once('error', () => { refused++; resolve() })
  })
}

// A few at a time: each connection costs serve a store lookup and a session row.
for (let i = 0; i < keys.length; i += 25) await Promise.all(keys.slice(i, i + 25).map(open))
// An error frame arrives right after the upgrade; give refusals a moment to show.
await new Promise((resolve) => setTimeout(resolve, 500))
const cpuStart = process.cpuUsage()
let cpuMark = cpuStart
let wallMark = performance.now()
// The offset of this process's wall clock (timeOrigin-based) from the monotonic clock, in ms.
const clockOffset = (): number => (performance.timeOrigin + performance.now()) - Number(process.hrtime.bigint()) / 1e6
process.send?.({ ready: true, connected: connected - closed, refused: refused + closed, errors, errorTexts, clockOffset: clockOffset() })

process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'exit') {
    for (const ws of sockets) ws.terminate()
    process.exit(0)
  }
  if (m.cmd === 'collect') {
    const cpu = process.cpuUsage(cpuMark)
    const wall = performance.now() - wallMark
    cpuMark = process.cpuUsage()
    wallMark = performance.now()
    process.send?.({ stamps: stamps.take(), recvMs: recvMs.take(), ingressMs: ingressMs.take(), frames, unstamped, errors, errorTexts, gaps, closed, cpu: (cpu.user + cpu.system) / 1000 / wall, clockOffset: clockOffset() })
    frames = 0
    unstamped = 0
    gaps = 0
  }
})
