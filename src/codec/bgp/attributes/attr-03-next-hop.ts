// NEXT_HOP, type code 3 (RFC 4271 §4.3 (c), §5.1.3): an IPv4 address.

import { formatIpv4, parseIpv4 } from '../../address.ts'
import { AttrType } from '../constants.ts'
import { ErrorAction } from '../errors.ts'
import type { NextHopAttribute } from '../types.ts'
import { lengthError } from './attribute-error.ts'

/** RFC 7606 §7.3: a bad length is treat-as-withdraw. The address itself is not judged here. */
export function decodeNextHop (buf: Uint8Array, start: number, end: number, flags: number): NextHopAttribute {
  if (end - start !== 4) throw lengthError('NEXT_HOP', end - start, ErrorAction.TREAT_AS_WITHDRAW)
  return { kind: 'next-hop', code: AttrType.NEXT_HOP, flags, nextHop: formatIpv4(buf, start) }
}

export function encodeNextHop (attr: NextHopAttribute): Uint8Array {
  const address = parseIpv4(attr.nextHop)
  if (address === null) throw new RangeError(`NEXT_HOP is not an IPv4 address: ${attr.nextHop}`)
  return address
}
