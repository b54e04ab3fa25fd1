// The deprecated type BGP (5). RFC 6396 §5 only lists it (with NULL, START, DIE, ... BGP4PLUS);
// the layout is the one of the MRTd-era MRT drafts (early draft-ietf-grow-mrt, type BGP), as RIS
// wrote it in 1999-2001 and as bgpdump reads it:
//   UPDATE (1), OPEN (5), NOTIFY (6), KEEPALIVE (7):
//     Source AS (2) | Source IP (4) | Destination AS (2) | Destination IP (4) |
//     the BGP message without its 19-octet header (RFC 4271 §4.1)
//   STATE_CHANGE (3): Peer AS (2) | Peer IP (4) | Old State (2) | New State (2)
// PREF_UPDATE (2), SYNC (4) and NULL (0) are not decoded (record.ts makes them unsupported).
// IPv4 only, 2-octet ASNs only: the format predates both IPv6 peering and 4-octet ASNs.

import { BodyReader } from './body-reader.ts'
import { BgpLegacySubtype } from './types.ts'
import type { BgpLegacyRecord, MrtHeader } from './types.ts'

/** BGP message type (RFC 4271 §4.1) for each legacy message subtype. */
const BGP_TYPE_OF_SUBTYPE: Readonly<Record<number, number>> = {
  [BgpLegacySubtype.OPEN]: 1,
  [BgpLegacySubtype.UPDATE]: 2,
  [BgpLegacySubtype.NOTIFY]: 3,
  [BgpLegacySubtype.KEEPALIVE]: 4
}

const BGP_HEADER_LENGTH = 19
const BGP_MAX_LENGTH = 65535

export function isBgpLegacySupported (subtype: number): boolean {
  return subtype === BgpLegacySubtype.STATE_CHANGE || BGP_TYPE_OF_SUBTYPE[subtype] !== undefined
}

export function decodeBgpLegacy (header: MrtHeader, body: Uint8Array): BgpLegacyRecord {
  const r = new BodyReader(header, body)
  if (header.subtype === BgpLegacySubtype.STATE_CHANGE) {
    const peerAs = r.u16('peer AS')
    const peerIp = r.ipv4('peer address')
    const oldState = r.u16('old state')
    const newState = r.u16('new state')
    if (r.remaining !== 0) throw r.error(r.remaining + ' octets after the new state')
    return { kind: 'bgp-legacy', header, peerAs, peerIp, localAs: 0, localIp: '0.0.0.0', message: null, oldState, newState }
  }
  const bgpType = BGP_TYPE_OF_SUBTYPE[header.subtype]
  if (bgpType === undefined) throw r.error('unsupported BGP (type 5) subtype')
  const peerAs = r.u16('source AS')
  const peerIp = r.ipv4('source address')
  const localAs = r.u16('destination AS')
  const localIp = r.ipv4('destination address')
  const content = r.rest()
  const length = BGP_HEADER_LENGTH + content.length
  if (length > BGP_MAX_LENGTH) throw r.error('BGP message of ' + length + ' octets cannot be rebuilt')
  // Rebuild the RFC 4271 §4.1 header: 16 octets of marker, Length (2), Type (1).
  const message = new Uint8Array(length)
  message.fill(0xff, 0, 16)
  message[16] = length >> 8
  message[17] = length & 0xff
  message[18] = bgpType
  message.set(content, BGP_HEADER_LENGTH)
  return { kind: 'bgp-legacy', header, peerAs, peerIp, localAs, localIp, message, oldState: 0, newState: 0 }
}
