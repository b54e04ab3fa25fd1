// EXTENDED_COMMUNITIES, type code 16 (RFC 4360 §2): a list of 8-octet values, kept as bytes.

import { AttrType } from '../constants.ts'
import { ErrorAction } from '../errors.ts'
import type { ExtendedCommunitiesAttribute } from '../types.ts'
import { lengthError } from './attribute-error.ts'

/** RFC 7606 §7.14: a length that is not a non-zero multiple of 8 is treat-as-withdraw. */
export function decodeExtendedCommunities (buf: Uint8Array, start: number, end: number, flags: number): ExtendedCommunitiesAttribute {
  const length = end - start
  if (length === 0 || (length & 7) !== 0) throw lengthError('EXTENDED_COMMUNITIES', length, ErrorAction.TREAT_AS_WITHDRAW)
  const communities: Uint8Array[] = []
  for (let i = start; i < end; i += 8) communities.push(buf.subarray(i, i + 8))
  return { kind: 'extended-communities', code: AttrType.EXTENDED_COMMUNITIES, flags, communities }
}

export function encodeExtendedCommunities (attr: ExtendedCommunitiesAttribute): Uint8Array {
  const out = new Uint8Array(attr.communities.length * 8)
  attr.communities.forEach((community, k) => {
    if (community.length !== 8) throw new RangeError('an extended community is 8 octets')
    out.set(community, k * 8)
  })
  return out
}
