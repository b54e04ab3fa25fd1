// ADD-PATH capability, code 69 (RFC 7911 §4): entries of AFI (2), SAFI (1), Send/Receive (1).

import type { AddPathCapability } from '../types.ts'
import { capabilityError } from './capability-error.ts'

export function decodeAddPath (buf: Uint8Array, start: number, end: number): AddPathCapability {
  if (end === start || (end - start) % 4 !== 0) throw capabilityError('ADD-PATH', buf, start, end)
  const families: AddPathCapability['families'] = []
  for (let i = start; i < end; i += 4) {
    families.push({ afi: (buf[i] << 8) | buf[i + 1], safi: buf[i + 2], sendReceive: buf[i + 3] })
  }
  return { kind: 'add-path', families }
}

export function encodeAddPath (cap: AddPathCapability): Uint8Array {
  const out = new Uint8Array(cap.families.length * 4)
  cap.families.forEach((f, k) => out.set([f.afi >>> 8, f.afi & 0xff, f.safi, f.sendReceive], k * 4))
  return out
}
