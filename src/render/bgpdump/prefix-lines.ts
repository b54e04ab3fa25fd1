// One -m line per prefix of a prefix list (RFC 4271 §4.3 / RFC 4760 §5 wire form), read the way
// bgpdump 1.6.2 reads it (read_prefix_list):
// - with ADD-PATH (the record's subtype says so, whatever the family) each prefix is preceded
//   by a 4-octet path identifier, printed after the prefix;
// - the octets of the prefix are printed as they are: bits past the length are NOT cleared;
// - a prefix running past the end of the list ends it (not printed);
// - a list of more than 2050 prefixes prints its first 2050 (bgpdump's MAX_PREFIXES).
// The line is `head` + prefix [+ '|' + path id] + `tail`; head and tail are encoded once per
// message and copied for every prefix, straight into the output bytes.

import type { AsciiBytes, ByteSink } from './byte-sink.ts'
import { formatIpv6At } from './format-address.ts'

export const MAX_PREFIXES = 2050

const scratch = new Uint8Array(32)
const SLASH = 47
const DOT = 46
const PIPE = 124

/** Decimal digits of `v` (0-4294967295) at `p`; returns the new position. */
function writeDecimal (buf: Uint8Array, p: number, v: number): number {
  if (v < 10) {
    buf[p] = 48 + v
    return p + 1
  }
  if (v < 100) {
    buf[p] = 48 + ((v / 10) | 0)
    buf[p + 1] = 48 + (v % 10)
    return p + 2
  }
  if (v < 1000) {
    buf[p] = 48 + ((v / 100) | 0)
    buf[p + 1] = 48 + (((v / 10) | 0) % 10)
    buf[p + 2] = 48 + (v % 10)
    return p + 3
  }
  let digits = 4
  for (let t = 10000; t <= v && digits < 10; t *= 10) digits++
  for (let i = digits - 1; i >= 0; i--) {
    buf[p + i] = 48 + (v % 10)
    v = Math.floor(v / 10)
  }
  return p + digits
}

/** Per octet value: digit count, then the (up to) 3 digits. */
const OCTET = (() => {
  const t = new Uint8Array(256 * 4)
  for (let v = 0; v < 256; v++) {
    const d = String(v)
    t[v * 4] = d.length
    for (let i = 0; i < d.length; i++) t[v * 4 + 1 + i] = d.charCodeAt(i)
  }
  return t
})()

/** Lines for the prefixes of AFI `afi` (1 IPv4, else IPv6) in `buf[start, end)`. */
export function prefixLines (
  out: ByteSink, buf: Uint8Array, start: number, end: number, afi: number, addPath: boolean, head: AsciiBytes, tail: AsciiBytes
): void {
  if (afi === 1 && !addPath) ipv4Lines(out, buf, start, end, head, tail)
  else anyLines(out, buf, start, end, afi, addPath, head, tail)
}

/**
 * The common case, IPv4 without path identifiers, kept simple for the JIT. The first line in
 * an output buffer is written byte by byte; later ones copy head and tail from it (copyWithin,
 * a memmove, allocates nothing).
 */
function ipv4Lines (out: ByteSink, buf: Uint8Array, start: number, end: number, head: AsciiBytes, tail: AsciiBytes): void {
  const headBytes = head.bytes
  const headLength = head.length
  const tailBytes = tail.bytes
  const tailLength = tail.length
  const room = headLength + tailLength + 20
  let template: Uint8Array | null = null
  let headAt = 0
  let tailAt = 0
  let count = 0
  let p = start
  while (p < end) {
    const bits = buf[p++]
    const octets = (bits + 7) >>> 3
    if (end - p < octets) break
    const at = p
    p += octets
    if (count++ >= MAX_PREFIXES) continue
    out.ensure(room)
    const o = out.buf
    let q = out.pos
    const copy = o === template
    if (copy) {
      o.copyWithin(q, headAt, headAt + headLength)
      q += headLength
    } else {
      headAt = q
      for (let i = 0; i < headLength; i++) o[q++] = headBytes[i]
    }
    for (let i = 0; i < 4; i++) {
      const t = (i < octets ? buf[at + i] : 0) << 2
      o[q] = OCTET[t + 1]
      o[q + 1] = OCTET[t + 2]
      o[q + 2] = OCTET[t + 3]
      q += OCTET[t]
      o[q++] = i < 3 ? DOT : SLASH
    }
    const b = bits << 2
    o[q] = OCTET[b + 1]
    o[q + 1] = OCTET[b + 2]
    o[q + 2] = OCTET[b + 3]
    q += OCTET[b]
    if (copy) {
      o.copyWithin(q, tailAt, tailAt + tailLength)
      q += tailLength
    } else {
      tailAt = q
      for (let i = 0; i < tailLength; i++) o[q++] = tailBytes[i]
      template = o
    }
    out.pos = q
  }
}

function anyLines (
  out: ByteSink, buf: Uint8Array, start: number, end: number, afi: number, addPath: boolean, head: AsciiBytes, tail: AsciiBytes
): void {
  const headBytes = head.bytes
  const headLength = head.length
  const tailBytes = tail.bytes
  const tailLength = tail.length
  let count = 0
  let p = start
  while (p < end) {
    let pathId = 0
    if (addPath) {
      for (let i = 0; i < 4; i++) pathId = pathId * 256 + (p + i < end ? buf[p + i] : 0)
      p = Math.min(p + 4, end)
    }
    const bits = p < end ? buf[p] : 0
    p = Math.min(p + 1, end)
    const octets = (bits + 7) >>> 3
    if (end - p < octets) break
    const at = p
    p += octets
    if (count++ >= MAX_PREFIXES) continue
    const text = afi === 1 ? ipv4Text(buf, at, octets) : ipv6Text(buf, at, octets)
    out.ensure(headLength + tailLength + text.length + 20)
    const o = out.buf
    let q = out.pos
    for (let i = 0; i < headLength; i++) o[q++] = headBytes[i]
    for (let i = 0; i < text.length; i++) o[q++] = text.charCodeAt(i)
    o[q++] = SLASH
    q = writeDecimal(o, q, bits)
    if (addPath) {
      o[q++] = PIPE
      q = writeDecimal(o, q, pathId)
    }
    for (let i = 0; i < tailLength; i++) o[q++] = tailBytes[i]
    out.pos = q
  }
}

function ipv4Text (buf: Uint8Array, at: number, octets: number): string {
  return (octets > 0 ? buf[at] : 0) + '.' + (octets > 1 ? buf[at + 1] : 0) + '.' + (octets > 2 ? buf[at + 2] : 0) + '.' + (octets > 3 ? buf[at + 3] : 0)
}

function ipv6Text (buf: Uint8Array, at: number, octets: number): string {
  scratch.fill(0)
  for (let i = 0; i < octets && i < 32; i++) scratch[i] = buf[at + i]
  return formatIpv6At(scratch, 0, 16)
}
