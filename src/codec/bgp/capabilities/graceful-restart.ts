// Graceful Restart capability, code 64 (RFC 4724 §3): Restart Flags (4 bits) and Restart Time
// (12 bits), then entries of AFI (2), SAFI (1), Flags for Address Family (1).

import type { GracefulRestartCapability } from '../types.ts'
import { capabilityError } from './capability-error.ts'

export function decodeGracefulRestart (buf: Uint8Array, start: number, end: number): GracefulRestartCapability {
  if (end - start < 2 || (end - start - 2) % 4 !== 0) throw capabilityError('Graceful Restart', buf, start, end)
  const families: GracefulRestartCapability['families'] = []
  for (let i = start + 2; i < end; i += 4) {
    families.push({ afi: (buf[i] << 8) | buf[i + 1], safi: buf[i + 2], flags: buf[i + 3] })
  }
  return { kind: 'graceful-restart', flags: buf[start] >>> 4, restartTime: ((buf[start] & 0x0f) << 8) | buf[start + 1], families }
}

export function encodeGracefulRestart (cap: GracefulRestartCapability): Uint8Array {
  const out = new Uint8Array(2 + cap.families.length * 4)
  out[0] = ((cap.flags & 0x0f) << 4) | ((cap.restartTime >>> 8) & 0x0f)
  out[1] = cap.restartTime
  cap.families.forEach((f, k) => out.set([f.afi >>> 8, f.afi & 0xff, f.safi, f.flags], 2 + k * 4))
  return out
}
