// The 19-octet message header (RFC 4271 §4.1) and its checks (RFC 4271 §6.1, RFC 8654 §5).

import { ErrorCode, HEADER_LENGTH, HeaderErrorSubcode, MAX_EXTENDED_MESSAGE_LENGTH, MAX_MESSAGE_LENGTH, MessageType } from './constants.ts'
import { BgpDecodeError } from './errors.ts'

export interface MessageHeader {
  /** Total message length, header included. */
  length: number
  type: number
}

/** RFC 4271 §6.1 (and §4.2–4.4, RFC 2918 §3): the shortest legal length of each message type. */
const MIN_LENGTH_BY_TYPE: readonly number[] = [0, 29, 23, 21, 19, 23]

function headerError (subcode: number, message: string, data: Uint8Array): BgpDecodeError {
  return new BgpDecodeError(ErrorCode.MESSAGE_HEADER, subcode, message, { data })
}

/**
 * Check and read the header at `offset` (19 octets must be available). `extendedMessage` allows
 * lengths up to 65535 (RFC 8654), except for OPEN and KEEPALIVE which stay within 4096 (§5).
 */
export function decodeHeader (buf: Uint8Array, offset: number, extendedMessage: boolean): MessageHeader {
  if (buf.length - offset < HEADER_LENGTH) {
    throw headerError(HeaderErrorSubcode.BAD_MESSAGE_LENGTH, 'message shorter than the 19-octet header', buf.subarray(offset))
  }
  // RFC 4271 §6.1: the marker must be all ones.
  for (let i = offset; i < offset + 16; i++) {
    if (buf[i] !== 0xff) {
      throw headerError(HeaderErrorSubcode.CONNECTION_NOT_SYNCHRONIZED, 'marker is not all ones', new Uint8Array(0))
    }
  }
  const length = (buf[offset + 16] << 8) | buf[offset + 17]
  const type = buf[offset + 18]
  if (type < MessageType.OPEN || type > MessageType.ROUTE_REFRESH) {
    throw headerError(HeaderErrorSubcode.BAD_MESSAGE_TYPE, `unknown message type ${type}`, buf.subarray(offset + 18, offset + 19))
  }
  const max = extendedMessage && type !== MessageType.OPEN && type !== MessageType.KEEPALIVE
    ? MAX_EXTENDED_MESSAGE_LENGTH
    : MAX_MESSAGE_LENGTH
  if (length < MIN_LENGTH_BY_TYPE[type] || length > max || (type === MessageType.KEEPALIVE && length !== HEADER_LENGTH)) {
    throw headerError(HeaderErrorSubcode.BAD_MESSAGE_LENGTH, `bad length ${length} for message type ${type}`, buf.subarray(offset + 16, offset + 18))
  }
  return { length, type }
}

/** Write the marker, length and type at `offset` of `out`. */
export function writeHeader (out: Uint8Array, offset: number, length: number, type: number): void {
  out.fill(0xff, offset, offset + 16)
  out[offset + 16] = length >>> 8
  out[offset + 17] = length
  out[offset + 18] = type
}
