// Text forms used by the record: hex, community strings, family names, canonical prefixes.
import { formatIp, parseIp } from '../codec/address.ts'

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => (i < 16 ? '0' : '') + i.toString(16))

/** Lower-case hex of `length` octets at `offset`. */
export function toHex (buf: Uint8Array, offset = 0, length = buf.length - offset): string {
  let out = ''
  for (let i = offset, end = offset + length; i < end; i++) out += HEX[buf[i]]
  return out
}

/** RFC 1997 §3 community as `asn:value` (the high and the low 16 bits). */
export function formatCommunity (value: number): string {
  return String(value >>> 16) + ':' + String(value & 0xffff)
}

const AFI_NAMES: Record<number, string> = { 1: 'ipv4', 2: 'ipv6', 25: 'l2vpn', 16388: 'bgp-ls' }
const SAFI_NAMES: Record<number, string> = {
  1: 'unicast',
  2: 'multicast',
  4: 'labeled-unicast',
  5: 'mvpn',
  65: 'vpls',
  70: 'evpn',
  71: 'bgp-ls',
  72: 'bgp-ls-vpn',
  73: 'sr-te',
  128: 'vpn',
  129: 'vpn-multicast',
  132: 'rtc',
  133: 'flowspec',
  134: 'flowspec-vpn'
}

/**
 * Name of an address family (IANA AFI and SAFI registries), e.g. `ipv4-unicast`, `l2vpn-evpn`;
 * numbers stand in for unnamed values (`afi-3-safi-1`).
 */
export function familyName (afi: number, safi: number): string {
  const a = AFI_NAMES[afi]
  const s = SAFI_NAMES[safi]
  if (a !== undefined && s !== undefined) return a + '-' + s
  return 'afi-' + String(afi) + '-safi-' + String(safi)
}

/**
 * The canonical form of a prefix: bits past the length cleared. RFC 4271 §4.3 says they are
 * irrelevant, so two texts differing only there are the same route. Text that is not a prefix is
 * returned unchanged.
 */
export function maskPrefix (prefix: string): string {
  const slash = prefix.indexOf('/')
  if (slash === -1) return prefix
  const bytes = parseIp(prefix.slice(0, slash))
  const length = Number(prefix.slice(slash + 1))
  if (bytes === null || !Number.isInteger(length) || length < 0 || length > bytes.length * 8) return prefix
  for (let bit = length; bit < bytes.length * 8; bit++) {
    if ((bit & 7) === 0 && bit + 8 <= bytes.length * 8) { bytes[bit >> 3] = 0; bit += 7; continue }
    bytes[bit >> 3] &= ~(0x80 >> (bit & 7))
  }
  return formatIp(bytes, 0, bytes.length) + '/' + String(length)
}

/** `maskPrefix` over a list, as a new array. */
export function maskPrefixes (prefixes: readonly string[]): string[] {
  const out = new Array<string>(prefixes.length)
  for (let i = 0; i < prefixes.length; i++) out[i] = maskPrefix(prefixes[i])
  return out
}
