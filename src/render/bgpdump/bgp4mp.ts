// BGP4MP (16) and BGP4MP_ET (17) records (RFC 6396 §4.4, RFC 8050 §3) as bgpdump 1.6.2 -m prints
// them. BGP4MP_ET times are `seconds.microseconds` (6 digits). OPEN, NOTIFICATION, KEEPALIVE
// and ROUTE-REFRESH messages print nothing; nor does a message whose marker is not all ones.
//   <fmt>|<time>|W|<peer ip>|<peer as>|<prefix>[|<path id>]
//   <fmt>|<time>|A|<peer ip>|<peer as>|<prefix>[|<path id>]|<as path>|<origin>|<next hop>|<local pref>|<med>|<communities>|<AG|NAG>|[<aggregator as> <aggregator ip>]|
//   BGP4MP[_ET]|<time>|STATE|<peer ip>|<peer as>|<old state>|<new state>
// <fmt> is BGP4MP, then _ET, _LOCAL (subtypes 6, 7, 10, 11) and _AP (ADD-PATH, 8-11) as they
// apply. The peer is the first AS and address of the record in every subtype.
// Quirks kept: an 8-octet STATE_CHANGE (Zebra) prints peer 0.0.0.0; another length that does
// not fit the family prints nothing (FRR's 12-octet STATE_CHANGE_AS4 among them); IPv6
// withdrawals in a _LOCAL record of an IPv4 session print the peer address as IPv6.

import { AsciiBytes } from './byte-sink.ts'
import type { ByteSink } from './byte-sink.ts'
import { formatIpv4At, formatIpv6At } from './format-address.ts'
import { u16, u32, u8 } from './read.ts'
import type { UpdateHeads } from './update-lines.ts'
import { updateLines } from './update-lines.ts'
import { writeAscii, writeBytes, writeDecimal } from './write-bytes.ts'

const TYPE_ET = 17
const AFI_IP = 1
const AFI_IP6 = 2
const BGP_UPDATE = 2
const PIPE = 124

const FORMAT_NAMES: readonly string[] = ['BGP4MP', 'BGP4MP_AP', 'BGP4MP_LOCAL', 'BGP4MP_LOCAL_AP', 'BGP4MP_ET', 'BGP4MP_ET_AP', 'BGP4MP_ET_LOCAL', 'BGP4MP_ET_LOCAL_AP']
const FORMAT_BYTES: readonly Uint8Array[] = FORMAT_NAMES.map((name) => Buffer.from(name, 'latin1'))

const heads: UpdateHeads = { line: new AsciiBytes(), letterAt: 0, withdraw6: null }
const withdraw6 = new AsciiBytes()
const zeros16 = new Uint8Array(16)

/** Caches the text of the latest peer address and timestamp: consecutive records share them. */
export class Bgp4mpText {
  private peerBytes = new Uint8Array(16)
  private peerLength = -1
  private peerText = ''
  /** peerText as bytes. */
  private readonly peerAscii = new Uint8Array(64)
  private peerAsciiLength = 0
  private timeSeconds = -1
  private timeMicros = -1
  private timeText = ''
  private secondsSeen = -1
  private readonly secondsAscii = new Uint8Array(16)
  private secondsAsciiLength = 0

  peer (buf: Uint8Array, pos: number, length: number, end: number): string {
    const bytes = this.peerBytes
    if (length === this.peerLength && pos + length <= end) {
      let same = true
      for (let i = 0; i < length; i++) if (bytes[i] !== buf[pos + i]) { same = false; break }
      if (same) return this.peerText
    }
    for (let i = 0; i < length; i++) bytes[i] = u8(buf, pos + i, end)
    this.peerLength = length
    this.peerText = length === 4 ? formatIpv4At(bytes, 0, 4) : formatIpv6At(bytes, 0, 16)
    this.peerAsciiLength = writeAscii(this.peerAscii, 0, this.peerText)
    return this.peerText
  }

  /** peer(), written at `out[q]`; returns its end. */
  writePeer (out: Uint8Array, q: number, buf: Uint8Array, pos: number, length: number, end: number): number {
    this.peer(buf, pos, length, end)
    return writeBytes(out, q, this.peerAscii, 0, this.peerAsciiLength)
  }

  time (seconds: number, micros: number, et: boolean): string {
    if (seconds !== this.timeSeconds || micros !== this.timeMicros) {
      this.timeSeconds = seconds
      this.timeMicros = micros
      const s = String(seconds)
      this.timeText = et ? s + '.' + (micros < 100000 ? String(micros + 1000000).slice(1) : String(micros)) : s
    }
    return this.timeText
  }

  /** time(), written at `out[q]`; returns its end. */
  writeTime (out: Uint8Array, q: number, seconds: number, micros: number, et: boolean): number {
    if (seconds !== this.secondsSeen) {
      this.secondsSeen = seconds
      this.secondsAsciiLength = writeDecimal(this.secondsAscii, 0, seconds)
    }
    q = writeBytes(out, q, this.secondsAscii, 0, this.secondsAsciiLength)
    if (!et) return q
    out[q++] = 46 // '.'
    if (micros >= 1000000) return writeDecimal(out, q, micros)
    for (let i = 5; i >= 0; i--) {
      const t = (micros / 10) | 0
      out[q + i] = 48 + micros - 10 * t
      micros = t
    }
    return q + 6
  }
}

/** The -m lines of a BGP4MP or BGP4MP_ET record into `out`; `body` excludes the 12-octet MRT header. */
export function bgp4mpLines (out: ByteSink, text: Bgp4mpText, type: number, subtype: number, timestamp: number, body: Uint8Array): void {
  const et = type === TYPE_ET
  let start = 0
  let micros = 0
  if (et) {
    micros = u32(body, 0, body.length)
    start = 4
  }
  const end = body.length
  const length = end - start
  if (subtype === 0 || subtype === 5) {
    out.ascii(stateLine(text, et, subtype === 5 ? 4 : 2, text.time(timestamp, micros, et), body, start, end, length))
    return
  }
  if (subtype !== 1 && (subtype < 4 || subtype > 11)) return
  const asn4 = subtype === 4 || subtype === 7 || subtype === 9 || subtype === 11
  const local = subtype === 6 || subtype === 7 || subtype === 10 || subtype === 11
  const addPath = subtype >= 8
  const asnSize = asn4 ? 4 : 2
  const peerAs = asn4 ? u32(body, start, end) : u16(body, start, end)
  let p = start + 2 * asnSize
  const ifIndex = u16(body, p, end)
  let afi = u16(body, p + 2, end)
  p += 4
  let peerPos = -1
  let peerLength = 0
  let markerStart: number
  if (afi === AFI_IP) {
    peerPos = p
    peerLength = 4
    markerStart = p + 8
  } else if (afi === AFI_IP6) {
    peerPos = p
    peerLength = 16
    markerStart = p + 32
  } else if (afi === 0xffff && ifIndex === 0xffff) {
    // Zebra wrote no interface, family or addresses: those 4 octets start the marker.
    afi = AFI_IP
    markerStart = p - 4
  } else {
    return
  }
  if (markerStart + 16 <= end) {
    for (let i = markerStart; i < markerStart + 16; i++) if (body[i] !== 0xff) return
  } else {
    for (let i = 0; i < 16; i++) if (u8(body, markerStart + i, end) !== 0xff) return
  }
  const size = u16(body, markerStart + 16, end)
  const messageEnd = Math.min(markerStart + 18 + Math.max(0, size - 18), end)
  const bodyStart = Math.min(markerStart + 19, messageEnd)
  if (u8(body, markerStart + 18, messageEnd) !== BGP_UPDATE) return
  // The head of W and A lines alike, the letter set by updateLines.
  const head = heads.line
  const h = head.bytes
  const name = FORMAT_BYTES[(et ? 4 : 0) + (local ? 2 : 0) + (addPath ? 1 : 0)]
  let q = writeBytes(h, 0, name, 0, name.length)
  h[q++] = PIPE
  q = text.writeTime(h, q, timestamp, micros, et)
  h[q++] = PIPE
  heads.letterAt = q++
  h[q++] = PIPE
  q = peerLength === 0 ? writeAscii(h, q, '0.0.0.0') : text.writePeer(h, q, body, peerPos, peerLength, end)
  h[q++] = PIPE
  q = writeDecimal(h, q, peerAs)
  h[q++] = PIPE
  head.length = q
  heads.withdraw6 = null
  if (local && afi === AFI_IP && peerPos >= 0) {
    // bgpdump formats this address as IPv6 here: its 4 octets, then zeros.
    const v4 = new Uint8Array(16)
    v4.set(zeros16)
    for (let i = 0; i < 4; i++) v4[i] = u8(body, peerPos + i, end)
    withdraw6.set(FORMAT_NAMES[(et ? 4 : 0) + (local ? 2 : 0) + (addPath ? 1 : 0)] + '|' + text.time(timestamp, micros, et) + '|W|' + formatIpv6At(v4, 0, 16) + '|' + peerAs + '|')
    heads.withdraw6 = withdraw6
  }
  updateLines(out, body, bodyStart, messageEnd, asn4, addPath, heads)
}

function stateLine (text: Bgp4mpText, et: boolean, asnSize: number, time: string, body: Uint8Array, start: number, end: number, length: number): string {
  const name = et ? 'BGP4MP_ET' : 'BGP4MP'
  const peerAs = asnSize === 4 ? u32(body, start, end) : u16(body, start, end)
  let p = start + 2 * asnSize
  if (length === 8) {
    return name + '|' + time + '|STATE|0.0.0.0|' + peerAs + '|' + u16(body, p, end) + '|' + u16(body, p + 2, end) + '\n'
  }
  const afi = u16(body, p + 2, end)
  p += 4
  let peer: string
  if (afi === AFI_IP) {
    if (length !== 20 && length !== 24) return ''
    peer = text.peer(body, p, 4, end)
    p += 8
  } else if (afi === AFI_IP6) {
    if (length !== 44 && length !== 48) return ''
    peer = text.peer(body, p, 16, end)
    p += 32
  } else {
    return ''
  }
  return name + '|' + time + '|STATE|' + peer + '|' + peerAs + '|' + u16(body, p, end) + '|' + u16(body, p + 2, end) + '\n'
}
