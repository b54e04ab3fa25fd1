// Where the routes of a whole UPDATE message (header included) are: Withdrawn Routes and NLRI
// (RFC 4271 §4.3, IPv4 unicast), the NLRI of MP_REACH_NLRI (RFC 4760 §3) and the withdrawn
// routes of MP_UNREACH_NLRI (§4). The Adj-RIB-In reads prefix keys straight from these octets
// (prefix-key.ts) instead of parsing the record's prefix text.
import { AttrFlag, AttrType, HEADER_LENGTH } from '../../codec/bgp/constants.ts'

/** The families the Adj-RIB-In keeps, by index. */
export const FAMILY_NAMES = ['ipv4-unicast', 'ipv6-unicast', 'ipv4-multicast', 'ipv6-multicast'] as const

/** Index in FAMILY_NAMES of an AFI/SAFI, or -1 for a family records do not carry. */
export function familyIndex (afi: number, safi: number): number {
  if ((afi !== 1 && afi !== 2) || (safi !== 1 && safi !== 2)) return -1
  return (afi - 1) + (safi - 1) * 2
}

/** Offsets into one message; an absent field is empty. */
export class NlriFields {
  withdrawnStart = 0
  withdrawnEnd = 0
  nlriStart = 0
  nlriEnd = 0
  reachAfi = 0
  reachSafi = 0
  reachStart = 0
  reachEnd = 0
  unreachAfi = 0
  unreachSafi = 0
  unreachStart = 0
  unreachEnd = 0

  /** Find the fields of `msg`; false when its layout is broken or it has two MP_REACH or MP_UNREACH. */
  locate (msg: Uint8Array): boolean {
    const end = msg.length
    if (end < HEADER_LENGTH + 4) return false
    this.withdrawnStart = HEADER_LENGTH + 2
    this.withdrawnEnd = this.withdrawnStart + ((msg[HEADER_LENGTH] << 8) | msg[HEADER_LENGTH + 1])
    if (this.withdrawnEnd + 2 > end) return false
    let i = this.withdrawnEnd + 2
    const attrEnd = i + ((msg[this.withdrawnEnd] << 8) | msg[this.withdrawnEnd + 1])
    if (attrEnd > end) return false
    this.nlriStart = attrEnd
    this.nlriEnd = end
    this.reachStart = this.reachEnd = this.unreachStart = this.unreachEnd = 0
    let reach = false
    let unreach = false
    while (i < attrEnd) {
      if (i + 3 > attrEnd) return false
      const flags = msg[i]
      const type = msg[i + 1]
      const extended = (flags & AttrFlag.EXTENDED_LENGTH) !== 0
      if (extended && i + 4 > attrEnd) return false
      const valueStart = i + (extended ? 4 : 3)
      const next = valueStart + (extended ? (msg[i + 2] << 8) | msg[i + 3] : msg[i + 2])
      if (next > attrEnd) return false
      if (type === AttrType.MP_REACH_NLRI) {
        // AFI (2), SAFI (1), Next Hop Length (1), Next Hop, Reserved (1), NLRI.
        if (reach || next - valueStart < 5) return false
        reach = true
        this.reachAfi = (msg[valueStart] << 8) | msg[valueStart + 1]
        this.reachSafi = msg[valueStart + 2]
        this.reachStart = valueStart + 4 + msg[valueStart + 3] + 1
        this.reachEnd = next
        if (this.reachStart > next) return false
      } else if (type === AttrType.MP_UNREACH_NLRI) {
        // AFI (2), SAFI (1), Withdrawn Routes.
        if (unreach || next - valueStart < 3) return false
        unreach = true
        this.unreachAfi = (msg[valueStart] << 8) | msg[valueStart + 1]
        this.unreachSafi = msg[valueStart + 2]
        this.unreachStart = valueStart + 3
        this.unreachEnd = next
      }
      i = next
    }
    return true
  }
}

/**
 * Prefixes in `buf[start, end)` (RFC 4271 §4.3, with 4-octet path identifiers under ADD-PATH,
 * RFC 7911 §3), or -1 when the field is malformed.
 */
export function countPrefixes (buf: Uint8Array, start: number, end: number, addPath: boolean, maxBits: number): number {
  let n = 0
  let i = start
  while (i < end) {
    if (addPath) i += 4
    if (i >= end) return -1
    const bits = buf[i]
    if (bits > maxBits) return -1
    i += 1 + ((bits + 7) >>> 3)
    if (i > end) return -1
    n++
  }
  return n
}
