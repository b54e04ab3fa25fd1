// ORIGIN, type code 1 (RFC 4271 §4.3 (a), §5.1.1).

import { AttrType, Origin, UpdateErrorSubcode } from '../constants.ts'
import { ErrorAction } from '../errors.ts'
import type { OriginAttribute } from '../types.ts'
import { attributeError, lengthError } from './attribute-error.ts'

/** RFC 7606 §7.1: a bad length or an undefined value is treat-as-withdraw. */
export function decodeOrigin (buf: Uint8Array, start: number, end: number, flags: number): OriginAttribute {
  if (end - start !== 1) throw lengthError('ORIGIN', end - start, ErrorAction.TREAT_AS_WITHDRAW)
  const origin = buf[start]
  if (origin > Origin.INCOMPLETE) {
    throw attributeError(UpdateErrorSubcode.INVALID_ORIGIN_ATTRIBUTE, ErrorAction.TREAT_AS_WITHDRAW, `undefined ORIGIN ${origin}`)
  }
  return { kind: 'origin', code: AttrType.ORIGIN, flags, origin }
}

export function encodeOrigin (attr: OriginAttribute): Uint8Array {
  return Uint8Array.of(attr.origin)
}
