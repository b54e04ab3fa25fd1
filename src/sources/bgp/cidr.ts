// Address blocks (RFC 4632 §3.1 prefix notation, RFC 4291 §2.3 for IPv6) for the accept rule.
import { parseIp } from '../../codec/address.ts'

export interface Cidr {
  text: string
  bytes: Uint8Array
  length: number
}

/** Parse `a.b.c.d/n` or `x::y/n` (a bare address is a /32 or /128). Throws RangeError. */
export function parseCidr (text: string): Cidr {
  const slash = text.indexOf('/')
  const address = slash === -1 ? text : text.slice(0, slash)
  const bytes = parseIp(address)
  if (bytes === null) throw new RangeError(`not an IP address: ${JSON.stringify(address)}`)
  const length = slash === -1 ? bytes.length * 8 : Number(text.slice(slash + 1))
  if (!Number.isInteger(length) || length < 0 || length > bytes.length * 8) throw new RangeError(`bad prefix length in ${JSON.stringify(text)}`)
  return { text, bytes, length }
}

/**
 * An address as the socket layer gives it, in its plain form: an IPv4-mapped IPv6 address
 * (`::ffff:192.0.2.1`, RFC 4291 §2.5.5.2, seen on dual-stack listeners) becomes the IPv4 one.
 */
export function normaliseAddress (address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address
}

export function cidrContains (cidr: Cidr, address: string): boolean {
  const bytes = parseIp(normaliseAddress(address))
  if (bytes === null || bytes.length !== cidr.bytes.length) return false
  const whole = cidr.length >> 3
  for (let i = 0; i < whole; i++) if (bytes[i] !== cidr.bytes[i]) return false
  const rest = cidr.length & 7
  if (rest === 0) return true
  const mask = (0xff << (8 - rest)) & 0xff
  return (bytes[whole] & mask) === (cidr.bytes[whole] & mask)
}

export function anyContains (cidrs: readonly Cidr[], address: string): boolean {
  for (const cidr of cidrs) if (cidrContains(cidr, address)) return true
  return false
}
