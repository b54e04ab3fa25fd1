// Splits a byte stream into MRT records (RFC 6396 §2): a 12-octet common header (timestamp,
// type, subtype, length) and `length` octets of message. For BGP4MP_ET (§3) the 4 microsecond
// octets are part of the message field and counted in the length; record.ts takes them off.
// No I/O: push chunks in, take whole records out. Records are zero-copy views into the pushed
// chunk; only a record that straddles two chunks is copied.

import { MrtDecodeError } from './errors.ts'
import { tableDumpLengthIsShort } from './table-dump.ts'
import type { MrtHeader } from './types.ts'

/** A record length above this is taken for a corrupt file rather than allocated. */
export const DEFAULT_MAX_RECORD_LENGTH = 16 * 1024 * 1024

export const MRT_HEADER_LENGTH = 12

const TYPE_TABLE_DUMP = 12
const EMPTY = new Uint8Array(0)

export interface MrtFrame {
  /** `microseconds` is 0 and `length` the declared one until record.ts decodes the body. */
  header: MrtHeader
  body: Uint8Array
}

export interface MrtFramingOptions {
  maxRecordLength?: number
}

export class MrtFraming {
  readonly maxRecordLength: number
  /** Bytes of whole records handed out so far: the offset of the next record. */
  offset = 0
  /**
   * The TABLE_DUMP length bug (table-dump.ts): undecided until the first TABLE_DUMP record,
   * then 0 (a correct file) or 4 (every TABLE_DUMP length is 4 octets short).
   */
  tableDumpLengthFix: number | null = null

  private buf: Uint8Array = EMPTY
  private pos = 0
  /** A straddling record being assembled in its own buffer, and how much of it is filled. */
  private asm: Uint8Array | null = null
  private asmFill = 0
  /** What follows the assembled record in the chunk that completed it. */
  private after: Uint8Array = EMPTY
  private ended = false

  constructor (options: MrtFramingOptions = {}) {
    this.maxRecordLength = options.maxRecordLength ?? DEFAULT_MAX_RECORD_LENGTH
  }

  /** Bytes pushed but not yet handed out as records. */
  get buffered (): number {
    return (this.asm !== null ? this.asmFill : this.buf.length - this.pos) + this.after.length
  }

  push (chunk: Uint8Array): void {
    if (this.ended) throw new Error('MrtFraming: push after end')
    if (chunk.length === 0) return
    if (this.asm !== null) {
      const take = Math.min(chunk.length, this.asm.length - this.asmFill)
      this.asm.set(chunk.subarray(0, take), this.asmFill)
      this.asmFill += take
      if (this.asmFill === this.asm.length) {
        this.buf = this.asm
        this.pos = 0
        this.asm = null
        this.after = chunk.subarray(take)
      }
      return
    }
    if (this.after.length > 0) {
      // Only while the assembled record has not been taken yet.
      this.after = concat(this.after, chunk)
      return
    }
    const rest = this.buf.length - this.pos
    if (rest === 0) {
      this.buf = chunk
      this.pos = 0
      return
    }
    const leftover = this.buf.subarray(this.pos)
    const total = rest >= MRT_HEADER_LENGTH ? this.recordSize(leftover, 0) : -1
    // The first TABLE_DUMP record is not assembled on its own: deciding the length bug needs the
    // 4 octets after it (decideTableDumpFix), so it goes the concatenating way.
    const undecided = this.tableDumpLengthFix === null && rest >= 6 && ((leftover[4] << 8) | leftover[5]) === TYPE_TABLE_DUMP
    if (total > rest + chunk.length && !undecided) {
      // A record longer than what we have even with this chunk: assemble it in its own buffer
      // so that a large record arriving in many small chunks is copied once, not once per chunk.
      this.asm = new Uint8Array(total)
      this.asm.set(leftover, 0)
      this.asm.set(chunk, rest)
      this.asmFill = rest + chunk.length
      this.buf = EMPTY
      this.pos = 0
      return
    }
    this.buf = concat(leftover, chunk)
    this.pos = 0
  }

  /** No more input: next() drains what is left, then reports a partial record as truncated. */
  end (): void {
    this.ended = true
  }

  /**
   * The next whole record, or null when more input is needed (or, after end(), at the clean end
   * of the stream). Throws MrtDecodeError for an impossible length or, after end(), a partial record.
   */
  next (): MrtFrame | null {
    if (this.pos === this.buf.length && this.after.length > 0) {
      this.buf = this.after
      this.pos = 0
      this.after = EMPTY
    }
    const buf = this.buf
    const pos = this.pos
    const avail = buf.length - pos
    if (avail < MRT_HEADER_LENGTH || this.asm !== null) return this.incomplete(avail)
    const type = (buf[pos + 4] << 8) | buf[pos + 5]
    if (type === TYPE_TABLE_DUMP && this.tableDumpLengthFix === null) {
      if (!this.decideTableDumpFix(buf, pos, avail)) return this.incomplete(avail)
    }
    const total = this.recordSize(buf, pos)
    if (total > avail) return this.incomplete(avail)
    const header: MrtHeader = {
      timestamp: ((buf[pos] << 24) | (buf[pos + 1] << 16) | (buf[pos + 2] << 8) | buf[pos + 3]) >>> 0,
      microseconds: 0,
      type,
      subtype: (buf[pos + 6] << 8) | buf[pos + 7],
      length: total - MRT_HEADER_LENGTH,
      offset: this.offset
    }
    const body = buf.subarray(pos + MRT_HEADER_LENGTH, pos + total)
    this.pos = pos + total
    this.offset += total
    return { header, body }
  }

  /** Header plus body length of the record at `pos` (12 octets readable), checked against the maximum. */
  private recordSize (buf: Uint8Array, pos: number): number {
    const length = ((buf[pos + 8] << 24) | (buf[pos + 9] << 16) | (buf[pos + 10] << 8) | buf[pos + 11]) >>> 0
    if (length > this.maxRecordLength) {
      throw new MrtDecodeError('record length ' + length + ' exceeds the maximum of ' + this.maxRecordLength + ' (corrupt file?)', { offset: this.offset, kind: 'too-large' })
    }
    const type = (buf[pos + 4] << 8) | buf[pos + 5]
    const fix = type === TYPE_TABLE_DUMP && this.tableDumpLengthFix !== null ? this.tableDumpLengthFix : 0
    return MRT_HEADER_LENGTH + length + fix
  }

  /** Decide the TABLE_DUMP length fix from the first TABLE_DUMP record; false when it needs more bytes. */
  private decideTableDumpFix (buf: Uint8Array, pos: number, avail: number): boolean {
    const length = ((buf[pos + 8] << 24) | (buf[pos + 9] << 16) | (buf[pos + 10] << 8) | buf[pos + 11]) >>> 0
    if (length > this.maxRecordLength) return true // recordSize() reports it
    const need = MRT_HEADER_LENGTH + length + 4
    if (avail < need && !this.ended) return false
    const subtype = (buf[pos + 6] << 8) | buf[pos + 7]
    const body = buf.subarray(pos + MRT_HEADER_LENGTH, pos + Math.min(avail, need))
    this.tableDumpLengthFix = avail >= need && tableDumpLengthIsShort(body, subtype, length) ? 4 : 0
    return true
  }

  private incomplete (avail: number): null {
    if (!this.ended || (avail === 0 && this.asm === null)) return null
    const have = this.asm !== null ? this.asmFill : avail
    const want = this.asm !== null ? this.asm.length : (avail >= MRT_HEADER_LENGTH ? this.recordSize(this.buf, this.pos) : MRT_HEADER_LENGTH)
    const what = avail < MRT_HEADER_LENGTH && this.asm === null ? 'header' : 'record'
    throw new MrtDecodeError('stream ends inside a ' + what + ' (' + have + ' of ' + want + ' bytes)', { offset: this.offset, kind: 'truncated' })
  }
}

function concat (a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}
