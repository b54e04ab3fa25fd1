// A small pcap / pcapng reader for tests: extracts the TCP payload of every flow and
// reassembles it in sequence order (retransmissions and overlaps dropped). Handles Ethernet
// (with VLAN tags), Linux cooked (SLL), BSD loopback and raw IP link types, IPv4 and IPv6.

import { readFileSync } from 'node:fs'

export interface TcpStream {
  /** `srcIp:srcPort>dstIp:dstPort` */
  key: string
  srcPort: number
  dstPort: number
  data: Uint8Array
}

interface Segment { seq: number, payload: Uint8Array }

export function readPcapTcpStreams (path: string): TcpStream[] {
  const file = new Uint8Array(readFileSync(path))
  const flows = new Map<string, { srcPort: number, dstPort: number, segments: Segment[] }>()
  for (const [linkType, frame] of frames(file)) {
    const tcp = parseFrame(linkType, frame)
    if (tcp === null) continue
    let flow = flows.get(tcp.key)
    if (flow === undefined) {
      flow = { srcPort: tcp.srcPort, dstPort: tcp.dstPort, segments: [] }
      flows.set(tcp.key, flow)
    }
    flow.segments.push({ seq: tcp.seq, payload: tcp.payload })
  }
  const streams: TcpStream[] = []
  for (const [key, flow] of flows) {
    const data = reassemble(flow.segments)
    if (data.length > 0) streams.push({ key, srcPort: flow.srcPort, dstPort: flow.dstPort, data })
  }
  return streams
}

function reassemble (segments: Segment[]): Uint8Array {
  // The stream starts at the lowest sequence number carrying data (captures may miss the
  // handshake, and some rewritten captures set SYN on every segment).
  const carrying = segments.filter(s => s.payload.length > 0)
  const base = carrying.reduce((min, s) => Math.min(min, s.seq), Infinity)
  const withData = carrying
    .map(s => ({ offset: (s.seq - base) >>> 0, payload: s.payload }))
    .sort((a, b) => a.offset - b.offset)
  const parts: Uint8Array[] = []
  let next = 0
  for (const { offset, payload } of withData) {
    if (offset > next) break // a gap: stop at what is contiguous
    const end = offset + payload.length
    if (end <= next) continue
    parts.push(payload.subarray(next - offset))
    next = end
  }
  return Buffer.concat(parts)
}

function * frames (file: Uint8Array): Generator<[number, Uint8Array]> {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength)
  const magic = view.getUint32(0, false)
  if (magic === 0x0a0d0d0a) {
    yield * pcapngFrames(file, view)
    return
  }
  const little = magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1
  if (!little && magic !== 0xa1b2c3d4 && magic !== 0xa1b23c4d) throw new Error(`not a pcap file: ${magic.toString(16)}`)
  const linkType = view.getUint32(20, little) & 0x0fffffff
  let i = 24
  while (i + 16 <= file.length) {
    const captured = view.getUint32(i + 8, little)
    i += 16
    if (i + captured > file.length) break
    yield [linkType, file.subarray(i, i + captured)]
    i += captured
  }
}

function * pcapngFrames (file: Uint8Array, view: DataView): Generator<[number, Uint8Array]> {
  let little = true
  const linkTypes: number[] = []
  let i = 0
  while (i + 12 <= file.length) {
    let type = view.getUint32(i, little)
    if (type === 0x0a0d0d0a) {
      little = view.getUint32(i + 8, true) === 0x1a2b3c4d
      linkTypes.length = 0
      type = 0x0a0d0d0a
    }
    const length = view.getUint32(i + 4, little)
    if (length < 12 || i + length > file.length) break
    if (type === 1) {
      linkTypes.push(view.getUint16(i + 8, little))
    } else if (type === 6) {
      const iface = view.getUint32(i + 8, little)
      const captured = view.getUint32(i + 20, little)
      yield [linkTypes[iface] ?? 1, file.subarray(i + 28, i + 28 + captured)]
    } else if (type === 3) {
      const captured = Math.min(view.getUint32(i + 8, little), length - 16)
      yield [linkTypes[0] ?? 1, file.subarray(i + 12, i + 12 + captured)]
    }
    i += length
  }
}

interface TcpSegment { key: string, srcPort: number, dstPort: number, seq: number, payload: Uint8Array }

function parseFrame (linkType: number, frame: Uint8Array): TcpSegment | null {
  let i: number
  let etherType: number
  if (linkType === 1) {
    i = 14
    etherType = (frame[12] << 8) | frame[13]
    while ((etherType === 0x8100 || etherType === 0x88a8) && i + 4 <= frame.length) {
      etherType = (frame[i + 2] << 8) | frame[i + 3]
      i += 4
    }
  } else if (linkType === 113) {
    i = 16
    etherType = (frame[14] << 8) | frame[15]
  } else if (linkType === 0 || linkType === 108) {
    i = 4
    etherType = (frame[i] >> 4) === 6 ? 0x86dd : 0x0800
  } else if (linkType === 101 || linkType === 12 || linkType === 14) {
    i = 0
    etherType = (frame[0] >> 4) === 6 ? 0x86dd : 0x0800
  } else {
    return null
  }
  let src: string
  let dst: string
  let protocol: number
  let end: number
  if (etherType === 0x0800) {
    const headerLength = (frame[i] & 0x0f) * 4
    end = Math.min(frame.length, i + ((frame[i + 2] << 8) | frame[i + 3]))
    protocol = frame[i + 9]
    src = frame.subarray(i + 12, i + 16).join('.')
    dst = frame.subarray(i + 16, i + 20).join('.')
    i += headerLength
  } else if (etherType === 0x86dd) {
    end = Math.min(frame.length, i + 40 + ((frame[i + 4] << 8) | frame[i + 5]))
    protocol = frame[i + 6]
    src = Buffer.from(frame.subarray(i + 8, i + 24)).toString('hex')
    dst = Buffer.from(frame.subarray(i + 24, i + 40)).toString('hex')
    i += 40
  } else {
    return null
  }
  if (protocol !== 6 || i + 20 > end) return null
  const srcPort = (frame[i] << 8) | frame[i + 1]
  const dstPort = (frame[i + 2] << 8) | frame[i + 3]
  const seq = ((frame[i + 4] << 24) | (frame[i + 5] << 16) | (frame[i + 6] << 8) | frame[i + 7]) >>> 0
  const dataOffset = (frame[i + 12] >> 4) * 4
  return { key: `${src}:${srcPort}>${dst}:${dstPort}`, srcPort, dstPort, seq, payload: frame.subarray(i + dataOffset, end) }
}
