// Output as bytes: lines are written straight into large buffers (bgpdump -m text is ASCII),
// and full buffers are handed to the caller to write. A buffer is never reused once handed out.

export const DEFAULT_CHUNK_SIZE = 1 << 20

export class ByteSink {
  buf: Buffer
  pos = 0
  private readonly size: number
  private readonly full: Uint8Array[] = []
  private readonly spare: Buffer[] = []

  constructor (size = DEFAULT_CHUNK_SIZE) {
    this.size = size
    this.buf = Buffer.allocUnsafeSlow(size)
  }

  /** Bytes written and not yet taken. */
  get length (): number {
    let n = this.pos
    for (const b of this.full) n += b.length
    return n
  }

  /** Make room for `n` more bytes at `pos`. */
  ensure (n: number): void {
    if (this.pos + n <= this.buf.length) return
    if (this.pos > 0) this.full.push(this.buf.subarray(0, this.pos))
    this.buf = n <= this.size ? this.fresh() : Buffer.allocUnsafeSlow(n)
    this.pos = 0
  }

  private fresh (): Buffer {
    return this.spare.pop() ?? Buffer.allocUnsafeSlow(this.size)
  }

  /** Give back a buffer from take() once it has been written, to be filled again. */
  recycle (chunk: Uint8Array): void {
    if (chunk.buffer.byteLength === this.size && this.spare.length < 8) {
      this.spare.push(Buffer.from(chunk.buffer, 0, this.size))
    }
  }

  /** Write an ASCII string. */
  ascii (s: string): void {
    this.ensure(s.length)
    this.pos += this.buf.write(s, this.pos, 'latin1')
  }

  /** Write `n` bytes of `bytes`. */
  bytes (bytes: Uint8Array, n: number): void {
    this.ensure(n)
    const buf = this.buf
    let p = this.pos
    for (let i = 0; i < n; i++) buf[p++] = bytes[i]
    this.pos = p
  }

  /** Full buffers, and with `all` the one being filled too; they are the caller's from now on. */
  take (all: boolean): Uint8Array[] {
    const out = this.full.splice(0)
    if (all && this.pos > 0) {
      out.push(this.buf.subarray(0, this.pos))
      this.buf = this.fresh()
      this.pos = 0
    }
    return out
  }

  /** Everything written so far as text (for tests and small outputs). */
  text (): string {
    return Buffer.concat(this.take(true)).toString('latin1')
  }
}

/** An ASCII string as bytes, in a reusable scratch array; returns its length. */
export class AsciiBytes {
  bytes: Buffer = Buffer.allocUnsafeSlow(256)
  length = 0

  set (s: string): void {
    const n = s.length
    if (n > this.bytes.length) this.bytes = Buffer.allocUnsafeSlow(n * 2)
    this.length = this.bytes.write(s, 0, 'latin1')
  }

  copyFrom (other: AsciiBytes): void {
    if (other.length > this.bytes.length) this.bytes = Buffer.allocUnsafeSlow(other.length * 2)
    other.bytes.copy(this.bytes, 0, 0, other.length)
    this.length = other.length
  }
}
