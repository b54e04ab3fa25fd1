// Errors raised by the capability decoders. RFC 5492 gives no subcode for a malformed
// capability, so these carry OPEN Message Error with subcode 0 ("Unspecific", IANA).

import { ErrorCode } from '../constants.ts'
import { BgpDecodeError } from '../errors.ts'

export const UNSPECIFIC_SUBCODE = 0

export function capabilityError (name: string, buf: Uint8Array, start: number, end: number): BgpDecodeError {
  return new BgpDecodeError(ErrorCode.OPEN_MESSAGE, UNSPECIFIC_SUBCODE, `${name} capability has bad length ${end - start}`,
    { data: buf.subarray(start, end) })
}

/** A capability list whose TLVs do not fit their parameter. */
export function capabilityListError (message: string, buf: Uint8Array, start: number, end: number): BgpDecodeError {
  return new BgpDecodeError(ErrorCode.OPEN_MESSAGE, UNSPECIFIC_SUBCODE, message, { data: buf.subarray(start, end) })
}
