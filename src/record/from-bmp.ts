// What BMP (RFC 7854) adds to a record: the vantage point from the per-peer header, the router
// that exported the message, and the RIB view it came from. The BMP station decodes the UPDATE
// of a Route Monitoring message and calls updateToRecord with the meta made here; Peer Up and
// Peer Down become peer_state records.
import { PeerDownReason, PeerFlag, PeerType } from '../codec/bmp/constants.ts'
import type { BmpPeerHeader, PeerDownMessage, PeerUpMessage } from '../codec/bmp/types.ts'
import { formatIpv4 } from '../codec/address.ts'
import { makePeerStateRecord } from './build.ts'
import { toHex } from './format.ts'
import type { BmpRouter, BmpView, PeerStateRecord, RecordMeta } from './types.ts'

/** The BMP station's side of the meta: who it is and which router the session is with. */
export interface BmpStation {
  source: string
  router: { ip: string, asn?: number, name?: string }
}

/**
 * The RIB a per-peer header's message was taken from: Loc-RIB (RFC 9069 §4.1 peer type 3),
 * Adj-RIB-Out when the O flag is set (RFC 8671 §4), else Adj-RIB-In; pre- or post-policy by
 * the L flag (RFC 7854 §4.2).
 */
export function bmpView (peerType: number, flags: number): BmpView {
  if (peerType === PeerType.LOC_RIB_INSTANCE) return 'loc-rib'
  const post = (flags & PeerFlag.POST_POLICY) !== 0
  if ((flags & PeerFlag.ADJ_RIB_OUT) !== 0) return post ? 'adj-rib-out-post' : 'adj-rib-out-pre'
  return post ? 'adj-rib-in-post' : 'adj-rib-in-pre'
}

/**
 * A route distinguisher as text (RFC 4364 §4.2): type 0 `asn2:n4`, type 1 `ipv4:n2`, type 2
 * `asn4:n2`; other types as 16 hex digits.
 */
export function formatRouteDistinguisher (rd: Uint8Array): string {
  if (rd.length !== 8) return toHex(rd)
  const type = (rd[0] << 8) | rd[1]
  const u16 = (i: number): number => (rd[i] << 8) | rd[i + 1]
  const u32 = (i: number): number => ((rd[i] << 24) | (rd[i + 1] << 16) | (rd[i + 2] << 8) | rd[i + 3]) >>> 0
  switch (type) {
    case 0: return String(u16(2)) + ':' + String(u32(4))
    case 1: return formatIpv4(rd, 2) + ':' + String(u16(6))
    case 2: return String(u32(2)) + ':' + String(u16(6))
    default: return toHex(rd)
  }
}

/**
 * The meta of a record from a BMP per-peer header (RFC 7854 §4.2). The time is the header's
 * when the router set one, else `receivedUs`. The vantage point is the monitored peer; for the
 * Loc-RIB peer (RFC 9069), whose address is zero, the routes are the router's own, so it is the
 * router's address with the AS of the header.
 */
export function bmpMeta (peer: BmpPeerHeader, station: BmpStation, receivedUs: number): RecordMeta {
  const router: BmpRouter = { ip: station.router.ip } as BmpRouter
  if (station.router.asn !== undefined) router.asn = station.router.asn
  if (station.router.name !== undefined) router.name = station.router.name
  router.view = bmpView(peer.peerType, peer.flags)
  // RFC 9069 §4.1: a Loc-RIB peer's distinguisher names the VRF/table when it is not zero.
  const namesTable = peer.peerType === PeerType.LOC_RIB_INSTANCE && peer.distinguisher.some((b) => b !== 0)
  if (peer.peerType === PeerType.RD_INSTANCE || namesTable) router.rd = formatRouteDistinguisher(peer.distinguisher)
  const time_us = peer.timestampSeconds !== 0 ? peer.timestampSeconds * 1_000_000 + peer.timestampMicros : receivedUs
  const vp = peer.peerType === PeerType.LOC_RIB_INSTANCE
    ? { ip: station.router.ip, asn: peer.asn }
    : { ip: peer.address, asn: peer.asn }
  return { time_us, source: station.source, vp, router }
}

/** RFC 7854 §4.10 Peer Up: the session reached Established. */
export function peerUpToRecord (msg: PeerUpMessage, station: BmpStation, receivedUs: number): PeerStateRecord {
  return makePeerStateRecord(bmpMeta(msg.peer, station, receivedUs), 'Idle', 'Established')
}

const DOWN_REASONS: Record<number, string> = {
  [PeerDownReason.LOCAL_NOTIFICATION]: 'local system closed the session with a NOTIFICATION',
  [PeerDownReason.LOCAL_NO_NOTIFICATION]: 'local system closed the session without a NOTIFICATION',
  [PeerDownReason.REMOTE_NOTIFICATION]: 'remote system closed the session with a NOTIFICATION',
  [PeerDownReason.REMOTE_NO_NOTIFICATION]: 'remote system closed the session without a NOTIFICATION',
  [PeerDownReason.PEER_DECONFIGURED]: 'peer de-configured',
  [PeerDownReason.LOCAL_TLV]: 'local system closed the session'
}

/** RFC 7854 §4.9 Peer Down: the session left Established; the reason in words. */
export function peerDownToRecord (msg: PeerDownMessage, station: BmpStation, receivedUs: number): PeerStateRecord {
  let reason = DOWN_REASONS[msg.reason] ?? `reason ${msg.reason}`
  if (msg.notification !== undefined) reason += ` (code ${msg.notification.code}, subcode ${msg.notification.subcode})`
  else if (msg.fsmEvent !== undefined && msg.fsmEvent !== 0) reason += ` (FSM event ${msg.fsmEvent})`
  return makePeerStateRecord(bmpMeta(msg.peer, station, receivedUs), 'Established', 'Idle', reason)
}
