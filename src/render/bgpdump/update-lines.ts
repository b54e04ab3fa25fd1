// The -m lines of one UPDATE body (RFC 4271 §4.3), in bgpdump 1.6.2's order: withdrawals
// (Withdrawn Routes, then MP_UNREACH_NLRI of IPv4 unicast, multicast, both, IPv6 unicast,
// multicast, both), then announcements (NLRI, then MP_REACH_NLRI in the same family order).
// Each field is bounded the way bgpdump bounds it: a length running past the message is cut at
// the end of the message.

import { Attr, BgpdumpAttributes, mpSlot, readAttributes, TAIL_ROOM } from './attributes.ts'
import { AsciiBytes } from './byte-sink.ts'
import type { ByteSink } from './byte-sink.ts'
import { prefixLines } from './prefix-lines.ts'
import { u16 } from './read.ts'

/** The attributes of the latest UPDATE read; rendering is synchronous, so one suffices. */
export const updateAttributes = new BgpdumpAttributes()

export interface UpdateHeads {
  /** Line start up to and including the '|' before the prefix, for W and A lines alike ... */
  line: AsciiBytes
  /** ... but for the letter at this index, set to W or A here. */
  letterAt: number
  /** For IPv6 withdrawals, when bgpdump formats the peer differently there (see bgp4mp.ts); else null. */
  withdraw6: AsciiBytes | null
}

const LETTER_W = 87
const LETTER_A = 65

const NEWLINE = new AsciiBytes()
NEWLINE.set('\n')
const tail = new AsciiBytes(TAIL_ROOM)

/** Read the UPDATE body at `buf[start, end)`; returns the field bounds in `bounds`. */
export function readUpdate (buf: Uint8Array, start: number, end: number, asn4: boolean, bounds: Int32Array): BgpdumpAttributes {
  const withdrawnLength = u16(buf, start, end)
  const withdrawnStart = Math.min(start + 2, end)
  const withdrawnEnd = Math.min(withdrawnStart + withdrawnLength, end)
  const attributesLength = u16(buf, withdrawnEnd, end)
  const attributesStart = Math.min(withdrawnEnd + 2, end)
  const attributesEnd = Math.min(attributesStart + attributesLength, end)
  readAttributes(updateAttributes, buf, attributesStart, attributesEnd, asn4)
  bounds[0] = withdrawnStart
  bounds[1] = withdrawnEnd
  bounds[2] = attributesEnd
  bounds[3] = end
  return updateAttributes
}

const bounds = new Int32Array(4)

/** All W and A lines of the UPDATE body at `buf[start, end)` of a BGP4MP record, into `out`. */
export function updateLines (
  out: ByteSink, buf: Uint8Array, start: number, end: number, asn4: boolean, addPath: boolean, heads: UpdateHeads
): void {
  const attrs = readUpdate(buf, start, end, asn4, bounds)
  const head = heads.line
  head.bytes[heads.letterAt] = LETTER_W
  prefixLines(out, buf, bounds[0], bounds[1], 1, addPath, head, NEWLINE)
  if (attrs.has(Attr.MP_UNREACH)) {
    for (let afi = 1; afi <= 2; afi++) {
      for (let safi = 1; safi <= 3; safi++) {
        const slot = mpSlot(afi, safi)
        if (attrs.unreach[slot] === 0) continue
        prefixLines(out, buf, attrs.unreachStart[slot], attrs.unreachEnd[slot], afi, addPath, afi === 1 ? head : heads.withdraw6 ?? head, NEWLINE)
      }
    }
  }
  head.bytes[heads.letterAt] = LETTER_A
  if (bounds[3] > bounds[2]) {
    attrs.writeTail(tail)
    prefixLines(out, buf, bounds[2], bounds[3], 1, addPath, head, tail)
  }
  if (attrs.has(Attr.MP_REACH)) {
    for (let afi = 1; afi <= 2; afi++) {
      for (let safi = 1; safi <= 3; safi++) {
        const slot = mpSlot(afi, safi)
        if (attrs.reach[slot] === 0 || attrs.reachStart[slot] >= attrs.reachEnd[slot]) continue
        if (afi === 1) attrs.writeTailMpV4(tail, slot)
        else attrs.writeTailMpV6(tail, slot)
        prefixLines(out, buf, attrs.reachStart[slot], attrs.reachEnd[slot], afi, addPath, head, tail)
      }
    }
  }
}
