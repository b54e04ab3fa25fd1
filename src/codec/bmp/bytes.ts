// Small bounds-checked readers and writers shared by the BMP message files. Every read that can
// run past the end of a message goes through `need`, which throws a BmpDecodeError naming the
// field, so no decoder ever reads undefined out of a Uint8Array.

import { BmpDecodeError } from './errors.ts'

/** Throw unless `n` octets are available at `offset` of `buf` (a whole BMP message). */
export function need (buf: Uint8Array, offset: number, n: number, what: string, messageType?: number): void {
  if (offset + n > buf.length) {
    throw new BmpDecodeError(`${what}: needs ${n} octets, ${Math.max(0, buf.length - offset)} left`, {
      offset,
      bytes: buf.subarray(offset),
      messageType
    })
  }
}

export function u16 (buf: Uint8Array, offset: number): number {
  return (buf[offset] << 8) | buf[offset + 1]
}

export function u32 (buf: Uint8Array, offset: number): number {
  return ((buf[offset] << 24) | (buf[offset + 1] << 16) | (buf[offset + 2] << 8) | buf[offset + 3]) >>> 0
}

export function u64 (buf: Uint8Array, offset: number): bigint {
  return (BigInt(u32(buf, offset)) << 32n) | BigInt(u32(buf, offset + 4))
}

export function putU16 (out: Uint8Array, offset: number, value: number): void {
  out[offset] = value >>> 8
  out[offset + 1] = value
}

export function putU32 (out: Uint8Array, offset: number, value: number): void {
  out[offset] = value >>> 24
  out[offset + 1] = value >>> 16
  out[offset + 2] = value >>> 8
  out[offset + 3] = value
}

export function putU64 (out: Uint8Array, offset: number, value: bigint): void {
  putU32(out, offset, Number((value >> 32n) & 0xffffffffn))
  putU32(out, offset + 4, Number(value & 0xffffffffn))
}

/** Concatenate byte arrays into one new array. */
export function concat (parts: readonly Uint8Array[]): Uint8Array {
  let length = 0
  for (const p of parts) length += p.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}

/** Lower-case hex of some bytes (for keys and messages). */
export function toHex (buf: Uint8Array): string {
  let hex = ''
  for (let i = 0; i < buf.length; i++) hex += (buf[i] < 16 ? '0' : '') + buf[i].toString(16)
  return hex
}
