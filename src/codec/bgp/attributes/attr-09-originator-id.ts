// ORIGINATOR_ID, type code 9 (RFC 4456 §8): the route reflection originator's BGP identifier.

import { formatIpv4, parseIpv4 } from '../../address.ts'
import { AttrType } from '../constants.ts'
import { ErrorAction } from '../errors.ts'
import type { OriginatorIdAttribute } from '../types.ts'
import { lengthError } from './attribute-error.ts'

/** RFC 7606 §7.9: a length other than 4 is treat-as-withdraw. */
export function decodeOriginatorId (buf: Uint8Array, start: number, end: number, flags: number): OriginatorIdAttribute {
  if (end - start !== 4) throw lengthError('ORIGINATOR_ID', end - start, ErrorAction.TREAT_AS_WITHDRAW)
  return { kind: 'originator-id', code: AttrType.ORIGINATOR_ID, flags, originatorId: formatIpv4(buf, start) }
}

export function encodeOriginatorId (attr: OriginatorIdAttribute): Uint8Array {
  const address = parseIpv4(attr.originatorId)
  if (address === null) throw new RangeError(`ORIGINATOR_ID is not IPv4: ${attr.originatorId}`)
  return address
}
