// Bounds-checked big-endian reads over one record body. Every read checks its length first, so
// a short or lying body becomes an MrtDecodeError naming the record's offset, never a RangeError
// or an undefined read past the end of a view.

import { formatIpv4, formatIpv6 } from '../address.ts'
import { MrtDecodeError } from './errors.ts'
import type { MrtHeader } from './types.ts'

export class BodyReader {
  readonly body: Uint8Array
  readonly header: MrtHeader
  pos: number

  constructor (header: MrtHeader, body: Uint8Array, pos = 0) {
    this.header = header
    this.body = body
    this.pos = pos
  }

  get remaining (): number {
    return this.body.length - this.pos
  }

  /** Throws unless `n` more octets are there; `what` names the field for the message. */
  need (n: number, what: string): void {
    if (this.body.length - this.pos < n) {
      throw this.error('body ends inside ' + what + ' (need ' + n + ' octets at body offset ' + this.pos + ', have ' + (this.body.length - this.pos) + ')', 'truncated')
    }
  }

  u8 (what: string): number {
    this.need(1, what)
    return this.body[this.pos++]
  }

  u16 (what: string): number {
    this.need(2, what)
    const b = this.body
    const p = this.pos
    this.pos = p + 2
    return (b[p] << 8) | b[p + 1]
  }

  u32 (what: string): number {
    this.need(4, what)
    const b = this.body
    const p = this.pos
    this.pos = p + 4
    return ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0
  }

  /** A 2- or 4-octet AS number. */
  asn (four: boolean, what: string): number {
    return four ? this.u32(what) : this.u16(what)
  }

  ipv4 (what: string): string {
    this.need(4, what)
    const s = formatIpv4(this.body, this.pos)
    this.pos += 4
    return s
  }

  ipv6 (what: string): string {
    this.need(16, what)
    const s = formatIpv6(this.body, this.pos)
    this.pos += 16
    return s
  }

  /** An address of AFI 1 (IPv4) or 2 (IPv6). */
  ip (afi: number, what: string): string {
    return afi === 2 ? this.ipv6(what) : this.ipv4(what)
  }

  /** A zero-copy view of the next `n` octets. */
  bytes (n: number, what: string): Uint8Array {
    this.need(n, what)
    const out = this.body.subarray(this.pos, this.pos + n)
    this.pos += n
    return out
  }

  /** The rest of the body as a zero-copy view. */
  rest (): Uint8Array {
    const out = this.body.subarray(this.pos)
    this.pos = this.body.length
    return out
  }

  error (message: string, kind: 'truncated' | 'malformed' = 'malformed'): MrtDecodeError {
    const h = this.header
    return new MrtDecodeError('type ' + h.type + ' subtype ' + h.subtype + ': ' + message, { offset: h.offset, kind })
  }
}
