// Initiation message, RFC 7854 §4.3: the common header followed by Information TLVs
// (type 0 string, 1 sysDescr, 2 sysName; §4.4). RFC 7854 §4.3 says sysDescr and sysName MUST
// be sent, but the decoder does not insist: a station only loses a name.

import { BmpMessageType, COMMON_HEADER_LENGTH } from './constants.ts'
import { withCommonHeader } from './common-header.ts'
import { decodeTlvs, encodeTlvs } from './tlv.ts'
import type { InitiationMessage } from './types.ts'

/** Decode a whole Initiation message (common header included, length already checked). */
export function decodeInitiation (buf: Uint8Array): InitiationMessage {
  return { kind: 'initiation', tlvs: decodeTlvs(buf, COMMON_HEADER_LENGTH, buf.length, BmpMessageType.INITIATION) }
}

export function encodeInitiation (msg: InitiationMessage): Uint8Array {
  return withCommonHeader(BmpMessageType.INITIATION, encodeTlvs(msg.tlvs))
}
