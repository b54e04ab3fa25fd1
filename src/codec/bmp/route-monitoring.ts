// Route Monitoring, RFC 7854 §4.6: per-peer header | one BGP UPDATE PDU. The UPDATE is decoded
// with the DecodeContext the peer's session negotiated (see session-state.ts), because 2- or
// 4-octet AS paths (RFC 6793) and ADD-PATH identifiers (RFC 7911) cannot be told apart by
// looking at the bytes.
//
// A BGP-level problem is not a BMP problem: when the BGP codec rejects the UPDATE the message
// still decodes, with `update: null` and `bgpError` set, and RFC 7606 outcomes short of that stay
// in `update.error`. Only a broken BMP envelope (per-peer header, a PDU that does not fill the
// message, a PDU that is not an UPDATE) throws a BmpDecodeError.

import { MessageType } from '../bgp/constants.ts'
import type { DecodeContext } from '../bgp/decode-context.ts'
import { isBgpDecodeError } from '../bgp/errors.ts'
import type { UpdateMessage } from '../bgp/types.ts'
import { bgpPduLength, decodeBgpPdu } from './bgp-pdu.ts'
import { concat } from './bytes.ts'
import { withCommonHeader } from './common-header.ts'
import { BmpMessageType, COMMON_HEADER_LENGTH, PER_PEER_HEADER_LENGTH } from './constants.ts'
import { BmpDecodeError } from './errors.ts'
import { decodePerPeerHeader, encodePerPeerHeader } from './per-peer-header.ts'
import { contextFor } from './session-state.ts'
import type { BmpSession } from './session-state.ts'
import type { RouteMonitoringMessage, SkippedFamily } from './types.ts'

const TYPE = BmpMessageType.ROUTE_MONITORING

/** MP_REACH/MP_UNREACH attributes whose family the BGP codec kept as raw bytes. */
export function skippedFamilies (update: UpdateMessage): SkippedFamily[] {
  const out: SkippedFamily[] = []
  for (const a of update.attributes) {
    if (a.kind === 'mp-reach' && a.nlri === null) out.push({ afi: a.afi, safi: a.safi, direction: 'reach' })
    else if (a.kind === 'mp-unreach' && a.withdrawn === null) out.push({ afi: a.afi, safi: a.safi, direction: 'unreach' })
  }
  return out
}

/**
 * Decode a whole Route Monitoring message (common header included, length already checked).
 * The context comes from `session` (the peer's Peer Up), or a fallback when the peer is unknown
 * (see `contextFor`); `context` overrides both.
 */
export function decodeRouteMonitoring (buf: Uint8Array, session?: BmpSession, context?: DecodeContext): RouteMonitoringMessage {
  const peer = decodePerPeerHeader(buf, COMMON_HEADER_LENGTH, TYPE)
  const offset = COMMON_HEADER_LENGTH + PER_PEER_HEADER_LENGTH
  const length = bgpPduLength(buf, offset, buf.length, 'route monitoring', TYPE)
  if (offset + length !== buf.length) {
    throw new BmpDecodeError(`route monitoring: ${buf.length - offset - length} octets after the UPDATE`, {
      offset: offset + length, bytes: buf.subarray(offset + length), messageType: TYPE
    })
  }
  if (buf[offset + 18] !== MessageType.UPDATE) {
    throw new BmpDecodeError(`route monitoring: BGP message type ${buf[offset + 18]}, not UPDATE`, {
      offset: offset + 18, bytes: buf.subarray(offset, offset + 19), messageType: TYPE
    })
  }
  const bgp = buf.slice(offset)
  const found = contextFor(session, peer)
  const ctx = context ?? found.context
  const msg: RouteMonitoringMessage = {
    kind: 'route-monitoring', peer, bgp, update: null, skippedFamilies: [], context: ctx, peerKnown: found.known
  }
  try {
    const update = decodeBgpPdu(bgp, ctx) as UpdateMessage
    msg.update = update
    msg.skippedFamilies = skippedFamilies(update)
  } catch (err) {
    if (!isBgpDecodeError(err)) throw err
    msg.bgpError = err
  }
  return msg
}

/** Encode a Route Monitoring message around its raw UPDATE (`bgp`); `update` is not re-encoded. */
export function encodeRouteMonitoring (msg: Pick<RouteMonitoringMessage, 'peer' | 'bgp'>): Uint8Array {
  return withCommonHeader(TYPE, concat([encodePerPeerHeader(msg.peer), msg.bgp]))
}
