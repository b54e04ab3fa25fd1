// One -m line per prefix of a prefix list (RFC 4271 §4.3 / RFC 4760 §5 wire form), read the way
// bgpdump 1.6.2 reads it (read_prefix_list):
// - with ADD-PATH (the record's subtype says so, whatever the family) each prefix is preceded
//   by a 4-octet path identifier, printed after the prefix;
// - the octets of the prefix are printed as they are: bits past the length are NOT cleared;
// - a prefix running past the end of the list ends it (not printed);
// - a list of more than 2050 prefixes prints its first 2050 (bgpdump's MAX_PREFIXES).
// The line is `head` + prefix [+ '|' + path id] + `tail`; head and tail are encoded once per
// message and copied for every prefix (Uint8Array.prototype.set), straight into the output bytes.

import type { AsciiBytes, ByteSink } from './byte-sink.ts'
import { formatIpv6At } from './format-address.ts'
import { OCTET_DIGITS as OCTET, writeDecimal } from './write-bytes.ts'

export const MAX_PREFIXES = 2050

const scratch = new Uint8Array(32)
const SLASH = 47
const DOT = 46
const PIPE = 124

/** Lines for the prefixes of AFI `afi` (1 IPv4, else IPv6) in `buf[start, end)`. */
export function prefixLines (
  out: ByteSink, buf: Uint8Array, start: number, end: number, afi: number, addPath: boolean, head: AsciiBytes, tail: AsciiBytes
): void {
  if (afi === 1 && !addPath) ipv4Lines(out, buf, start, end, head, tail)
  else anyLines(out, buf, start, end, afi, addPath, head, tail)
}

/**
 * The common case, IPv4 without path identifiers, kept simple for the JIT: the output array and
 * position live in locals between lines. From the second line on, the tail of the line before
 * and the head of the next are copied at once (tail.viewWith(head)), and the last line's tail
 * after the loop.
 */
function ipv4Lines (out: ByteSink, buf: Uint8Array, start: number, end: number, head: AsciiBytes, tail: AsciiBytes): void {
  const headBytes = head.view()
  const headLength = headBytes.length
  const tailBytes = tail.view()
  const tailLength = tailBytes.length
  let joined: Uint8Array | null = null
  const room = headLength + 2 * tailLength + 24
  out.ensure(room)
  let o = out.buf
  let q = out.pos
  let limit = o.length - room
  let open = false
  let count = 0
  let p = start
  while (p < end) {
    const bits = buf[p++]
    const octets = (bits + 7) >>> 3
    if (end - p < octets) break
    const at = p
    p += octets
    if (count++ >= MAX_PREFIXES) continue
    if (q > limit) {
      if (open) {
        o.set(tailBytes, q)
        q += tailLength
        open = false
      }
      out.pos = q
      out.ensure(room)
      o = out.buf
      q = out.pos
      limit = o.length - room
    }
    if (open) {
      if (joined === null) joined = tail.viewWith(headBytes)
      o.set(joined, q)
      q += tailLength + headLength
    } else {
      o.set(headBytes, q)
      q += headLength
      open = true
    }
    let t = (octets > 0 ? buf[at] : 0) << 2
    o[q] = OCTET[t + 1]
    o[q + 1] = OCTET[t + 2]
    o[q + 2] = OCTET[t + 3]
    q += OCTET[t]
    o[q++] = DOT
    t = (octets > 1 ? buf[at + 1] : 0) << 2
    o[q] = OCTET[t + 1]
    o[q + 1] = OCTET[t + 2]
    o[q + 2] = OCTET[t + 3]
    q += OCTET[t]
    o[q++] = DOT
    t = (octets > 2 ? buf[at + 2] : 0) << 2
    o[q] = OCTET[t + 1]
    o[q + 1] = OCTET[t + 2]
    o[q + 2] = OCTET[t + 3]
    q += OCTET[t]
    o[q++] = DOT
    t = (octets > 3 ? buf[at + 3] : 0) << 2
    o[q] = OCTET[t + 1]
    o[q + 1] = OCTET[t + 2]
    o[q + 2] = OCTET[t + 3]
    q += OCTET[t]
    o[q++] = SLASH
    t = bits << 2
    o[q] = OCTET[t + 1]
    o[q + 1] = OCTET[t + 2]
    o[q + 2] = OCTET[t + 3]
    q += OCTET[t]
  }
  if (open) {
    o.set(tailBytes, q)
    q += tailLength
  }
  out.pos = q
}

function anyLines (
  out: ByteSink, buf: Uint8Array, start: number, end: number, afi: number, addPath: boolean, head: AsciiBytes, tail: AsciiBytes
): void {
  const headBytes = head.view()
  const headLength = headBytes.length
  const tailBytes = tail.view()
  const tailLength = tailBytes.length
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
    o.set(headBytes, q)
    q += headLength
    for (let i = 0; i < text.length; i++) o[q++] = text.charCodeAt(i)
    o[q++] = SLASH
    q = writeDecimal(o, q, bits)
    if (addPath) {
      o[q++] = PIPE
      q = writeDecimal(o, q, pathId)
    }
    o.set(tailBytes, q)
    out.pos = q + tailLength
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
