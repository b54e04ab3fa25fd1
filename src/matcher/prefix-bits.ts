// A prefix as bits, for the trie: the family, the length and the address in four 32-bit words
// (IPv4 uses w0 only; the others stay 0). Words hold int32 values (the result of JavaScript's
// bitwise operators), so that two equal words always compare equal with ===.
//
// The parser reads the canonical text the records carry (src/record/format.ts) with no regular
// expression and no allocation: dotted quads for IPv4, RFC 4291 §2.2 text for IPv6 (with "::" and
// an embedded dotted-quad tail, as inet_ntop prints IPv4-mapped and -compatible addresses). It is
// strict about the text (no leading zeros in octets or lengths, at most 4 hex digits a group,
// one "::") and clears the host bits, so that `10.1.2.3/8` and `10.0.0.0/8` are the same bits.

import { formatIpv4Number, formatIpv6 } from '../codec/address.ts'

export interface PrefixBits {
  v6: boolean
  len: number
  w0: number
  w1: number
  w2: number
  w3: number
}

/** A zeroed PrefixBits to parse into (one per caller; parsing overwrites every field). */
export function newPrefixBits (): PrefixBits {
  return { v6: false, len: 0, w0: 0, w1: 0, w2: 0, w3: 0 }
}

/** The first `n` bits of a word set, the rest clear (n in 0..32). */
export function wordMask (n: number): number {
  return n <= 0 ? 0 : n >= 32 ? -1 : (-1 << (32 - n))
}

/** Clear the bits of `bits` past its length (RFC 4271 §4.3). */
export function clearHostBits (bits: PrefixBits): void {
  const len = bits.len
  bits.w0 &= wordMask(len)
  bits.w1 &= wordMask(len - 32)
  bits.w2 &= wordMask(len - 64)
  bits.w3 &= wordMask(len - 96)
}

/**
 * Parse `a.b.c.d/len` or an IPv6 `addr/len` into `out` (host bits cleared). Returns false, with
 * `out` in an unspecified state, when the text is not a prefix.
 */
export function parsePrefixInto (text: string, out: PrefixBits): boolean {
  const ok = text.indexOf(':') === -1 ? parseIpv4Prefix(text, out) : parseIpv6Prefix(text, out)
  if (ok) clearHostBits(out)
  return ok
}

/** Parse a prefix into fresh PrefixBits, or null. */
export function parsePrefix (text: string): PrefixBits | null {
  const out = newPrefixBits()
  return parsePrefixInto(text, out) ? out : null
}

/**
 * Fill `out` from address octets (4 for IPv4, 16 for IPv6) and a length; host bits are cleared.
 * Returns false when the octet count or the length does not fit the family.
 */
export function prefixBitsFromBytes (bytes: Uint8Array, len: number, out: PrefixBits): boolean {
  if (bytes.length === 4) {
    if (!(len >= 0 && len <= 32 && Number.isInteger(len))) return false
    out.v6 = false
    out.w0 = word(bytes, 0)
    out.w1 = out.w2 = out.w3 = 0
  } else if (bytes.length === 16) {
    if (!(len >= 0 && len <= 128 && Number.isInteger(len))) return false
    out.v6 = true
    out.w0 = word(bytes, 0)
    out.w1 = word(bytes, 4)
    out.w2 = word(bytes, 8)
    out.w3 = word(bytes, 12)
  } else {
    return false
  }
  out.len = len
  clearHostBits(out)
  return true
}

function word (bytes: Uint8Array, at: number): number {
  return (bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]
}

const SLASH = 47
const DOT = 46
const COLON = 58

/** Decimal prefix length from `i` to the end of `text`, at most `max`; -1 when not one. */
function parseLength (text: string, i: number, max: number): number {
  const n = text.length
  if (i >= n || n - i > 3) return -1
  let v = 0
  for (let j = i; j < n; j++) {
    const c = text.charCodeAt(j)
    if (c < 48 || c > 57) return -1
    v = v * 10 + (c - 48)
  }
  if (n - i > 1 && text.charCodeAt(i) === 48) return -1
  return v <= max ? v : -1
}

/**
 * Dotted quad at `i`; returns the address as int32 and stores the index after it in `end[0]`,
 * or returns null when the text there is not a dotted quad.
 */
function parseDottedQuad (text: string, i: number, end: Int32Array): number | null {
  const n = text.length
  let addr = 0
  for (let octet = 0; octet < 4; octet++) {
    if (octet > 0) {
      if (i >= n || text.charCodeAt(i) !== DOT) return null
      i++
    }
    const start = i
    let v = 0
    while (i < n) {
      const c = text.charCodeAt(i)
      if (c < 48 || c > 57) break
      v = v * 10 + (c - 48)
      i++
    }
    const digits = i - start
    if (digits === 0 || digits > 3 || v > 255 || (digits > 1 && text.charCodeAt(start) === 48)) return null
    addr = (addr << 8) | v
  }
  end[0] = i
  return addr
}

const END = new Int32Array(1)

function parseIpv4Prefix (text: string, out: PrefixBits): boolean {
  const addr = parseDottedQuad(text, 0, END)
  if (addr === null) return false
  const i = END[0]
  if (i >= text.length || text.charCodeAt(i) !== SLASH) return false
  const len = parseLength(text, i + 1, 32)
  if (len < 0) return false
  out.v6 = false
  out.len = len
  out.w0 = addr
  out.w1 = out.w2 = out.w3 = 0
  return true
}

function hexValue (c: number): number {
  if (c >= 48 && c <= 57) return c - 48
  if (c >= 97 && c <= 102) return c - 87
  if (c >= 65 && c <= 70) return c - 55
  return -1
}

/** The 16-bit groups of the IPv6 address being parsed (scratch; parsing is synchronous). */
const GROUPS = new Int32Array(8)

function parseIpv6Prefix (text: string, out: PrefixBits): boolean {
  const n = text.length
  const groups = GROUPS
  let count = 0
  let gap = -1
  let i = 0
  if (n >= 2 && text.charCodeAt(0) === COLON) {
    if (text.charCodeAt(1) !== COLON) return false
    gap = 0
    i = 2
  }
  while (i < n && text.charCodeAt(i) !== SLASH) {
    const start = i
    let v = 0
    let d: number
    while (i < n && (d = hexValue(text.charCodeAt(i))) >= 0) {
      v = (v << 4) | d
      i++
    }
    if (i < n && text.charCodeAt(i) === DOT) {
      // An embedded dotted quad: the last 32 bits of the address.
      if (count > 6) return false
      const addr = parseDottedQuad(text, start, END)
      if (addr === null) return false
      groups[count++] = addr >>> 16
      groups[count++] = addr & 0xffff
      i = END[0]
      if (i >= n || text.charCodeAt(i) !== SLASH) return false
      break
    }
    const digits = i - start
    if (digits === 0 || digits > 4 || count === 8) return false
    groups[count++] = v
    if (i >= n) return false
    const c = text.charCodeAt(i)
    if (c === SLASH) break
    if (c !== COLON) return false
    i++
    if (i < n && text.charCodeAt(i) === COLON) {
      if (gap !== -1) return false
      gap = count
      i++
    } else if (i >= n || text.charCodeAt(i) === SLASH) {
      return false
    }
  }
  if (i >= n) return false
  if (gap === -1) {
    if (count !== 8) return false
  } else {
    if (count > 7) return false
    const shift = 8 - count
    for (let j = count - 1; j >= gap; j--) groups[j + shift] = groups[j]
    for (let j = gap; j < gap + shift; j++) groups[j] = 0
  }
  const len = parseLength(text, i + 1, 128)
  if (len < 0) return false
  out.v6 = true
  out.len = len
  out.w0 = (groups[0] << 16) | groups[1]
  out.w1 = (groups[2] << 16) | groups[3]
  out.w2 = (groups[4] << 16) | groups[5]
  out.w3 = (groups[6] << 16) | groups[7]
  return true
}

/** The canonical text of prefix bits, as the records write prefixes (inet_ntop form for IPv6). */
export function formatPrefixBits (bits: PrefixBits): string {
  if (!bits.v6) return formatIpv4Number(bits.w0 >>> 0) + '/' + String(bits.len)
  const bytes = new Uint8Array(16)
  const words = [bits.w0, bits.w1, bits.w2, bits.w3]
  for (let i = 0; i < 16; i++) bytes[i] = (words[i >> 2] >>> (24 - 8 * (i & 3))) & 0xff
  return formatIpv6(bytes, 0) + '/' + String(bits.len)
}
