// TABLE_DUMP_V2 (13) records (RFC 6396 §4.3, RFC 8050 §4) as bgpdump 1.6.2 -m prints them.
// PEER_INDEX_TABLE prints nothing and is kept for the RIB records after it. RIB_IPV4_UNICAST,
// RIB_IPV6_UNICAST and their _ADDPATH variants print one line per RIB entry:
//   TABLE_DUMP2[_AP]|<dump time>|B|<peer ip>|<peer as>|<prefix>[|<path id>]|<as path>|<origin>|<next hop>|<local pref>|<med>|<communities>|<AG|NAG>|[<aggregator>]|
// bgpdump prints nothing for the multicast and RIB_GENERIC subtypes; neither do we.
// Prefixes keep their host bits. Attributes use 4-octet ASNs. The next hop is MP_REACH_NLRI's
// (abbreviated, RFC 6396 §4.3.4, or not) when there is one, else NEXT_HOP.
// An entry whose peer index is not in the PEER_INDEX_TABLE (GoBGP writes them) makes bgpdump
// abort; we leave the entry out and count it in `unknownPeerIndex`.

import { readAttributes } from './attributes.ts'
import { updateAttributes } from './update-lines.ts'
import { formatIpv4At, formatIpv6At } from './format-address.ts'
import { u16, u32, u8 } from './read.ts'

export interface PeerText {
  /** `|<peer ip>|<peer as>|` */
  text: string
}

/** The peers of a PEER_INDEX_TABLE, as the text of their line fields. */
export function readPeerIndexTable (body: Uint8Array): PeerText[] {
  const end = body.length
  const nameLength = u16(body, 4, end)
  // bgpdump skips no name of 255 octets or more (it warns and reads the count from the name).
  let p = nameLength + 1 > 255 ? 6 : 6 + nameLength
  const count = u16(body, p, end)
  p += 2
  const peers: PeerText[] = new Array(count)
  for (let i = 0; i < count; i++) {
    const type = u8(body, p, end)
    p += 5
    let ip: string
    if ((type & 1) !== 0) {
      ip = formatIpv6At(body, p, end)
      p += 16
    } else {
      ip = formatIpv4At(body, p, end)
      p += 4
    }
    let asn: number
    if ((type & 2) !== 0) {
      asn = u32(body, p, end)
      p += 4
    } else {
      asn = u16(body, p, end)
      p += 2
    }
    peers[i] = { text: '|' + ip + '|' + asn + '|' }
  }
  return peers
}

export interface RibLinesResult {
  lines: string
  unknownPeerIndex: number
}

const scratch = new Uint8Array(32)

/** The -m lines of a RIB record; `peers` from the latest PEER_INDEX_TABLE (null: none yet). */
export function ribLines (subtype: number, timestamp: number, body: Uint8Array, peers: PeerText[] | null, result: RibLinesResult): void {
  result.lines = ''
  result.unknownPeerIndex = 0
  const ipv4 = subtype === 2 || subtype === 8
  if (!ipv4 && subtype !== 4 && subtype !== 10) return
  const addPath = subtype >= 8
  const end = body.length
  const bits = u8(body, 4, end)
  const octets = (bits + 7) >>> 3
  scratch.fill(0)
  for (let i = 0; i < octets && i < 32; i++) scratch[i] = u8(body, 5 + i, end)
  const prefix = (ipv4 ? formatIpv4At(scratch, 0, 4) : formatIpv6At(scratch, 0, 16)) + '/' + bits
  let p = 5 + octets
  const count = u16(body, p, end)
  p += 2
  const head = (addPath ? 'TABLE_DUMP2_AP|' : 'TABLE_DUMP2|') + timestamp + '|B'
  let out = ''
  for (let i = 0; i < count; i++) {
    const index = u16(body, p, end)
    p += 6
    let pathId = ''
    if (addPath) {
      pathId = '|' + u32(body, p, end)
      p += 4
    }
    const attributesLength = u16(body, p, end)
    const attributesStart = Math.min(p + 2, end)
    const attributesEnd = Math.min(attributesStart + attributesLength, end)
    p = attributesStart + attributesLength
    if (peers === null || index >= peers.length) {
      result.unknownPeerIndex++
      continue
    }
    readAttributes(updateAttributes, body, attributesStart, attributesEnd, true)
    out += head + peers[index].text + prefix + pathId + updateAttributes.tailRib()
  }
  result.lines = out
}
