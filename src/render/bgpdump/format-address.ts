// Addresses as bgpdump 1.6.2 prints them (its own fmt_ipv4 / fmt_ipv6, not inet_ntop):
// - IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d, last 32 bits > 1) addresses
//   end in a dotted quad;
// - otherwise the longest run of zero groups, leftmost on a tie, becomes "::", even a run of
//   ONE group (inet_ntop leaves a single 0 alone): 2001:7f8:30:0:2:1:0:8447 prints as
//   2001:7f8:30::2:1:0:8447.
// Reads past `end` give zero octets, as bgpdump's zero-filling stream reads do.

export const DECIMAL: readonly string[] = Array.from({ length: 256 }, (_, i) => String(i))
const DECIMAL_DOT: readonly string[] = Array.from({ length: 256 }, (_, i) => i + '.')
const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16))
const HEX_BYTE_PADDED: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** Hex text of a 16-bit word, without leading zeros. */
function hex (w: number): string {
  return w < 256 ? HEX_BYTE[w] : HEX_BYTE[w >>> 8] + HEX_BYTE_PADDED[w & 0xff]
}

/** Dotted quad of the 4 octets at `pos`; octets at or past `end` read as 0. */
export function formatIpv4At (buf: Uint8Array, pos: number, end: number): string {
  if (pos + 4 <= end) return DECIMAL_DOT[buf[pos]] + DECIMAL_DOT[buf[pos + 1]] + DECIMAL_DOT[buf[pos + 2]] + DECIMAL[buf[pos + 3]]
  return DECIMAL_DOT[pos < end ? buf[pos] : 0] + DECIMAL_DOT[pos + 1 < end ? buf[pos + 1] : 0] +
    DECIMAL_DOT[pos + 2 < end ? buf[pos + 2] : 0] + DECIMAL[pos + 3 < end ? buf[pos + 3] : 0]
}

/** Dotted quad of an address held as an unsigned 32-bit number (first octet most significant). */
export function formatIpv4Number (n: number): string {
  return DECIMAL_DOT[(n >>> 24) & 0xff] + DECIMAL_DOT[(n >>> 16) & 0xff] + DECIMAL_DOT[(n >>> 8) & 0xff] + DECIMAL[n & 0xff]
}

const words = new Int32Array(8)

/** bgpdump's fmt_ipv6 of the 16 octets at `pos`; octets at or past `end` read as 0. */
export function formatIpv6At (buf: Uint8Array, pos: number, end: number): string {
  for (let i = 0; i < 8; i++) {
    const p = pos + 2 * i
    words[i] = ((p < end ? buf[p] : 0) << 8) | (p + 1 < end ? buf[p + 1] : 0)
  }
  if (words[0] === 0 && words[1] === 0 && words[2] === 0 && words[3] === 0 && words[4] === 0) {
    const v4 = (words[6] << 16 | words[7]) >>> 0
    if (words[5] === 0xffff) return '::ffff:' + DECIMAL_DOT[words[6] >>> 8] + DECIMAL_DOT[words[6] & 0xff] + DECIMAL_DOT[words[7] >>> 8] + DECIMAL[words[7] & 0xff]
    if (words[5] === 0 && v4 > 1) return '::' + DECIMAL_DOT[words[6] >>> 8] + DECIMAL_DOT[words[6] & 0xff] + DECIMAL_DOT[words[7] >>> 8] + DECIMAL[words[7] & 0xff]
  }
  // The longest run of zero words, leftmost on a tie, any length from one.
  let best = -1
  let bestLen = 0
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) { i++; continue }
    let j = i + 1
    while (j < 8 && words[j] === 0) j++
    if (j - i > bestLen) { best = i; bestLen = j - i }
    i = j
  }
  let out = ''
  for (let i = 0; i < 8; i++) {
    if (i === best) {
      out += i === 0 ? '::' : ':'
      i += bestLen - 1
      continue
    }
    out += i === 7 ? hex(words[i]) : hex(words[i]) + ':'
  }
  return out
}
