// FQDN capability, code 73 (draft-walton-bgp-hostname-capability §3): Hostname Length (1),
// Hostname, Domain Name Length (1), Domain Name. Names are ASCII; anything else is kept raw
// by the caller (decodeFqdn returns null) so it re-encodes exactly.

import type { FqdnCapability } from '../types.ts'
import { capabilityError } from './capability-error.ts'

export function decodeFqdn (buf: Uint8Array, start: number, end: number): FqdnCapability | null {
  if (end - start < 2) throw capabilityError('FQDN', buf, start, end)
  const hostnameEnd = start + 1 + buf[start]
  if (hostnameEnd + 1 > end || hostnameEnd + 1 + buf[hostnameEnd] !== end) throw capabilityError('FQDN', buf, start, end)
  const hostname = ascii(buf, start + 1, hostnameEnd)
  const domainName = ascii(buf, hostnameEnd + 1, end)
  if (hostname === null || domainName === null) return null
  return { kind: 'fqdn', hostname, domainName }
}

function ascii (buf: Uint8Array, start: number, end: number): string | null {
  let text = ''
  for (let i = start; i < end; i++) {
    if (buf[i] > 0x7f) return null
    text += String.fromCharCode(buf[i])
  }
  return text
}

export function encodeFqdn (cap: FqdnCapability): Uint8Array {
  const { hostname, domainName } = cap
  if (hostname.length > 255 || domainName.length > 255) throw new RangeError('FQDN names are at most 255 octets')
  const out = new Uint8Array(2 + hostname.length + domainName.length)
  out[0] = hostname.length
  for (let k = 0; k < hostname.length; k++) out[1 + k] = hostname.charCodeAt(k)
  const domainAt = 1 + hostname.length
  out[domainAt] = domainName.length
  for (let k = 0; k < domainName.length; k++) out[domainAt + 1 + k] = domainName.charCodeAt(k)
  return out
}
