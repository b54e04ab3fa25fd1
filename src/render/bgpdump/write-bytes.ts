// Writers of ASCII text straight into byte arrays: each writes at `p` and returns the position
// after what it wrote. The caller makes sure there is room.

import { DECIMAL } from './format-address.ts'

/** Per value 0-255: digit count, then the (up to) 3 digits. */
export const OCTET_DIGITS = (() => {
  const t = new Uint8Array(256 * 4)
  for (let v = 0; v < 256; v++) {
    const d = DECIMAL[v]
    t[v * 4] = d.length
    for (let i = 0; i < d.length; i++) t[v * 4 + 1 + i] = d.charCodeAt(i)
  }
  return t
})()

/** Decimal digits of `v`, an integer 0-4294967295. */
export function writeDecimal (buf: Uint8Array, p: number, v: number): number {
  if (v < 10) {
    buf[p] = 48 + v
    return p + 1
  }
  if (v < 100) {
    const t = (v / 10) | 0
    buf[p] = 48 + t
    buf[p + 1] = 48 + v - 10 * t
    return p + 2
  }
  let digits = 3
  for (let t = 1000; t <= v && digits < 10; t *= 10) digits++
  for (let i = digits - 1; i >= 0; i--) {
    const t = Math.floor(v / 10)
    buf[p + i] = 48 + v - 10 * t
    v = t
  }
  return p + digits
}

/** Decimal digits of a signed 32-bit integer (C's %d of the value). */
export function writeSigned (buf: Uint8Array, p: number, v: number): number {
  const n = v | 0
  if (n >= 0) return writeDecimal(buf, p, n)
  buf[p] = 45 // '-'
  return writeDecimal(buf, p + 1, -n)
}

/** A dotted quad of an address held as an unsigned 32-bit number (first octet most significant). */
export function writeIpv4Number (buf: Uint8Array, p: number, n: number): number {
  p = writeOctet(buf, p, (n >>> 24) & 0xff)
  buf[p++] = 46
  p = writeOctet(buf, p, (n >>> 16) & 0xff)
  buf[p++] = 46
  p = writeOctet(buf, p, (n >>> 8) & 0xff)
  buf[p++] = 46
  return writeOctet(buf, p, n & 0xff)
}

/** Decimal digits of `v`, 0-255; writes 3 octets whatever the digit count, so needs room for 2 more. */
export function writeOctet (buf: Uint8Array, p: number, v: number): number {
  const t = v << 2
  buf[p] = OCTET_DIGITS[t + 1]
  buf[p + 1] = OCTET_DIGITS[t + 2]
  buf[p + 2] = OCTET_DIGITS[t + 3]
  return p + OCTET_DIGITS[t]
}

/** An ASCII (latin1) string, one byte per character. */
export function writeAscii (buf: Uint8Array, p: number, s: string): number {
  for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i)
  return p
}

/** `n` bytes of `src` from `from`. */
export function writeBytes (buf: Uint8Array, p: number, src: Uint8Array, from: number, n: number): number {
  for (let i = 0; i < n; i++) buf[p++] = src[from + i]
  return p
}
