// The BGP side of bench/stream.ts and bench/kafka.ts, run as a child process: a test peer (as
// bench/ingest-peer.ts) that loads the UPDATEs of an MRT file, opens one BGP session (or
// --sessions N) to serve's collector and, on command, sends them at a fixed rate, paced in small
// batches (one socket write per session per timer tick of about 1 ms), cycling over the file as
// often as needed.
//
// Sessions: session i (0-based) connects from 127.0.99.(i + 1), AS 64512, BGP identifier
// 10.99.0.(i + 1): one vantage point each (the collector accepts any peer from loopback). The
// UPDATEs go round-robin over the sessions, the k-th UPDATE sent since the process started (over
// all runs) on session k % N, at the same total rate; so with N sessions the records spread over
// N partition keys (bench/kafka.ts). argv: FILE PORT [--sessions N] (default 1) [--addresses
// A,B,...] (the sessions' local addresses, loopback, instead of 127.0.99.1 ..: one session each).
//
// Stamping: every UPDATE that carries path attributes is rewritten once, at load, to carry a
// MULTI_EXIT_DISC (RFC 4271 §5.1.4) of its own (an existing MED is replaced); before each write
// the MED of each UPDATE in the batch is set to the next stamp (1, 2, 3 ... over the whole run) and
// the monotonic time of the write (process.hrtime, CLOCK_MONOTONIC: the same clock in every process
// of the machine) is recorded for the stamp. A client that receives a frame with `"med":N` thus
// knows which UPDATE, and when it was written to the collector's socket. UPDATEs without
// attributes (withdrawals only) are sent as they are and carry no stamp.
//
// The stamp counter is one for all sessions: a stamp names one UPDATE whatever its session.
//
// IPC, child to parent once every session is Established: {ready, updates, stampedShare, vps
// (per session: {ip, asn}, the vantage point the collector gives its records)}.
// Parent to child: {cmd: 'run', rate, seconds, base} -> {done, sent, firstStamp, lastStamp,
// sendMs (Float64Array, ms since `base` by stamp - firstStamp), achievedRate, stalls, cpu,
// sentBySession}. {cmd: 'exit'} ends the process.
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { parseArgs } from 'node:util'
import { encodeMessage } from '../src/codec/bgp/message.ts'
import { createDecodeContext } from '../src/codec/bgp/decode-context.ts'
import { BgpMessageSplitter } from '../src/codec/bgp/framing.ts'
import { readMrtFile } from '../src/sources/mrt/read-mrt-file.ts'

const { values: opts, positionals } = parseArgs({ allowPositionals: true, options: { sessions: { type: 'string', default: '1' }, addresses: { type: 'string' } } })
const [file, port] = positionals
const ADDRESSES = opts.addresses?.split(',')
const SESSIONS = ADDRESSES?.length ?? Number(opts.sessions)
if (!Number.isInteger(SESSIONS) || SESSIONS < 1 || SESSIONS > 254) throw new Error(`--sessions: 1 to 254, not ${opts.sessions}`)
const PEER_AS = 64512
const HEADER = 19
const MED = 4
/** Bytes the kernel and the socket may hold unwritten before the feeder waits (serve is not reading). */
const MAX_PENDING = 4 << 20

interface Update { msg: Buffer, medAt: number }

/** The UPDATE with its MED replaced by (or given) a 4-octet placeholder; medAt is the value's offset, -1 if none. */
function stampable (message: Uint8Array): Update {
  const msg = Buffer.from(message)
  const withdrawnLength = msg.readUInt16BE(HEADER)
  const attrAt = HEADER + 2 + withdrawnLength
  const attrLength = msg.readUInt16BE(attrAt)
  if (attrLength === 0) return { msg, medAt: -1 }
  const start = attrAt + 2
  const end = start + attrLength
  const parts: Buffer[] = []
  let insertAt = -1
  let i = start
  while (i + 3 <= end) {
    const flags = msg[i]
    const type = msg[i + 1]
    const extended = (flags & 0x10) !== 0
    const length = extended ? msg.readUInt16BE(i + 2) : msg[i + 2]
    const next = i + (extended ? 4 : 3) + length
    if (type > MED && insertAt < 0) insertAt = parts.length
    if (type !== MED) parts.push(msg.subarray(i, next))
    i = next
  }
  const med = Buffer.from([0x80, MED, 4, 0, 0, 0, 0])
  if (insertAt < 0) insertAt = parts.length
  parts.splice(insertAt, 0, med)
  const attrs = Buffer.concat(parts)
  const out = Buffer.concat([msg.subarray(0, attrAt), Buffer.alloc(2), attrs, msg.subarray(end)])
  if (out.length > 4096) return { msg, medAt: -1 }
  out.writeUInt16BE(out.length, 16)
  out.writeUInt16BE(attrs.length, attrAt)
  let medAt = attrAt + 2
  for (let k = 0; k < insertAt; k++) medAt += parts[k].length
  return { msg: out, medAt: medAt + 3 }
}

const updates: Update[] = []
for await (const record of readMrtFile(file)) {
  if (record.kind !== 'bgp4mp-message' || !record.asn4 || record.addPath || record.local) continue
  if (record.message[18] !== 2) continue
  updates.push(stampable(record.message))
}

const ctx = createDecodeContext()
function open (session: number): Buffer {
  return Buffer.from(encodeMessage({
    type: 'open',
    version: 4,
    myAs: PEER_AS,
    holdTime: 0,
    bgpId: `10.99.0.${session + 1}`,
    parameters: [{ kind: 'capabilities', capabilities: [{ kind: 'multiprotocol', afi: 1, safi: 1, reserved: 0 }, { kind: 'multiprotocol', afi: 2, safi: 1, reserved: 0 }, { kind: 'four-octet-as', asn: PEER_AS }] }],
    extendedParameters: false
  }, ctx))
}
/** Session i's local address: its vantage point's ip. */
const address = (session: number): string => ADDRESSES?.[session] ?? `127.0.99.${session + 1}`
const KEEPALIVE = Buffer.from(encodeMessage({ type: 'keepalive' }, ctx))

async function establish (session: number): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port: Number(port), localAddress: address(session) })
  socket.setNoDelay(true)
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject) })
  socket.write(open(session))
  const splitter = new BgpMessageSplitter()
  await new Promise<void>((resolve, reject) => {
    let sawOpen = false
    socket.on('data', (chunk: Buffer) => {
      for (const m of splitter.push(chunk)) {
        if (m[18] === 1) { sawOpen = true; socket.write(KEEPALIVE) }
        if (m[18] === 4 && sawOpen) resolve()
        if (m[18] === 3) reject(new Error('NOTIFICATION from the collector'))
      }
    })
  })
  socket.on('error', (e) => { console.error(`feeder socket error (session ${session + 1}, ${address(session)})`, e); process.exit(1) })
  return socket
}

const sockets = await Promise.all(Array.from({ length: SESSIONS }, async (_, i) => await establish(i)))
let nextUpdate = 0
let nextStamp = 1
/** The session of the next UPDATE sent (round-robin, kept across runs). */
let nextSession = 0

function hrMs (base: bigint): number {
  return Number(process.hrtime.bigint() - base) / 1e6
}

async function run (rate: number, seconds: number, base: bigint): Promise<void> {
  const total = Math.round(rate * seconds)
  const sendMs = new Float64Array(total)
  const firstStamp = nextStamp
  const cpu0 = process.cpuUsage()
  let sent = 0
  let stalls = 0
  const sentBySession = new Array<number>(SESSIONS).fill(0)
  const batches: Buffer[][] = sockets.map(() => [])
  const stamps: number[][] = sockets.map(() => [])
  const t0 = performance.now()
  const deadline = t0 + seconds * 1000 * 3
  while (sent < total && performance.now() < deadline) {
    const full = sockets.find((s) => s.writableLength > MAX_PENDING)
    if (full !== undefined) {
      stalls++
      await new Promise<void>((resolve) => full.once('drain', resolve))
      continue
    }
    const due = Math.min(total, Math.floor((performance.now() - t0) * rate / 1000)) - sent
    if (due > 0) {
      // Stamped in place, copied after the whole tick (as with one session): an UPDATE twice in a
      // tick (a tick longer than the file) carries the later stamp in both copies.
      for (let k = 0; k < due; k++) {
        const u = updates[nextUpdate]
        nextUpdate = (nextUpdate + 1) % updates.length
        const session = nextSession
        nextSession = (nextSession + 1) % SESSIONS
        if (u.medAt >= 0) {
          u.msg.writeUInt32BE(nextStamp, u.medAt)
          stamps[session].push(nextStamp++)
        }
        batches[session].push(u.msg)
      }
      for (let i = 0; i < SESSIONS; i++) {
        if (batches[i].length === 0) continue
        const data = Buffer.concat(batches[i])
        sentBySession[i] += batches[i].length
        batches[i].length = 0
        const at = hrMs(base)
        for (const s of stamps[i]) if (s - firstStamp < total) sendMs[s - firstStamp] = at
        stamps[i].length = 0
        sockets[i].write(data)
      }
      sent += due
    }
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
  const elapsed = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  process.send?.({ done: true, sent, firstStamp, lastStamp: nextStamp - 1, sendMs: sendMs.subarray(0, nextStamp - firstStamp), elapsedMs: elapsed, achievedRate: sent / (elapsed / 1000), stalls, cpu: (cpu.user + cpu.system) / 1000 / elapsed, sentBySession })
}

process.on('message', (m: { cmd: string, rate: number, seconds: number, base: string }) => {
  if (m.cmd === 'exit') {
    for (const socket of sockets) socket.destroy()
    process.exit(0)
  }
  if (m.cmd === 'run') run(m.rate, m.seconds, BigInt(m.base)).catch((e: unknown) => { console.error(e); process.exit(1) })
})
const stampedShare = updates.filter((u) => u.medAt >= 0).length / updates.length
process.send?.({ ready: true, updates: updates.length, stampedShare, vps: sockets.map((_, i) => ({ ip: address(i), asn: PEER_AS })) })
