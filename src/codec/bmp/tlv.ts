// Information TLVs, RFC 7854 §4.4: type (2 octets) | length (2 octets) | value. Used by
// Initiation (§4.3), Termination (§4.5), Peer Up (§4.10), Route Mirroring (§4.7) and Peer Down
// reason 6 (RFC 9069 §5.4).

import { need, putU16, u16 } from './bytes.ts'
import type { BmpTlv } from './types.ts'

/** Decode the TLVs filling `buf` from `offset` to `end`. A TLV running past `end` is an error. */
export function decodeTlvs (buf: Uint8Array, offset: number, end: number, messageType?: number): BmpTlv[] {
  const tlvs: BmpTlv[] = []
  const bounded = buf.subarray(0, end)
  while (offset < end) {
    need(bounded, offset, 4, 'information TLV header', messageType)
    const length = u16(buf, offset + 2)
    need(bounded, offset + 4, length, `information TLV type ${u16(buf, offset)} value`, messageType)
    tlvs.push({ type: u16(buf, offset), value: buf.slice(offset + 4, offset + 4 + length) })
    offset += 4 + length
  }
  return tlvs
}

export function encodeTlvs (tlvs: readonly BmpTlv[]): Uint8Array {
  let length = 0
  for (const t of tlvs) {
    if (t.value.length > 0xffff) throw new RangeError(`TLV type ${t.type} longer than 65535 octets`)
    length += 4 + t.value.length
  }
  const out = new Uint8Array(length)
  let offset = 0
  for (const t of tlvs) {
    putU16(out, offset, t.type)
    putU16(out, offset + 2, t.value.length)
    out.set(t.value, offset + 4)
    offset += 4 + t.value.length
  }
  return out
}

const utf8 = new TextDecoder('utf-8')
const utf8Encoder = new TextEncoder()

/**
 * The value of the first TLV of `type` as text (RFC 7854 §4.4: strings are UTF-8 and not
 * NUL-terminated; some routers add a NUL anyway, which is dropped), or undefined.
 */
export function tlvText (tlvs: readonly BmpTlv[], type: number): string | undefined {
  const tlv = tlvs.find(t => t.type === type)
  if (tlv === undefined) return undefined
  return utf8.decode(tlv.value).replace(/\0+$/, '')
}

/** A TLV holding `text` as UTF-8. */
export function textTlv (type: number, text: string): BmpTlv {
  return { type, value: utf8Encoder.encode(text) }
}
