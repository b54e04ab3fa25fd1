// COMMUNITIES, type code 8 (RFC 1997): a list of 4-octet values.

import { AttrType } from '../constants.ts'
import { ErrorAction } from '../errors.ts'
import type { CommunitiesAttribute } from '../types.ts'
import { lengthError, writeU32 } from './attribute-error.ts'

/** RFC 7606 §7.8: a length that is not a non-zero multiple of 4 is treat-as-withdraw. */
export function decodeCommunities (buf: Uint8Array, start: number, end: number, flags: number): CommunitiesAttribute {
  const length = end - start
  if (length === 0 || (length & 3) !== 0) throw lengthError('COMMUNITIES', length, ErrorAction.TREAT_AS_WITHDRAW)
  const communities = new Array<number>(length >>> 2)
  for (let k = 0, i = start; i < end; k++, i += 4) {
    communities[k] = ((buf[i] << 24) | (buf[i + 1] << 16) | (buf[i + 2] << 8) | buf[i + 3]) >>> 0
  }
  return { kind: 'communities', code: AttrType.COMMUNITIES, flags, communities }
}

export function encodeCommunities (attr: CommunitiesAttribute): Uint8Array {
  const out = new Uint8Array(attr.communities.length * 4)
  for (let k = 0; k < attr.communities.length; k++) writeU32(out, k * 4, attr.communities[k])
  return out
}
