// LOCAL_PREF, type code 5 (RFC 4271 §4.3 (e), §5.1.5): 4-octet unsigned.

import { AttrType } from '../constants.ts'
import { ErrorAction } from '../errors.ts'
import type { LocalPrefAttribute } from '../types.ts'
import { lengthError, readU32, writeU32 } from './attribute-error.ts'

/**
 * RFC 7606 §7.5: a bad length is treat-as-withdraw. (LOCAL_PREF from an external peer is
 * discarded, but whether the peer is external is the session's knowledge, not the codec's.)
 */
export function decodeLocalPref (buf: Uint8Array, start: number, end: number, flags: number): LocalPrefAttribute {
  if (end - start !== 4) throw lengthError('LOCAL_PREF', end - start, ErrorAction.TREAT_AS_WITHDRAW)
  return { kind: 'local-pref', code: AttrType.LOCAL_PREF, flags, localPref: readU32(buf, start) }
}

export function encodeLocalPref (attr: LocalPrefAttribute): Uint8Array {
  const out = new Uint8Array(4)
  writeU32(out, 0, attr.localPref)
  return out
}
