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

const MIN_CAPACITY = 16 * 1024

export class FrameBatchWriter {
  private keys: string[] = []
  private ends: number[] = []
  private buffer = Buffer.allocUnsafeSlow(MIN_CAPACITY)
  private length = 0

  get count (): number {
    return this.keys.length
  }

  push (keyId: string, json: string): void {
    const size = Buffer.byteLength(json)
    if (this.length + size > this.buffer.length) this.grow(this.length + size)
    this.length += this.buffer.write(json, this.length, 'utf8')
    this.keys.push(keyId)
    this.ends.push(this.length)
  }

  /**
   * The batch so far, and a new one started. Its `octets` own their ArrayBuffer whole, so that it
   * can go in a postMessage transfer list.
   */
  take (): FrameBatch {
    const batch: FrameBatch = { keys: this.keys, ends: Uint32Array.from(this.ends), octets: new Uint8Array(this.buffer.buffer, 0, this.length) }
    this.keys = []
    this.ends = []
    this.buffer = Buffer.allocUnsafeSlow(Math.max(MIN_CAPACITY, this.length))
    this.length = 0
    return batch
  }

  private grow (needed: number): void {
    const next = Buffer.allocUnsafeSlow(Math.max(needed, this.buffer.length * 2))
    this.buffer.copy(next, 0, 0, this.length)
    this.buffer = next
  }
}
