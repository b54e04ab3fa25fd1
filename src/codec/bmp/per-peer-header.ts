// The per-peer header, RFC 7854 §4.2, with the O flag of RFC 8671 §4 and the Loc-RIB instance
// peer of RFC 9069 §4.1:
//   peer type (1) | peer flags (1) | peer distinguisher (8) | peer address (16) |
//   peer AS (4) | peer BGP ID (4) | timestamp seconds (4) | timestamp microseconds (4)

import { formatIpv4, formatIpv6, parseIp } from '../address.ts'
import { need, putU32, toHex, u32 } from './bytes.ts'
import { LocRibFlag, PER_PEER_HEADER_LENGTH, PeerFlag, PeerType } from './constants.ts'
import { BmpDecodeError } from './errors.ts'
import type { BmpPeerHeader } from './types.ts'

/** True when the peer type uses the V/L/A/O flags of RFC 7854 §4.2 and RFC 8671 §4. */
export function hasAdjRibFlags (peerType: number): boolean {
  return peerType === PeerType.GLOBAL_INSTANCE || peerType === PeerType.RD_INSTANCE || peerType === PeerType.LOCAL_INSTANCE
}

/** Whether the 16-octet address field at `offset` holds an IPv6 address (V flag, or a guess for Loc-RIB). */
export function addressIsIpv6 (buf: Uint8Array, offset: number, peerType: number, flags: number): boolean {
  if (hasAdjRibFlags(peerType)) return (flags & PeerFlag.IPV6) !== 0
  // Loc-RIB (RFC 9069 §4.1: zero-filled) and unknown peer types: no V flag to go by.
  for (let i = offset; i < offset + 12; i++) if (buf[i] !== 0) return true
  return false
}

/**
 * Text of a 16-octet BMP address field (RFC 7854 §4.2: an IPv4 address sits in the last 4
 * octets), IPv6 or not as the caller says.
 */
export function formatBmpAddress (buf: Uint8Array, offset: number, ipv6: boolean): string {
  return ipv6 ? formatIpv6(buf, offset) : formatIpv4(buf, offset + 12)
}

/** Decode the per-peer header at `offset` of the BMP message `buf`. */
export function decodePerPeerHeader (buf: Uint8Array, offset: number, messageType?: number): BmpPeerHeader {
  need(buf, offset, PER_PEER_HEADER_LENGTH, 'per-peer header', messageType)
  const peerType = buf[offset]
  const flags = buf[offset + 1]
  return {
    peerType,
    flags,
    distinguisher: buf.slice(offset + 2, offset + 10),
    address: formatBmpAddress(buf, offset + 10, addressIsIpv6(buf, offset + 10, peerType, flags)),
    asn: u32(buf, offset + 26),
    bgpId: formatIpv4(buf, offset + 30),
    timestampSeconds: u32(buf, offset + 34),
    timestampMicros: u32(buf, offset + 38)
  }
}

/** Write an address as a 16-octet BMP address field at `offset`. */
export function writeBmpAddress (out: Uint8Array, offset: number, address: string): void {
  const bytes = parseIp(address)
  if (bytes === null) throw new TypeError(`not an IP address: ${address}`)
  out.set(bytes, offset + 16 - bytes.length)
}

/** Encode a per-peer header (42 octets). */
export function encodePerPeerHeader (peer: BmpPeerHeader): Uint8Array {
  const out = new Uint8Array(PER_PEER_HEADER_LENGTH)
  if (peer.distinguisher.length !== 8) throw new TypeError('peer distinguisher must be 8 octets')
  out[0] = peer.peerType
  out[1] = peer.flags
  out.set(peer.distinguisher, 2)
  writeBmpAddress(out, 10, peer.address)
  putU32(out, 26, peer.asn)
  const bgpId = parseIp(peer.bgpId)
  if (bgpId === null || bgpId.length !== 4) throw new TypeError(`not a BGP identifier: ${peer.bgpId}`)
  out.set(bgpId, 30)
  putU32(out, 34, peer.timestampSeconds)
  putU32(out, 38, peer.timestampMicros)
  return out
}

/** What a Route Monitoring message of this peer header shows, RFC 7854 §4.2, RFC 8671, RFC 9069. */
export type PeerView = 'adj-rib-in-pre' | 'adj-rib-in-post' | 'adj-rib-out-pre' | 'adj-rib-out-post' | 'loc-rib'

export function peerView (peer: BmpPeerHeader): PeerView {
  if (peer.peerType === PeerType.LOC_RIB_INSTANCE) return 'loc-rib'
  const post = (peer.flags & PeerFlag.POST_POLICY) !== 0
  if ((peer.flags & PeerFlag.ADJ_RIB_OUT) !== 0) return post ? 'adj-rib-out-post' : 'adj-rib-out-pre'
  return post ? 'adj-rib-in-post' : 'adj-rib-in-pre'
}

/** RFC 9069 §4.2: the Loc-RIB is filtered (F flag). */
export function isFilteredLocRib (peer: BmpPeerHeader): boolean {
  return peer.peerType === PeerType.LOC_RIB_INSTANCE && (peer.flags & LocRibFlag.FILTERED) !== 0
}

/**
 * The peer distinguisher as text: RFC 4364 §4.2 route distinguisher types 0 (`asn:n`),
 * 1 (`ip:n`) and 2 (`asn4:n`); anything else as hex. Zero for non-RD peers gives `0:0`.
 */
export function formatDistinguisher (rd: Uint8Array): string {
  if (rd.length !== 8) throw new BmpDecodeError('peer distinguisher must be 8 octets', { bytes: rd })
  const type = (rd[0] << 8) | rd[1]
  if (type === 0) return `${(rd[2] << 8) | rd[3]}:${u32(rd, 4)}`
  if (type === 1) return `${formatIpv4(rd, 2)}:${(rd[6] << 8) | rd[7]}`
  if (type === 2) return `${u32(rd, 2)}:${(rd[6] << 8) | rd[7]}`
  return toHex(rd)
}
