// Extended Next Hop Encoding capability, code 5 (RFC 8950 §3): entries of NLRI AFI (2),
// NLRI SAFI (2), Nexthop AFI (2).

import type { ExtendedNextHopCapability } from '../types.ts'
import { capabilityError } from './capability-error.ts'

export function decodeExtendedNextHop (buf: Uint8Array, start: number, end: number): ExtendedNextHopCapability {
  if (end === start || (end - start) % 6 !== 0) throw capabilityError('Extended Next Hop', buf, start, end)
  const entries: ExtendedNextHopCapability['entries'] = []
  for (let i = start; i < end; i += 6) {
    entries.push({ afi: (buf[i] << 8) | buf[i + 1], safi: (buf[i + 2] << 8) | buf[i + 3], nextHopAfi: (buf[i + 4] << 8) | buf[i + 5] })
  }
  return { kind: 'extended-next-hop', entries }
}

export function encodeExtendedNextHop (cap: ExtendedNextHopCapability): Uint8Array {
  const out = new Uint8Array(cap.entries.length * 6)
  cap.entries.forEach((e, k) => out.set([e.afi >>> 8, e.afi & 0xff, e.safi >>> 8, e.safi & 0xff, e.nextHopAfi >>> 8, e.nextHopAfi & 0xff], k * 6))
  return out
}
