// Prefixes as the Adj-RIB-In keys them: the address in 32-bit words (1 for IPv4, 4 for IPv6,
// most significant first) and the prefix length, bits past the length cleared (RFC 4271 §4.3),
// so a prefix costs a few integers instead of a string. Keys are read from wire NLRI (RFC 4271
// §4.3, RFC 4760 §5) or from canonical prefix text, and written back as canonical text.
import { formatIpv6, parseIpv6 } from '../../codec/address.ts'

const DECIMAL: readonly string[] = Array.from({ length: 256 }, (_, i) => String(i))
const SLASH_LENGTH: readonly string[] = Array.from({ length: 129 }, (_, i) => '/' + String(i))
const ipv6Scratch = new Uint8Array(16)

/** Words of a key of an IPv4 (1) or IPv6 (4) prefix. */
export function keyWords (ipv6: boolean): number {
  return ipv6 ? 4 : 1
}

/** The mask of the first `bits` bits of a word, `bits` in 0..32. */
function wordMask (bits: number): number {
  return bits <= 0 ? 0 : bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0
}

/**
 * Read the address of a wire prefix of `bits` bits whose octets start at `buf[at]` into
 * `out[0, words)`, host bits cleared. The caller checks that the octets are within bounds.
 */
export function readWirePrefix (buf: Uint8Array, at: number, bits: number, words: number, out: Uint32Array): void {
  const octets = (bits + 7) >>> 3
  for (let w = 0; w < words; w++) {
    const base = at + w * 4
    const n = octets - w * 4
    let v = 0
    if (n >= 4) v = ((buf[base] << 24) | (buf[base + 1] << 16) | (buf[base + 2] << 8) | buf[base + 3]) >>> 0
    else if (n === 3) v = ((buf[base] << 24) | (buf[base + 1] << 16) | (buf[base + 2] << 8)) >>> 0
    else if (n === 2) v = ((buf[base] << 24) | (buf[base + 1] << 16)) >>> 0
    else if (n === 1) v = (buf[base] << 24) >>> 0
    out[w] = (v & wordMask(bits - w * 32)) >>> 0
  }
}

/** `readWirePrefix` of an IPv4 prefix, as the number of its one word. */
export function readWireIpv4 (buf: Uint8Array, at: number, bits: number): number {
  switch ((bits + 7) >>> 3) {
    case 0: return 0
    case 1: return ((buf[at] << 24) & wordMask(bits)) >>> 0
    case 2: return (((buf[at] << 24) | (buf[at + 1] << 16)) & wordMask(bits)) >>> 0
    case 3: return (((buf[at] << 24) | (buf[at + 1] << 16) | (buf[at + 2] << 8)) & wordMask(bits)) >>> 0
    default: return (((buf[at] << 24) | (buf[at + 1] << 16) | (buf[at + 2] << 8) | buf[at + 3]) & wordMask(bits)) >>> 0
  }
}

/** The dotted quad of `text[0, end)` as a number, or -1. */
function parseIpv4Number (text: string, end: number): number {
  let value = 0
  let octet = 0
  let digits = 0
  let parts = 0
  for (let i = 0; i <= end; i++) {
    const c = i === end ? 46 : text.charCodeAt(i)
    if (c === 46) {
      if (digits === 0 || octet > 255 || parts > 3) return -1
      value = value * 256 + octet
      parts++
      octet = 0
      digits = 0
    } else if (c >= 48 && c <= 57 && digits < 3) {
      octet = octet * 10 + c - 48
      digits++
    } else {
      return -1
    }
  }
  return parts === 4 ? value : -1
}

/**
 * Parse prefix text (`192.0.2.0/24`, `2001:db8::/32`) into `out` (1 word for IPv4, 4 for IPv6,
 * as `isIpv6Text` tells), host bits cleared. Returns the length, or -1 when it is not a prefix.
 */
export function parsePrefixText (text: string, out: Uint32Array): number {
  const slash = text.indexOf('/')
  if (slash <= 0) return -1
  const lengthText = text.slice(slash + 1)
  const bits = Number(lengthText)
  if (lengthText === '' || !Number.isInteger(bits) || bits < 0) return -1
  if (!isIpv6Text(text)) {
    if (bits > 32) return -1
    const address = parseIpv4Number(text, slash)
    if (address < 0) return -1
    out[0] = (address & wordMask(bits)) >>> 0
    return bits
  }
  if (bits > 128) return -1
  const bytes = parseIpv6(text.slice(0, slash))
  if (bytes === null || bytes.length !== 16) return -1
  readWirePrefix(bytes, 0, bits, 4, out)
  return bits
}

/** Whether prefix text is IPv6 (and its key 4 words). */
export function isIpv6Text (text: string): boolean {
  return text.includes(':')
}

/** Canonical text of the key in `words[at, at + n)` with length `bits` (n = 1: IPv4, 4: IPv6). */
export function formatPrefixKey (words: Uint32Array, at: number, n: number, bits: number): string {
  if (n === 1) {
    const v = words[at]
    return DECIMAL[v >>> 24] + '.' + DECIMAL[(v >>> 16) & 0xff] + '.' + DECIMAL[(v >>> 8) & 0xff] + '.' + DECIMAL[v & 0xff] + SLASH_LENGTH[bits]
  }
  for (let w = 0; w < 4; w++) {
    const v = words[at + w]
    ipv6Scratch[w * 4] = v >>> 24
    ipv6Scratch[w * 4 + 1] = (v >>> 16) & 0xff
    ipv6Scratch[w * 4 + 2] = (v >>> 8) & 0xff
    ipv6Scratch[w * 4 + 3] = v & 0xff
  }
  return formatIpv6(ipv6Scratch, 0) + SLASH_LENGTH[bits]
}
