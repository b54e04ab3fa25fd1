// Where BMP meets the BGP codec: finding the BGP PDUs a BMP message carries (RFC 7854 §4.6,
// §4.7, §4.9, §4.10) and decoding them with the BGP codec.

import { HEADER_LENGTH } from '../bgp/constants.ts'
import type { DecodeContext } from '../bgp/decode-context.ts'
import { decodeMessage } from '../bgp/message.ts'
import type { BgpMessage } from '../bgp/types.ts'
import { need, u16 } from './bytes.ts'
import { BmpDecodeError } from './errors.ts'

/**
 * Length of the BGP PDU at `offset` (from its RFC 4271 §4.1 header), checked to lie between 19
 * and what is left before `end`. The marker and type are left to the BGP codec.
 */
export function bgpPduLength (buf: Uint8Array, offset: number, end: number, what: string, messageType: number): number {
  need(buf.subarray(0, end), offset, HEADER_LENGTH, `${what}: BGP header`, messageType)
  const length = u16(buf, offset + 16)
  if (length < HEADER_LENGTH || offset + length > end) {
    throw new BmpDecodeError(`${what}: BGP message length ${length} does not fit the ${end - offset} octets left`, {
      offset: offset + 16, bytes: buf.subarray(offset + 16, offset + 19), messageType
    })
  }
  return length
}

/** Decode one BGP PDU (header included) with the BGP codec. Throws BgpDecodeError. */
export function decodeBgpPdu (pdu: Uint8Array, ctx: DecodeContext): BgpMessage {
  return decodeMessage(pdu, ctx)
}
