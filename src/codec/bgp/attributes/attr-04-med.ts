// MULTI_EXIT_DISC, type code 4 (RFC 4271 §4.3 (d), §5.1.4): 4-octet unsigned.

import { AttrType } from '../constants.ts'
import { ErrorAction } from '../errors.ts'
import type { MedAttribute } from '../types.ts'
import { lengthError, readU32, writeU32 } from './attribute-error.ts'

/** RFC 7606 §7.4: a bad length is treat-as-withdraw. */
export function decodeMed (buf: Uint8Array, start: number, end: number, flags: number): MedAttribute {
  if (end - start !== 4) throw lengthError('MULTI_EXIT_DISC', end - start, ErrorAction.TREAT_AS_WITHDRAW)
  return { kind: 'med', code: AttrType.MULTI_EXIT_DISC, flags, med: readU32(buf, start) }
}

export function encodeMed (attr: MedAttribute): Uint8Array {
  const out = new Uint8Array(4)
  writeU32(out, 0, attr.med)
  return out
}
