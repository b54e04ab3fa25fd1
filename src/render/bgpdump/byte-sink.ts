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

/** Exact-length views are kept for texts up to this length. */
const MAX_VIEW = 4096

/**
 * ASCII text as bytes in a reusable scratch array, written with set() or directly into `bytes`
 * (then `length` set). view() gives the text as an array of its exact length, for
 * Uint8Array.prototype.set, the fastest way to copy it; views are cached, so allocate nothing.
 */
export class AsciiBytes {
  bytes: Buffer
  length = 0
  private views: Array<Uint8Array | undefined> = []

  constructor (size = 256) {
    this.bytes = Buffer.allocUnsafeSlow(size)
  }

  /** Room for `n` bytes; the content is not kept when it grows. */
  reserve (n: number): void {
    if (n > this.bytes.length) {
      this.bytes = Buffer.allocUnsafeSlow(Math.max(n, this.bytes.length * 2))
      this.views = []
    }
  }

  set (s: string): void {
    this.reserve(s.length)
    this.length = this.bytes.write(s, 0, 'latin1')
  }

  copyFrom (other: AsciiBytes): void {
    this.reserve(other.length)
    other.bytes.copy(this.bytes, 0, 0, other.length)
    this.length = other.length
  }

  /**
   * The text followed by `more`, which is written after it (the text stays as it is), as an
   * array of that length, sharing `bytes`.
   */
  viewWith (more: Uint8Array): Uint8Array {
    const n = this.length + more.length
    if (n > this.bytes.length) {
      const bytes = Buffer.allocUnsafeSlow(n * 2)
      this.bytes.copy(bytes, 0, 0, this.length)
      this.bytes = bytes
      this.views = []
    }
    this.bytes.set(more, this.length)
    return this.viewOf(n)
  }

  /** The text as an array of its length, sharing `bytes`. */
  view (): Uint8Array {
    return this.viewOf(this.length)
  }

  private viewOf (n: number): Uint8Array {
    if (n > MAX_VIEW) return this.bytes.subarray(0, n)
    if (this.views.length === 0) this.views = new Array<Uint8Array | undefined>(MAX_VIEW + 1).fill(undefined)
    let v = this.views[n]
    if (v === undefined) {
      v = this.bytes.subarray(0, n)
      this.views[n] = v
    }
    return v
  }

  toString (): string {
    return this.bytes.toString('latin1', 0, this.length)
  }
}
