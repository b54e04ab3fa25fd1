// NLRI prefix lists: <length, prefix> pairs (RFC 4271 §4.3), each preceded by a 4-octet path
// identifier when ADD-PATH is in use for the family (RFC 7911 §3). Used by the UPDATE
// Withdrawn Routes and NLRI fields and by MP_REACH/MP_UNREACH (RFC 4760 §5).
//
// Decoding is the hot path of the whole service: prefixes go straight to strings through
// lookup tables, into parallel arrays, with no object per prefix.

import { formatIpv6, parseIpv6 } from '../address.ts'
import { Afi } from './constants.ts'
import type { ByteWriter } from './byte-writer.ts'
import type { PrefixList } from './types.ts'

const DECIMAL: readonly string[] = Array.from({ length: 256 }, (_, i) => String(i))
const DECIMAL_DOT: readonly string[] = Array.from({ length: 256 }, (_, i) => i + '.')
const SLASH_LENGTH: readonly string[] = Array.from({ length: 129 }, (_, i) => '/' + i)

/** Scratch space for an IPv6 prefix padded to 16 octets. Decoding is synchronous, so one suffices. */
const ipv6Scratch = new Uint8Array(16)

/** The empty list of a family, for UPDATEs without withdrawn routes or NLRI. */
export function emptyPrefixList (afi: number, safi: number, addPath: boolean): PrefixList {
  return { afi, safi, prefixes: [], pathIds: addPath ? [] : null }
}

/**
 * Decode the prefixes in `buf[start, end)` of an IPv4 or IPv6 family. Never throws: a prefix
 * length beyond the family's maximum or a prefix overrunning the field makes the field
 * malformed (RFC 7606 §5.3); decoding stops there and the rest is kept in `trailing`, for the
 * caller to report and for re-encoding.
 */
export function decodePrefixes (buf: Uint8Array, start: number, end: number, afi: number, safi: number, addPath: boolean): PrefixList {
  const prefixes: string[] = []
  const pathIds: number[] | null = addPath ? [] : null
  const maxBits = afi === Afi.IPV6 ? 128 : 32
  let hostBits = false
  let i = start
  while (i < end) {
    const prefixStart = i
    if (pathIds !== null) {
      if (end - i < 5) return malformed(prefixes, pathIds, afi, safi, hostBits, buf.subarray(prefixStart, end))
      i += 4
    }
    const bits = buf[i++]
    const octets = (bits + 7) >>> 3
    if (bits > maxBits || i + octets > end) return malformed(prefixes, pathIds, afi, safi, hostBits, buf.subarray(prefixStart, end))
    if (pathIds !== null) pathIds.push(((buf[prefixStart] << 24) | (buf[prefixStart + 1] << 16) | (buf[prefixStart + 2] << 8) | buf[prefixStart + 3]) >>> 0)
    // RFC 4271 §4.3: bits past the length are irrelevant, yet kept here to re-encode exactly.
    if ((bits & 7) !== 0 && (buf[i + octets - 1] & (0xff >>> (bits & 7))) !== 0) hostBits = true
    prefixes.push(afi === Afi.IPV6 ? ipv6Prefix(buf, i, octets) : ipv4Prefix(buf, i, octets) + SLASH_LENGTH[bits])
    i += octets
  }
  const list: PrefixList = { afi, safi, prefixes, pathIds }
  if (hostBits) list.hostBits = true
  return list
}

function malformed (
  prefixes: string[], pathIds: number[] | null, afi: number, safi: number, hostBits: boolean, trailing: Uint8Array
): PrefixList {
  const list: PrefixList = { afi, safi, prefixes, pathIds, trailing }
  if (hostBits) list.hostBits = true
  return list
}

function ipv4Prefix (buf: Uint8Array, i: number, octets: number): string {
  switch (octets) {
    case 0: return '0.0.0.0'
    case 1: return DECIMAL_DOT[buf[i]] + '0.0.0'
    case 2: return DECIMAL_DOT[buf[i]] + DECIMAL_DOT[buf[i + 1]] + '0.0'
    case 3: return DECIMAL_DOT[buf[i]] + DECIMAL_DOT[buf[i + 1]] + DECIMAL_DOT[buf[i + 2]] + '0'
    default: return DECIMAL_DOT[buf[i]] + DECIMAL_DOT[buf[i + 1]] + DECIMAL_DOT[buf[i + 2]] + DECIMAL[buf[i + 3]]
  }
}

function ipv6Prefix (buf: Uint8Array, i: number, octets: number): string {
  const bits = buf[i - 1]
  for (let k = 0; k < 16; k++) ipv6Scratch[k] = k < octets ? buf[i + k] : 0
  return formatIpv6(ipv6Scratch, 0) + SLASH_LENGTH[bits]
}

/** Write a prefix list in wire form. Throws RangeError on a prefix that is not valid text. */
export function encodePrefixes (out: ByteWriter, list: PrefixList): void {
  const { prefixes, pathIds } = list
  const ipv6 = list.afi === Afi.IPV6
  for (let n = 0; n < prefixes.length; n++) {
    if (pathIds !== null) out.u32(pathIds[n])
    const text = prefixes[n]
    const slash = text.indexOf('/')
    const bits = slash < 0 ? -1 : Number(text.slice(slash + 1))
    const address = ipv6 ? parseIpv6(text.slice(0, slash)) : parseIpv4Fast(text, slash)
    if (address === null || !Number.isInteger(bits) || bits < 0 || bits > address.length * 8) {
      throw new RangeError(`not a prefix of AFI ${list.afi}: ${text}`)
    }
    const octets = (bits + 7) >>> 3
    out.u8(bits)
    out.bytes(address.subarray(0, octets))
  }
  if (list.trailing !== undefined) out.bytes(list.trailing)
}

const ipv4Scratch = new Uint8Array(4)

/** Parse the dotted quad in `text[0, end)` without allocating; null when it is not one. */
function parseIpv4Fast (text: string, end: number): Uint8Array | null {
  let octet = 0
  let value = 0
  let digits = 0
  for (let i = 0; i <= end; i++) {
    const c = i === end ? 46 : text.charCodeAt(i)
    if (c === 46) {
      if (digits === 0 || value > 255 || octet > 3) return null
      ipv4Scratch[octet++] = value
      value = 0
      digits = 0
    } else if (c >= 48 && c <= 57 && digits < 3) {
      value = value * 10 + c - 48
      digits++
    } else {
      return null
    }
  }
  return octet === 4 ? ipv4Scratch : null
}
