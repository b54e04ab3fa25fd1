// Multiprotocol Extensions capability, code 1 (RFC 4760 §8): AFI (2), reserved (1), SAFI (1).

import type { MultiprotocolCapability } from '../types.ts'
import { capabilityError } from './capability-error.ts'

export function decodeMultiprotocol (buf: Uint8Array, start: number, end: number): MultiprotocolCapability {
  if (end - start !== 4) throw capabilityError('Multiprotocol', buf, start, end)
  return { kind: 'multiprotocol', afi: (buf[start] << 8) | buf[start + 1], reserved: buf[start + 2], safi: buf[start + 3] }
}

export function encodeMultiprotocol (cap: MultiprotocolCapability): Uint8Array {
  return Uint8Array.of(cap.afi >>> 8, cap.afi, cap.reserved, cap.safi)
}
