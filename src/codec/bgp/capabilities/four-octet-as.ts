// Support for 4-octet AS number capability, code 65 (RFC 6793 §3): the speaker's AS (4).

import type { FourOctetAsCapability } from '../types.ts'
import { capabilityError } from './capability-error.ts'

export function decodeFourOctetAs (buf: Uint8Array, start: number, end: number): FourOctetAsCapability {
  if (end - start !== 4) throw capabilityError('4-octet AS', buf, start, end)
  return { kind: 'four-octet-as', asn: ((buf[start] << 24) | (buf[start + 1] << 16) | (buf[start + 2] << 8) | buf[start + 3]) >>> 0 }
}

export function encodeFourOctetAs (cap: FourOctetAsCapability): Uint8Array {
  return Uint8Array.of(cap.asn >>> 24, cap.asn >>> 16, cap.asn >>> 8, cap.asn)
}
