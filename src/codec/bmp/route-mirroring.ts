// Route Mirroring, RFC 7854 §4.7: per-peer header | TLVs, where type 0 holds a whole BGP PDU
// (often one the router found errored) and type 1 a 2-octet information code (0 errored PDU,
// 1 messages lost). Mirrored PDUs are decoded with the peer's context; failing that they stay raw.

import type { DecodeContext } from '../bgp/decode-context.ts'
import { isBgpDecodeError } from '../bgp/errors.ts'
import { bgpPduLength, decodeBgpPdu } from './bgp-pdu.ts'
import { concat, putU16, u16 } from './bytes.ts'
import { withCommonHeader } from './common-header.ts'
import { BmpMessageType, COMMON_HEADER_LENGTH, MirroringTlvType, PER_PEER_HEADER_LENGTH } from './constants.ts'
import { BmpDecodeError } from './errors.ts'
import { decodePerPeerHeader, encodePerPeerHeader } from './per-peer-header.ts'
import { contextFor } from './session-state.ts'
import type { BmpSession } from './session-state.ts'
import { decodeTlvs, encodeTlvs } from './tlv.ts'
import type { BmpTlv, MirroringTlv, RouteMirroringMessage } from './types.ts'

const TYPE = BmpMessageType.ROUTE_MIRRORING

function decodeMirroringTlv (tlv: BmpTlv, ctx: DecodeContext, offset: number): MirroringTlv {
  if (tlv.type === MirroringTlvType.BGP_MESSAGE) {
    const length = bgpPduLength(tlv.value, 0, tlv.value.length, 'route mirroring BGP message TLV', TYPE)
    if (length !== tlv.value.length) {
      throw new BmpDecodeError(`route mirroring: BGP message of ${length} octets in a TLV of ${tlv.value.length}`, {
        offset, bytes: tlv.value, messageType: TYPE
      })
    }
    try {
      return { kind: 'bgp-message', bgp: tlv.value, message: decodeBgpPdu(tlv.value, ctx) }
    } catch (err) {
      if (!isBgpDecodeError(err)) throw err
      return { kind: 'bgp-message', bgp: tlv.value, message: null, bgpError: err }
    }
  }
  if (tlv.type === MirroringTlvType.INFORMATION) {
    if (tlv.value.length !== 2) {
      throw new BmpDecodeError(`route mirroring: information TLV of ${tlv.value.length} octets, expected 2`, {
        offset, bytes: tlv.value, messageType: TYPE
      })
    }
    return { kind: 'information', code: u16(tlv.value, 0) }
  }
  return { kind: 'unknown', type: tlv.type, value: tlv.value }
}

/** Decode a whole Route Mirroring message (common header included, length already checked). */
export function decodeRouteMirroring (buf: Uint8Array, session?: BmpSession): RouteMirroringMessage {
  const peer = decodePerPeerHeader(buf, COMMON_HEADER_LENGTH, TYPE)
  const ctx = contextFor(session, peer).context
  let offset = COMMON_HEADER_LENGTH + PER_PEER_HEADER_LENGTH
  const tlvs: MirroringTlv[] = []
  for (const tlv of decodeTlvs(buf, offset, buf.length, TYPE)) {
    tlvs.push(decodeMirroringTlv(tlv, ctx, offset))
    offset += 4 + tlv.value.length
  }
  return { kind: 'route-mirroring', peer, tlvs }
}

function toTlv (t: MirroringTlv): BmpTlv {
  switch (t.kind) {
    case 'bgp-message': return { type: MirroringTlvType.BGP_MESSAGE, value: t.bgp }
    case 'information': {
      const value = new Uint8Array(2)
      putU16(value, 0, t.code)
      return { type: MirroringTlvType.INFORMATION, value }
    }
    default: return { type: t.type, value: t.value }
  }
}

export function encodeRouteMirroring (msg: RouteMirroringMessage): Uint8Array {
  return withCommonHeader(TYPE, concat([encodePerPeerHeader(msg.peer), encodeTlvs(msg.tlvs.map(toTlv))]))
}
