// LARGE_COMMUNITY, type code 32 (RFC 8092 §3): a list of 12-octet (global, local 1, local 2).

import { AttrType } from '../constants.ts'
import { ErrorAction } from '../errors.ts'
import type { LargeCommunitiesAttribute } from '../types.ts'
import { lengthError, writeU32 } from './attribute-error.ts'

/** RFC 8092 §6: a length that is not a non-zero multiple of 12 is treat-as-withdraw. */
export function decodeLargeCommunities (buf: Uint8Array, start: number, end: number, flags: number): LargeCommunitiesAttribute {
  const length = end - start
  if (length === 0 || length % 12 !== 0) throw lengthError('LARGE_COMMUNITY', length, ErrorAction.TREAT_AS_WITHDRAW)
  const values = new Array<number>(length >>> 2)
  for (let k = 0, i = start; i < end; k++, i += 4) {
    values[k] = ((buf[i] << 24) | (buf[i + 1] << 16) | (buf[i + 2] << 8) | buf[i + 3]) >>> 0
  }
  return { kind: 'large-communities', code: AttrType.LARGE_COMMUNITY, flags, values }
}

export function encodeLargeCommunities (attr: LargeCommunitiesAttribute): Uint8Array {
  if (attr.values.length % 3 !== 0) throw new RangeError('large communities come in triples')
  const out = new Uint8Array(attr.values.length * 4)
  for (let k = 0; k < attr.values.length; k++) writeU32(out, k * 4, attr.values[k])
  return out
}
