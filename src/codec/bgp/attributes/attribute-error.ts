// Errors raised by the attribute decoders. They carry the subcode and the RFC 7606 action;
// decodeAttributes() adds the whole attribute (type, length and value) as NOTIFICATION data,
// as RFC 4271 §6.3 asks.

import { ErrorCode, UpdateErrorSubcode } from '../constants.ts'
import { BgpDecodeError } from '../errors.ts'
import type { ErrorActionValue } from '../errors.ts'

export function attributeError (subcode: number, action: ErrorActionValue, message: string): BgpDecodeError {
  return new BgpDecodeError(ErrorCode.UPDATE_MESSAGE, subcode, message, { action })
}

/** An attribute whose length does not fit its type (RFC 4271 §6.3 Attribute Length Error). */
export function lengthError (name: string, length: number, action: ErrorActionValue): BgpDecodeError {
  return attributeError(UpdateErrorSubcode.ATTRIBUTE_LENGTH_ERROR, action, `${name} has bad length ${length}`)
}

/** Read a big-endian unsigned 32-bit number. The caller checks the bounds. */
export function readU32 (buf: Uint8Array, i: number): number {
  return ((buf[i] << 24) | (buf[i + 1] << 16) | (buf[i + 2] << 8) | buf[i + 3]) >>> 0
}

/** Write a big-endian unsigned 32-bit number. */
export function writeU32 (out: Uint8Array, i: number, value: number): void {
  out[i] = value >>> 24
  out[i + 1] = value >>> 16
  out[i + 2] = value >>> 8
  out[i + 3] = value
}
