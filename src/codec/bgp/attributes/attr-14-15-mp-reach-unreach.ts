// MP_REACH_NLRI, type code 14, and MP_UNREACH_NLRI, type code 15 (RFC 4760 §3, §4).
// NLRI of IPv4/IPv6 unicast and multicast are decoded; other families keep the raw bytes.
// Next hops: IPv4 (4 octets), IPv6 global (16) or global + link-local (32, RFC 2545 §3),
// and IPv6 next hops for IPv4 NLRI (RFC 8950 §3).
// MRT TABLE_DUMP_V2 RIB entries abbreviate MP_REACH_NLRI to the next hop length and next hop
// (RFC 6396 §4.3.4); some writers still put the full attribute there, so both are accepted.

import { formatIpv4, formatIpv6 } from '../../address.ts'
import { Afi, AttrType, Safi, UpdateErrorSubcode } from '../constants.ts'
import type { DecodeContext } from '../decode-context.ts'
import { hasAddPath } from '../decode-context.ts'
import { ErrorAction } from '../errors.ts'
import type { ByteWriter } from '../byte-writer.ts'
import { decodePrefixes, encodePrefixes } from '../prefix.ts'
import type { PrefixList } from '../types.ts'
import type { MpReachAttribute, MpUnreachAttribute } from '../types.ts'
import { attributeError } from './attribute-error.ts'

const EMPTY = new Uint8Array(0)

/** The families whose NLRI this codec decodes: IPv4 and IPv6, unicast and multicast. */
export function isDecodedFamily (afi: number, safi: number): boolean {
  return (afi === Afi.IPV4 || afi === Afi.IPV6) && (safi === Safi.UNICAST || safi === Safi.MULTICAST)
}

export function decodeMpReach (buf: Uint8Array, start: number, end: number, flags: number, ctx: DecodeContext): MpReachAttribute {
  const length = end - start
  if (ctx.mrtRibEntry === true && length >= 1 && buf[start] + 1 === length) {
    return decodeAbbreviatedMpReach(buf, start, end, flags)
  }
  if (length < 5) {
    throw attributeError(UpdateErrorSubcode.OPTIONAL_ATTRIBUTE_ERROR, length < 3 ? ErrorAction.SESSION_RESET : ErrorAction.AFI_SAFI_DISABLE,
      `MP_REACH_NLRI too short (${length} octets)`)
  }
  const afi = (buf[start] << 8) | buf[start + 1]
  const safi = buf[start + 2]
  const nextHopLength = buf[start + 3]
  const nextHopStart = start + 4
  const reservedAt = nextHopStart + nextHopLength
  if (reservedAt + 1 > end) {
    throw attributeError(UpdateErrorSubcode.OPTIONAL_ATTRIBUTE_ERROR, ErrorAction.AFI_SAFI_DISABLE, `MP_REACH_NLRI next hop length ${nextHopLength} overruns the attribute`)
  }
  const decoded = isDecodedFamily(afi, safi)
  // RFC 7606 §7.11: a next hop length inconsistent with the family makes the attribute malformed.
  if (decoded && !(nextHopLength === 16 || nextHopLength === 32 || (afi === Afi.IPV4 && nextHopLength === 4))) {
    throw attributeError(UpdateErrorSubcode.OPTIONAL_ATTRIBUTE_ERROR, ErrorAction.AFI_SAFI_DISABLE,
      `MP_REACH_NLRI next hop length ${nextHopLength} is not valid for AFI ${afi} SAFI ${safi}`)
  }
  const nlriStart = reservedAt + 1
  return {
    kind: 'mp-reach',
    code: AttrType.MP_REACH_NLRI,
    flags,
    afi,
    safi,
    nextHops: formatNextHops(buf, nextHopStart, nextHopLength),
    nextHopBytes: buf.subarray(nextHopStart, reservedAt),
    reserved: buf[reservedAt],
    nlri: decoded ? checked(decodePrefixes(buf, nlriStart, end, afi, safi, hasAddPath(ctx, afi, safi)), 'MP_REACH_NLRI') : null,
    nlriBytes: buf.subarray(nlriStart, end),
    abbreviated: false
  }
}

/**
 * RFC 6396 §4.3.4: only the next hop length and the next hop. The family is the RIB record's;
 * here it is inferred from the next hop length (4 octets: IPv4, otherwise IPv6) and SAFI unicast.
 */
function decodeAbbreviatedMpReach (buf: Uint8Array, start: number, end: number, flags: number): MpReachAttribute {
  const nextHopLength = buf[start]
  return {
    kind: 'mp-reach',
    code: AttrType.MP_REACH_NLRI,
    flags,
    afi: nextHopLength === 4 ? Afi.IPV4 : Afi.IPV6,
    safi: Safi.UNICAST,
    nextHops: formatNextHops(buf, start + 1, nextHopLength),
    nextHopBytes: buf.subarray(start + 1, end),
    reserved: 0,
    nlri: null,
    nlriBytes: EMPTY,
    abbreviated: true
  }
}

/** RFC 7606 §5.3 and §7.11, RFC 4760 §7: malformed NLRI in an attribute whose AFI/SAFI is known disables that family. */
function checked (list: PrefixList, name: string): PrefixList {
  if (list.trailing === undefined) return list
  throw attributeError(UpdateErrorSubcode.OPTIONAL_ATTRIBUTE_ERROR, ErrorAction.AFI_SAFI_DISABLE, `${name} prefixes are malformed`)
}

function formatNextHops (buf: Uint8Array, start: number, length: number): string[] {
  if (length === 4) return [formatIpv4(buf, start)]
  if (length === 16) return [formatIpv6(buf, start)]
  if (length === 32) return [formatIpv6(buf, start), formatIpv6(buf, start + 16)]
  return []
}

export function decodeMpUnreach (buf: Uint8Array, start: number, end: number, flags: number, ctx: DecodeContext): MpUnreachAttribute {
  if (end - start < 3) {
    throw attributeError(UpdateErrorSubcode.OPTIONAL_ATTRIBUTE_ERROR, ErrorAction.SESSION_RESET, `MP_UNREACH_NLRI too short (${end - start} octets)`)
  }
  const afi = (buf[start] << 8) | buf[start + 1]
  const safi = buf[start + 2]
  const withdrawnStart = start + 3
  return {
    kind: 'mp-unreach',
    code: AttrType.MP_UNREACH_NLRI,
    flags,
    afi,
    safi,
    withdrawn: isDecodedFamily(afi, safi) ? checked(decodePrefixes(buf, withdrawnStart, end, afi, safi, hasAddPath(ctx, afi, safi)), 'MP_UNREACH_NLRI') : null,
    withdrawnBytes: buf.subarray(withdrawnStart, end)
  }
}

/** The value of MP_REACH_NLRI. `nextHopBytes` is what is written; `nlri` when set, else `nlriBytes`. */
export function encodeMpReach (out: ByteWriter, attr: MpReachAttribute): void {
  if (attr.nextHopBytes.length > 255) throw new RangeError('MP_REACH_NLRI next hop longer than 255 octets')
  if (!attr.abbreviated) {
    out.u16(attr.afi)
    out.u8(attr.safi)
  }
  out.u8(attr.nextHopBytes.length)
  out.bytes(attr.nextHopBytes)
  if (attr.abbreviated) return
  out.u8(attr.reserved)
  if (attr.nlri !== null) encodePrefixes(out, attr.nlri)
  else out.bytes(attr.nlriBytes)
}

/** The value of MP_UNREACH_NLRI: `withdrawn` when set, else `withdrawnBytes`. */
export function encodeMpUnreach (out: ByteWriter, attr: MpUnreachAttribute): void {
  out.u16(attr.afi)
  out.u8(attr.safi)
  if (attr.withdrawn !== null) encodePrefixes(out, attr.withdrawn)
  else out.bytes(attr.withdrawnBytes)
}
