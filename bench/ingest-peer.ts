// The sending side of bench/ingest.ts, run as a child process: loads the UPDATE messages of an
// MRT file (BGP4MP with 4-octet ASNs, no ADD-PATH, as one session would carry them), opens N BGP
// sessions to the collector, and on "go" writes every UPDATE on every session as fast as TCP
// takes them (again at each "go"). Talks to the parent over IPC: {ready, updates}, then {sent}.
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { encodeMessage } from '../src/codec/bgp/message.ts'
import { createDecodeContext } from '../src/codec/bgp/decode-context.ts'
import { BgpMessageSplitter } from '../src/codec/bgp/framing.ts'
import { readMrtFile } from '../src/sources/mrt/read-mrt-file.ts'

const [file, port, sessions, limitText] = process.argv.slice(2)
const limit = Number(limitText ?? '0') || Infinity

// Gather the UPDATEs into 1 MiB blocks: what the socket is given, and the count per block.
const blocks: Buffer[] = []
let block: Buffer[] = []
let blockLength = 0
let updates = 0
for await (const record of readMrtFile(file)) {
  if (record.kind !== 'bgp4mp-message' || !record.asn4 || record.addPath || record.local) continue
  if (record.message[18] !== 2) continue
  block.push(Buffer.from(record.message))
  blockLength += record.message.length
  updates++
  if (blockLength >= 1 << 20) {
    blocks.push(Buffer.concat(block))
    block = []
    blockLength = 0
  }
  if (updates >= limit) break
}
if (block.length > 0) blocks.push(Buffer.concat(block))

const ctx = createDecodeContext()
function open (i: number): Buffer {
  return Buffer.from(encodeMessage({
    type: 'open',
    version: 4,
    myAs: 64512,
    holdTime: 0,
    bgpId: `10.99.0.${i + 1}`,
    parameters: [{ kind: 'capabilities', capabilities: [{ kind: 'multiprotocol', afi: 1, safi: 1, reserved: 0 }, { kind: 'multiprotocol', afi: 2, safi: 1, reserved: 0 }, { kind: 'four-octet-as', asn: 64512 }] }],
    extendedParameters: false
  }, ctx))
}
const KEEPALIVE = Buffer.from(encodeMessage({ type: 'keepalive' }, ctx))

async function establish (i: number): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port: Number(port), localAddress: `127.0.99.${i + 1}` })
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject) })
  socket.write(open(i))
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
  return socket
}

async function send (socket: Socket): Promise<void> {
  for (const b of blocks) {
    if (!socket.write(b)) await new Promise<void>((resolve) => socket.once('drain', resolve))
  }
}

const sockets = await Promise.all(Array.from({ length: Number(sessions) }, async (_, i) => await establish(i)))
process.send?.({ ready: true, updates, bytes: blocks.reduce((n, b) => n + b.length, 0) })
// Each "go" sends the whole file once more on every session; the parent kills us at the end.
process.on('message', () => {
  Promise.all(sockets.map(send)).then(() => { process.send?.({ sent: true }) }, (e: unknown) => { throw e })
})
