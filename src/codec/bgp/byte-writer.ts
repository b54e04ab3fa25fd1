// A growable output buffer for the encoders. Encoding is not the hot path (decoding is), so
// this favours simple code: write big-endian fields, patch lengths once known, copy out once.

export class ByteWriter {
  buf: Uint8Array
  length = 0

  constructor (capacity = 256) {
    this.buf = new Uint8Array(capacity)
  }

  reserve (n: number): void {
    if (this.length + n <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.length + n) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.length))
    this.buf = next
  }

  u8 (value: number): void {
    this.reserve(1)
    this.buf[this.length++] = value
  }

  u16 (value: number): void {
    this.reserve(2)
    this.buf[this.length++] = value >>> 8
    this.buf[this.length++] = value
  }

  u32 (value: number): void {
    this.reserve(4)
    this.buf[this.length++] = value >>> 24
    this.buf[this.length++] = value >>> 16
    this.buf[this.length++] = value >>> 8
    this.buf[this.length++] = value
  }

  bytes (value: Uint8Array): void {
    this.reserve(value.length)
    this.buf.set(value, this.length)
    this.length += value.length
  }

  /** Overwrite a 2-octet field written earlier, e.g. a length known only afterwards. */
  patchU16 (offset: number, value: number): void {
    this.buf[offset] = value >>> 8
    this.buf[offset + 1] = value
  }

  /** The bytes written so far, as a new array of exactly that length. */
  finish (): Uint8Array {
    return this.buf.slice(0, this.length)
  }
}
