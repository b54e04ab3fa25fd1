// The path attributes as bgpdump 1.6.2 reads them (process_attributes), kept to what its -m
// lines print, and the attribute "tail" of a line, built once per attribute list and reused
// for every prefix. Reading rules reproduced from bgpdump, where they differ from RFC 7606:
// - reads past the end of a field give zero octets (bgpdump's stream zero-fills);
// - an attribute longer than what is left ends the list; it is not seen at all;
// - flags are not checked, nothing is treat-as-withdraw, nothing is discarded;
// - a missing ORIGIN prints INCOMPLETE, a missing NEXT_HOP 255.255.255.255, a missing
//   LOCAL_PREF or MED 0, a missing AGGREGATOR an empty field;
// - MP_REACH_NLRI whose first octet is not 0 is taken for the MRT abbreviated form (next hop
//   length, next hop) and filed as IPv6 unicast, whatever the record's family;
// - the MP next hop is read by its length alone (4, 16 or 32 octets; RFC 8950 next hops too);
//   another length reads no address, and bgpdump then leaves fields out of the line;
// - only AFI 1-2 / SAFI 1-3 are kept, the first MP_REACH / MP_UNREACH of each wins;
// - 2-octet sessions merge AS4_PATH into AS_PATH the bgpdump way (as-path.ts), unless both
//   AGGREGATOR and AS4_AGGREGATOR are present and AGGREGATOR is not AS_TRANS (then neither
//   merge happens); 4-octet sessions ignore AS4_PATH and AS4_AGGREGATOR.
// Reading keeps where AS_PATH, AS4_PATH and COMMUNITIES are; their text is written as bytes,
// straight into the tail, only when a line needs it.

import { AS_PATH_ROOM, asPathCount, writeAsPath, writeMergedAsPath } from './as-path.ts'
import { AsciiBytes } from './byte-sink.ts'
import { COMMUNITIES_ROOM, writeCommunities } from './communities.ts'
import { u16, u32, u8 } from './read.ts'
import { formatIpv4At, formatIpv6At } from './format-address.ts'
import { writeAscii, writeDecimal, writeIpv4Number, writeSigned } from './write-bytes.ts'

const AS_TRANS = 23456
const NONE = 0xffffffff
const PIPE = 124

export const Attr = {
  ORIGIN: 1,
  AS_PATH: 2,
  NEXT_HOP: 3,
  MED: 4,
  LOCAL_PREF: 5,
  ATOMIC_AGGREGATE: 6,
  AGGREGATOR: 7,
  COMMUNITIES: 8,
  MP_REACH: 14,
  MP_UNREACH: 15,
  AS4_PATH: 17,
  AS4_AGGREGATOR: 18
} as const

/** Slot of an AFI/SAFI pair in the MP tables: AFI 0-2, SAFI 0-3. */
export function mpSlot (afi: number, safi: number): number {
  return afi * 4 + safi
}

const SLOTS = 12

/** Room a tail may need: AS path, communities and the short fields. */
export const TAIL_ROOM = AS_PATH_ROOM + COMMUNITIES_ROOM + 512

/** AS4_PATH text written only for its AS count. */
const countScratch = new Uint8Array(AS_PATH_ROOM)
/** Tails returned as strings (the record types that build their lines as text). */
const stringTail = new AsciiBytes(TAIL_ROOM)

/** The attributes of one list. One instance is reused: rendering is synchronous. */
export class BgpdumpAttributes {
  /** Bit (type - 1) set for every attribute type 1-32 seen. */
  flags = 0
  origin = 255
  nextHop = NONE
  med = 0
  localPref = 0
  aggregatorAs = 0
  aggregatorAddr = NONE
  /** The buffer the positions below point into. */
  buf: Uint8Array = new Uint8Array(0)
  asn4 = false
  /** AS_PATH (the first one), -1 when absent; AS4_PATH when it is to be merged, else -1. */
  asPathStart = -1
  asPathEnd = -1
  as4PathStart = -1
  as4PathEnd = -1
  /** COMMUNITIES (the last one); an empty range when absent. */
  communitiesStart = 0
  communitiesEnd = 0
  /** MP_REACH_NLRI per slot: 0 absent, else 1 + next hop length; next hop (32 octets) and NLRI bounds. */
  readonly reach = new Int32Array(SLOTS)
  readonly reachNextHop = new Uint8Array(SLOTS * 32)
  readonly reachStart = new Int32Array(SLOTS)
  readonly reachEnd = new Int32Array(SLOTS)
  /** MP_UNREACH_NLRI per slot: 0 absent, 1 present; withdrawn bounds. */
  readonly unreach = new Int32Array(SLOTS)
  readonly unreachStart = new Int32Array(SLOTS)
  readonly unreachEnd = new Int32Array(SLOTS)

  has (type: number): boolean {
    return (this.flags & (1 << (type - 1))) !== 0
  }

  /** bgpdump's describe_origin. */
  originText (): string {
    return this.origin === 0 ? 'IGP' : this.origin === 1 ? 'EGP' : 'INCOMPLETE'
  }

  /** The AS path text (AS4_PATH merged in as bgpdump does) at `out[q]`; returns its end. */
  writeAsPath (out: Uint8Array, q: number): number {
    if (this.asPathStart < 0) return q
    const buf = this.buf
    const end = writeAsPath(out, q, buf, this.asPathStart, this.asPathEnd, this.asn4 ? 4 : 2)
    if (this.as4PathStart < 0) return end
    const pathCount = asPathCount
    writeAsPath(countScratch, 0, buf, this.as4PathStart, this.as4PathEnd, 4)
    const merged = writeMergedAsPath(out, q, buf, this.asPathStart, this.asPathEnd, pathCount, buf, this.as4PathStart, this.as4PathEnd, asPathCount)
    return merged < 0 ? end : merged
  }

  /** `|AS_PATH|ORIGIN|` */
  private pathOrigin (out: Uint8Array, q: number): number {
    out[q++] = PIPE
    q = this.writeAsPath(out, q)
    out[q++] = PIPE
    q = writeAscii(out, q, this.originText())
    out[q++] = PIPE
    return q
  }

  /** `|LOCAL_PREF|MED|` after the next hop; `signed`: printed with %d, as bgpdump does for MP IPv4 NLRI. */
  private prefMed (out: Uint8Array, q: number, signed: boolean): number {
    const pref = this.has(Attr.LOCAL_PREF) ? this.localPref : 0
    const med = this.has(Attr.MED) ? this.med : 0
    out[q++] = PIPE
    q = signed ? writeSigned(out, q, pref) : writeDecimal(out, q, pref)
    out[q++] = PIPE
    q = signed ? writeSigned(out, q, med) : writeDecimal(out, q, med)
    out[q++] = PIPE
    return q
  }

  /** `COMMUNITIES|AG|AGGREGATOR|\n`, the end of every line. */
  private end (out: Uint8Array, q: number): number {
    q = writeCommunities(out, q, this.buf, this.communitiesStart, this.communitiesEnd)
    out[q++] = PIPE
    if (this.has(Attr.ATOMIC_AGGREGATE)) {
      out[q++] = 65 // A
    } else {
      out[q++] = 78 // N
      out[q++] = 65 // A
    }
    out[q++] = 71 // G
    out[q++] = PIPE
    if (this.aggregatorAddr !== NONE) {
      q = writeDecimal(out, q, this.aggregatorAs)
      out[q++] = 32
      q = writeIpv4Number(out, q, this.aggregatorAddr)
    }
    out[q++] = PIPE
    out[q++] = 10
    return q
  }

  /** The MP next hop of a slot as text: 4 octets IPv4, 16 or 32 IPv6 (the global one); else null. */
  mpNextHop (slot: number): string | null {
    const length = this.reach[slot] - 1
    if (length === 4) return formatIpv4At(this.reachNextHop, slot * 32, slot * 32 + 4)
    if (length === 16 || length === 32) return formatIpv6At(this.reachNextHop, slot * 32, slot * 32 + 16)
    return null
  }

  /** Line tail after the prefix for NLRI of the UPDATE's own field: NEXT_HOP attribute. */
  writeTail (tail: AsciiBytes): void {
    tail.reserve(TAIL_ROOM)
    const out = tail.bytes
    let q = this.pathOrigin(out, 0)
    q = writeIpv4Number(out, q, this.nextHop)
    tail.length = this.end(out, this.prefMed(out, q, false))
  }

  /**
   * Tail for IPv4 NLRI of MP_REACH_NLRI: the MP next hop, LOCAL_PREF and MED printed signed;
   * with a next hop of another length than 4, 16, 32 bgpdump leaves out those three fields.
   */
  writeTailMpV4 (tail: AsciiBytes, slot: number): void {
    tail.reserve(TAIL_ROOM)
    const out = tail.bytes
    let q = this.pathOrigin(out, 0)
    const nextHop = this.mpNextHop(slot)
    if (nextHop !== null) q = this.prefMed(out, writeAscii(out, q, nextHop), true)
    tail.length = this.end(out, q)
  }

  /** Tail for IPv6 NLRI of MP_REACH_NLRI; with a next hop of an odd length bgpdump leaves out AS_PATH to MED. */
  writeTailMpV6 (tail: AsciiBytes, slot: number): void {
    tail.reserve(TAIL_ROOM)
    const out = tail.bytes
    const nextHop = this.mpNextHop(slot)
    let q = 0
    if (nextHop === null) out[q++] = PIPE
    else q = this.prefMed(out, writeAscii(out, this.pathOrigin(out, q), nextHop), false)
    tail.length = this.end(out, q)
  }

  /** The tail of writeTail as a string. */
  tail (): string {
    this.writeTail(stringTail)
    return stringTail.toString()
  }

  /** `|AS_PATH|ORIGIN|NEXT_HOP|LOCAL_PREF|MED|COMMUNITIES|AG|AGGREGATOR|\n` with the given next hop text. */
  private tailWith (nextHop: string): string {
    stringTail.reserve(TAIL_ROOM)
    const out = stringTail.bytes
    const q = writeAscii(out, this.pathOrigin(out, 0), nextHop)
    stringTail.length = this.end(out, this.prefMed(out, q, false))
    return stringTail.toString()
  }

  /** Tail of TABLE_DUMP_V2 lines: the MP next hop of IPv6, else IPv4 unicast, else NEXT_HOP. */
  tailRib (): string {
    if (this.has(Attr.MP_REACH)) {
      let slot = mpSlot(2, 1)
      if (this.reach[slot] === 0) slot = mpSlot(1, 1)
      if (this.reach[slot] !== 0) return this.tailWith(this.mpNextHop(slot) ?? '')
    }
    return this.tail()
  }

  /** Tail of TABLE_DUMP lines: the IPv6 unicast MP next hop (as 16 octets), else NEXT_HOP. */
  tailTableDump (): string {
    const slot = mpSlot(2, 1)
    if (this.has(Attr.MP_REACH) && this.reach[slot] !== 0) {
      return this.tailWith(formatIpv6At(this.reachNextHop, slot * 32, slot * 32 + 16))
    }
    return this.tail()
  }

  /**
   * Tail of the deprecated BGP (type 5) lines: bgpdump writes no '|' between MED and
   * COMMUNITIES there, so the two run together.
   */
  tailLegacy (): string {
    stringTail.reserve(TAIL_ROOM)
    const out = stringTail.bytes
    let q = writeIpv4Number(out, this.pathOrigin(out, 0), this.nextHop)
    q = this.prefMed(out, q, false) - 1 // no '|' after MED
    stringTail.length = this.end(out, q)
    return stringTail.toString()
  }

  reset (buf: Uint8Array, asn4: boolean): void {
    // Only MP_REACH_NLRI / MP_UNREACH_NLRI fill the slots, and they set their flags.
    if (this.has(Attr.MP_REACH)) this.reach.fill(0)
    if (this.has(Attr.MP_UNREACH)) this.unreach.fill(0)
    this.flags = 0
    this.origin = 255
    this.nextHop = NONE
    this.med = 0
    this.localPref = 0
    this.aggregatorAs = 0
    this.aggregatorAddr = NONE
    this.buf = buf
    this.asn4 = asn4
    this.asPathStart = -1
    this.asPathEnd = -1
    this.as4PathStart = -1
    this.as4PathEnd = -1
    this.communitiesStart = 0
    this.communitiesEnd = 0
  }
}

/**
 * Read the attribute list at `buf[start, end)` into `attrs`. `asn4`: ASNs in AS_PATH and
 * AGGREGATOR are 4 octets. `addPath`: MP NLRI carry path identifiers (they are read, bgpdump-style,
 * by the prefix line writers).
 */
export function readAttributes (attrs: BgpdumpAttributes, buf: Uint8Array, start: number, end: number, asn4: boolean): void {
  attrs.reset(buf, asn4)
  let asPathStart = -1
  let asPathEnd = -1
  let as4PathStart = -1
  let as4PathEnd = -1
  let as4AggregatorAs = -1
  let as4AggregatorAddr = NONE
  let p = start
  while (p < end) {
    const flag = buf[p]
    const type = u8(buf, p + 1, end)
    let v: number
    let len: number
    if ((flag & 0x10) !== 0) {
      len = u16(buf, p + 2, end)
      v = p + 4
    } else {
      len = u8(buf, p + 2, end)
      v = p + 3
    }
    const e = v + len
    if (e > end) break // "attribute is truncated": ignored, and the list ends
    p = e
    if (type >= 1 && type <= 32) attrs.flags |= 1 << (type - 1)
    switch (type) {
      case Attr.ORIGIN: attrs.origin = u8(buf, v, e); break
      case Attr.AS_PATH:
        if (asPathStart < 0) {
          asPathStart = v
          asPathEnd = e
        }
        break
      case Attr.NEXT_HOP: attrs.nextHop = u32(buf, v, e); break
      case Attr.MED: attrs.med = u32(buf, v, e); break
      case Attr.LOCAL_PREF: attrs.localPref = u32(buf, v, e); break
      case Attr.AGGREGATOR:
        if (asn4) {
          attrs.aggregatorAs = u32(buf, v, e)
          attrs.aggregatorAddr = u32(buf, v + 4, e)
        } else {
          attrs.aggregatorAs = u16(buf, v, e)
          attrs.aggregatorAddr = u32(buf, v + 2, e)
        }
        break
      case Attr.COMMUNITIES:
        attrs.communitiesStart = v
        attrs.communitiesEnd = e
        break
      case Attr.MP_REACH: readMpReach(attrs, buf, v, e); break
      case Attr.MP_UNREACH: readMpUnreach(attrs, buf, v, e); break
      case Attr.AS4_PATH:
        if (as4PathStart < 0) {
          as4PathStart = v
          as4PathEnd = e
        }
        break
      case Attr.AS4_AGGREGATOR:
        as4AggregatorAs = u32(buf, v, e)
        as4AggregatorAddr = u32(buf, v + 4, e)
        break
    }
  }
  attrs.asPathStart = asPathStart
  attrs.asPathEnd = asPathEnd
  if (asn4) return
  if (attrs.has(Attr.AGGREGATOR) && attrs.has(Attr.AS4_AGGREGATOR)) {
    if (attrs.aggregatorAs !== AS_TRANS) return
    attrs.aggregatorAs = as4AggregatorAs
    attrs.aggregatorAddr = as4AggregatorAddr
  }
  if (as4PathStart < 0 || asPathStart < 0) return
  attrs.as4PathStart = as4PathStart
  attrs.as4PathEnd = as4PathEnd
}

/**
 * Read an MP next hop at `p` into the slot, by its length alone (4 IPv4, 16 IPv6, 32 IPv6 and
 * link-local; any other length reads no address); returns where bgpdump's stream is after it.
 */
function readNextHop (attrs: BgpdumpAttributes, slot: number, buf: Uint8Array, p: number, e: number): number {
  const nextHopLength = u8(buf, p, e)
  attrs.reach[slot] = 1 + nextHopLength
  const at = slot * 32
  const octets = nextHopLength === 4 || nextHopLength === 16 || nextHopLength === 32 ? nextHopLength : 0
  for (let i = 0; i < 32; i++) attrs.reachNextHop[at + i] = i < octets ? u8(buf, p + 1 + i, e) : 0
  return Math.min(p + 1 + octets, e)
}

function readMpReach (attrs: BgpdumpAttributes, buf: Uint8Array, v: number, e: number): void {
  // bgpdump looks at the first octet even of an empty attribute.
  if ((v < buf.length ? buf[v] : 0) !== 0) {
    const slot = mpSlot(2, 1)
    if (attrs.reach[slot] !== 0) return
    readNextHop(attrs, slot, buf, v, e)
    attrs.reachStart[slot] = e
    attrs.reachEnd[slot] = e
    return
  }
  const afi = u16(buf, v, e)
  const safi = u8(buf, v + 2, e)
  if (afi > 2 || safi > 3) return
  const slot = mpSlot(afi, safi)
  if (attrs.reach[slot] !== 0) return
  let p = readNextHop(attrs, slot, buf, Math.min(v + 3, e), e)
  // SNPAs (RFC 2858; gone in RFC 4760): a count, then length-prefixed entries.
  let snpa = u8(buf, p, e)
  p = Math.min(p + 1, e)
  for (; snpa > 0; snpa--) p = Math.min(p + 1 + u8(buf, p, e), e)
  attrs.reachStart[slot] = p
  attrs.reachEnd[slot] = e
}

function readMpUnreach (attrs: BgpdumpAttributes, buf: Uint8Array, v: number, e: number): void {
  const afi = u16(buf, v, e)
  const safi = u8(buf, v + 2, e)
  if (afi > 2 || safi > 3) return
  const slot = mpSlot(afi, safi)
  if (attrs.unreach[slot] !== 0) return
  attrs.unreach[slot] = 1
  attrs.unreachStart[slot] = Math.min(v + 3, e)
  attrs.unreachEnd[slot] = e
}
