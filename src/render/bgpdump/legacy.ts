// The deprecated BGP (5) type, MRTd / RIS 1999-2001 (RFC 6396 §5.2 lists it), as bgpdump 1.6.2
// -m prints it. Only UPDATE (1) and STATE_CHANGE (3) print:
//   BGP|<time>|W|<source ip>|<source as>|<prefix>
//   BGP|<time>|A|<source ip>|<source as>|<prefix>|<as path>|<origin>|<next hop>|<local pref>|<med><communities>|<AG|NAG>|[<aggregator>]|
//   BGP|<time>|STATE|<peer ip>|<peer as>|<old state>|<new state>
// (no '|' between MED and communities: bgpdump's format string has none). Only the UPDATE's own
// Withdrawn Routes and NLRI fields print; MP_REACH / MP_UNREACH are read but not printed.

import { AsciiBytes } from './byte-sink.ts'
import type { ByteSink } from './byte-sink.ts'
import { formatIpv4At } from './format-address.ts'
import { prefixLines } from './prefix-lines.ts'
import { u16 } from './read.ts'
import { readUpdate } from './update-lines.ts'

const bounds = new Int32Array(4)
const head = new AsciiBytes()
const tail = new AsciiBytes()

/** The -m lines of a BGP (type 5) record into `out`; `body` excludes the 12-octet MRT header. */
export function legacyLines (out: ByteSink, subtype: number, timestamp: number, body: Uint8Array): void {
  const end = body.length
  if (subtype === 3) {
    out.ascii('BGP|' + timestamp + '|STATE|' + formatIpv4At(body, 2, end) + '|' + u16(body, 0, end) + '|' +
      u16(body, 6, end) + '|' + u16(body, 8, end) + '\n')
    return
  }
  if (subtype !== 1) return
  const source = '|' + formatIpv4At(body, 2, end) + '|' + u16(body, 0, end) + '|'
  const attrs = readUpdate(body, Math.min(12, end), end, false, bounds)
  head.set('BGP|' + timestamp + '|W' + source)
  tail.set('\n')
  prefixLines(out, body, bounds[0], bounds[1], 1, false, head, tail)
  if (bounds[3] > bounds[2]) {
    head.set('BGP|' + timestamp + '|A' + source)
    tail.set(attrs.tailLegacy())
    prefixLines(out, body, bounds[2], bounds[3], 1, false, head, tail)
  }
}
