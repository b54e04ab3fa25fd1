// The common header of every BMP message, RFC 7854 §4.1:
//   version (1 octet, 3) | message length (4 octets, header included) | message type (1 octet)

import { BMP_VERSION, COMMON_HEADER_LENGTH, MAX_BMP_MESSAGE_LENGTH } from './constants.ts'
import { BmpDecodeError } from './errors.ts'
import { putU32, u32 } from './bytes.ts'

export interface BmpCommonHeader {
  version: number
  /** Total message length, common header included. */
  length: number
  type: number
}

/**
 * Read and check the common header at `offset` (6 octets must be available). Throws a
 * BmpDecodeError for a version other than 3 or a length shorter than the header or longer than
 * `maxLength`.
 */
export function decodeCommonHeader (buf: Uint8Array, offset = 0, maxLength = MAX_BMP_MESSAGE_LENGTH): BmpCommonHeader {
  if (buf.length - offset < COMMON_HEADER_LENGTH) {
    throw new BmpDecodeError('BMP common header: needs 6 octets', { offset, bytes: buf.subarray(offset) })
  }
  const version = buf[offset]
  const length = u32(buf, offset + 1)
  const type = buf[offset + 5]
  if (version !== BMP_VERSION) {
    throw new BmpDecodeError(`BMP version ${version}, only version 3 is supported (RFC 7854 §4.1)`, {
      offset, bytes: buf.subarray(offset, offset + COMMON_HEADER_LENGTH)
    })
  }
  if (length < COMMON_HEADER_LENGTH || length > maxLength) {
    throw new BmpDecodeError(`BMP message length ${length} outside ${COMMON_HEADER_LENGTH}..${maxLength}`, {
      offset: offset + 1, bytes: buf.subarray(offset, offset + COMMON_HEADER_LENGTH), messageType: type
    })
  }
  return { version, length, type }
}

/** Prefix `body` with a common header of type `type`: the whole BMP message. */
export function withCommonHeader (type: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(COMMON_HEADER_LENGTH + body.length)
  out[0] = BMP_VERSION
  putU32(out, 1, out.length)
  out[5] = type
  out.set(body, COMMON_HEADER_LENGTH)
  return out
}
