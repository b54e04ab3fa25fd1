// ONLY_TO_CUSTOMER (OTC), type code 35 (RFC 9234 §5): a 4-octet ASN.

import { AttrType } from '../constants.ts'
import { ErrorAction } from '../errors.ts'
import type { OnlyToCustomerAttribute } from '../types.ts'
import { lengthError, readU32, writeU32 } from './attribute-error.ts'

/** RFC 9234 §5: a length other than 4 is treat-as-withdraw. */
export function decodeOnlyToCustomer (buf: Uint8Array, start: number, end: number, flags: number): OnlyToCustomerAttribute {
  if (end - start !== 4) throw lengthError('ONLY_TO_CUSTOMER', end - start, ErrorAction.TREAT_AS_WITHDRAW)
  return { kind: 'only-to-customer', code: AttrType.ONLY_TO_CUSTOMER, flags, asn: readU32(buf, start) }
}

export function encodeOnlyToCustomer (attr: OnlyToCustomerAttribute): Uint8Array {
  const out = new Uint8Array(4)
  writeU32(out, 0, attr.asn)
  return out
}
