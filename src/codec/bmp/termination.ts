// Termination message, RFC 7854 §4.5: the common header followed by Information TLVs
// (type 0 string, type 1 reason: a 2-octet code, see TerminationReason).

import { BmpMessageType, COMMON_HEADER_LENGTH, TerminationTlvType } from './constants.ts'
import { withCommonHeader } from './common-header.ts'
import { BmpDecodeError } from './errors.ts'
import { u16 } from './bytes.ts'
import { decodeTlvs, encodeTlvs } from './tlv.ts'
import type { TerminationMessage } from './types.ts'

/** Decode a whole Termination message (common header included, length already checked). */
export function decodeTermination (buf: Uint8Array): TerminationMessage {
  const tlvs = decodeTlvs(buf, COMMON_HEADER_LENGTH, buf.length, BmpMessageType.TERMINATION)
  let offset = COMMON_HEADER_LENGTH
  for (const t of tlvs) {
    if (t.type === TerminationTlvType.REASON && t.value.length !== 2) {
      throw new BmpDecodeError(`termination reason TLV of ${t.value.length} octets, expected 2`, {
        bytes: buf.subarray(offset, offset + 4 + t.value.length), messageType: BmpMessageType.TERMINATION, offset
      })
    }
    offset += 4 + t.value.length
  }
  return { kind: 'termination', tlvs }
}

/** The reason code of a Termination message (RFC 7854 §4.5), or undefined when none was sent. */
export function terminationReason (msg: TerminationMessage): number | undefined {
  const t = msg.tlvs.find(t => t.type === TerminationTlvType.REASON)
  return t === undefined ? undefined : u16(t.value, 0)
}

export function encodeTermination (msg: TerminationMessage): Uint8Array {
  return withCommonHeader(BmpMessageType.TERMINATION, encodeTlvs(msg.tlvs))
}
