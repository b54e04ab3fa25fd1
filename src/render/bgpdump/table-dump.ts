// TABLE_DUMP (12) records (RFC 6396 §4.2) as bgpdump 1.6.2 -m prints them, one line per entry:
//   TABLE_DUMP|<dump time>|B|<peer ip>|<peer as>|<prefix>/<length>|<as path>|<origin>|<next hop>|<local pref>|<med>|<communities>|<AG|NAG>|[<aggregator>]|
// Subtypes 1-4 (IPv4, IPv6, and bgpdump's IPv4/IPv6 with 4-octet peer AS); attributes use
// 2-octet ASNs except in 3 and 4. Only subtype 2 prints IPv6 text: subtype 4 prints the first 4
// octets of its IPv6 addresses as a dotted quad, as bgpdump does. The prefix is printed with all
// its octets, host bits included. The next hop is MP_REACH_NLRI's IPv6 one if there is one.
//
// `blocks`: the record holds View and Sequence once and then entries back to back, as in files
// with the TABLE_DUMP length bug (src/codec/mrt/table-dump.ts). bgpdump reads such a file wrong
// and stops after its first line; we print every entry.

import { readAttributes } from './attributes.ts'
import { updateAttributes } from './update-lines.ts'
import { formatIpv4At, formatIpv6At } from './format-address.ts'
import { u16, u32, u8 } from './read.ts'

/** The -m lines of a TABLE_DUMP record; `body` excludes the 12-octet MRT header. */
export function tableDumpLines (subtype: number, timestamp: number, body: Uint8Array, blocks: boolean): string {
  if (subtype < 1 || subtype > 4) return ''
  const end = body.length
  const width = subtype === 2 || subtype === 4 ? 16 : 4
  const asn4 = subtype >= 3
  const head = 'TABLE_DUMP|' + timestamp + '|B|'
  let out = ''
  let p = 4
  let more = true
  while (more) {
    const prefixAt = p
    const bits = u8(body, p + width, end)
    const peerAt = p + width + 6
    p = peerAt + width
    const peerAs = asn4 ? u32(body, p, end) : u16(body, p, end)
    p += asn4 ? 4 : 2
    const attributesLength = u16(body, p, end)
    const attributesStart = Math.min(p + 2, end)
    const attributesEnd = Math.min(attributesStart + attributesLength, end)
    p = attributesStart + attributesLength
    readAttributes(updateAttributes, body, attributesStart, attributesEnd, asn4)
    const ipv6Text = subtype === 2
    const peer = ipv6Text ? formatIpv6At(body, peerAt, end) : formatIpv4At(body, peerAt, end)
    const prefix = ipv6Text ? formatIpv6At(body, prefixAt, end) : formatIpv4At(body, prefixAt, end)
    out += head + peer + '|' + peerAs + '|' + prefix + '/' + bits + updateAttributes.tailTableDump()
    more = blocks && p < end
  }
  return out
}
