// One turn's frames as the ingest thread hands them over: their keys, and their JSON as UTF-8
// octets end to end in one buffer that is transferred, not copied, to the main thread. The main
// thread copies each frame into its delivery log's arena and never holds the frames as strings
// (frame-arena.ts says why).

/** The frames of one batch: frame i is `octets[ends[i - 1] ?? 0, ends[i])`, for key `keys[i]`. */
export interface FrameBatch {
  keys: string[]
  ends: Uint32Array
  octets: Uint8Array<ArrayBuffer>
}

export class FrameBatchWriter {
  private keys: string[] = []
  private ends: number[] = []
  /** Where the frames are written; kept from batch to batch (each batch leaves with a copy). */
  private scratch = Buffer.allocUnsafeSlow(64 * 1024)
  private length = 0

  get count (): number {
    return this.keys.length
  }

  push (keyId: string, json: string): void {
    const size = Buffer.byteLength(json)
    if (this.length + size > this.scratch.length) this.grow(this.length + size)
    this.length += this.scratch.write(json, this.length, 'utf8')
    this.keys.push(keyId)
    this.ends.push(this.length)
  }

  /**
   * The batch so far, and a new one started. Its `octets` are a copy of exactly the frames' size
   * that owns its ArrayBuffer whole, so that it can go in a postMessage transfer list: a fresh
   * buffer of a fixed size per batch cost the main thread's heap ~16 KiB of external memory a
   * batch even at 1,000 UPDATE/s, one or two frames a batch.
   */
  take (): FrameBatch {
    const octets = Buffer.allocUnsafeSlow(this.length)
    this.scratch.copy(octets, 0, 0, this.length)
    const batch: FrameBatch = { keys: this.keys, ends: Uint32Array.from(this.ends), octets: new Uint8Array(octets.buffer, 0, this.length) }
    this.keys = []
    this.ends = []
    this.length = 0
    return batch
  }

  private grow (needed: number): void {
    const next = Buffer.allocUnsafeSlow(Math.max(needed, this.scratch.length * 2))
    this.scratch.copy(next, 0, 0, this.length)
    this.scratch = next
  }
}
