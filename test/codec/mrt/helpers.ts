// Test helpers: MRT records from hex, with the common header built around a body.
import type { MrtHeader } from '../../../src/codec/mrt/types.ts'

/** Bytes from hex; spaces, newlines and `|` separators are ignored. */
export function hex (text: string): Uint8Array {
  const clean = text.replace(/[\s|]/g, '')
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new Error('bad hex: ' + text)
  return Uint8Array.from(Buffer.from(clean, 'hex'))
}

export function toHex (bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex')
}

/** A whole record: RFC 6396 §2 header (timestamp, type, subtype, length) and the body. */
export function mrtRecord (type: number, subtype: number, body: Uint8Array, timestamp = 0x5b9a0000): Uint8Array {
  const out = new Uint8Array(12 + body.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, timestamp)
  view.setUint16(4, type)
  view.setUint16(6, subtype)
  view.setUint32(8, body.length)
  out.set(body, 12)
  return out
}

export function header (type: number, subtype: number, length: number, offset = 0): MrtHeader {
  return { timestamp: 0x5b9a0000, microseconds: 0, type, subtype, length, offset }
}

export function concatBytes (...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts))
}
