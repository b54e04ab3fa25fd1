// Prefixes as text from the wire forms MRT uses: RFC 6396 §4.3.2 (length in bits, then just
// enough octets) and §4.2 (a whole address plus a length). Bits past the length are cleared
// (RFC 4271 §4.3), as the normalised record requires canonical prefixes.

import { formatIpv4, formatIpv6 } from '../address.ts'
import type { BodyReader } from './body-reader.ts'

const scratch = new Uint8Array(16)

/** Read `ceil(bits/8)` octets of an AFI 1 or 2 prefix of `bits` bits; the caller read `bits`. */
export function readPrefix (r: BodyReader, afi: number, bits: number): string {
  const max = afi === 2 ? 128 : 32
  if (bits > max) throw r.error('prefix length ' + bits + ' over ' + max)
  const n = (bits + 7) >> 3
  const bytes = r.bytes(n, 'prefix')
  return prefixText(bytes, 0, n, afi, bits)
}

/** Text of a prefix whose first `n` octets are at `bytes[offset]`; bits past `bits` cleared. */
export function prefixText (bytes: Uint8Array, offset: number, n: number, afi: number, bits: number): string {
  const width = afi === 2 ? 16 : 4
  scratch.fill(0, 0, width)
  for (let i = 0; i < n; i++) scratch[i] = bytes[offset + i]
  if ((bits & 7) !== 0) scratch[bits >> 3] &= (0xff << (8 - (bits & 7))) & 0xff
  return (afi === 2 ? formatIpv6(scratch, 0) : formatIpv4(scratch, 0)) + '/' + bits
}
