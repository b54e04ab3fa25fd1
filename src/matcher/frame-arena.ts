// Where the delivery log keeps its frames' octets: chunks of memory outside V8's heap, written
// front to back. Kept as JS strings, every frame the log holds was copied by each scavenge it
// lived through and then promoted, and serve's main thread paused 28 - 41 ms a scavenge at
// 10,000 UPDATE/s (docs/benchmarks.md, stop 12); here a frame costs the heap nothing but three
// numbers in its key's ring.
//
// A chunk is released (left to the garbage collector, never reused) when the last frame in it is
// released and it is not the one being written: a frame handed to a socket or queued in a session
// is a view of its chunk and must keep its octets whatever the log does after. A frame longer than
// a chunk gets a chunk of its own.

export class FrameArena {
  readonly chunkSize: number
  /** Octets of the chunks held (released ones excluded). */
  heldBytes = 0
  /** Chunks by id - firstId; undefined once released. */
  private chunks: Array<Buffer | undefined> = []
  /** Frames still kept in each chunk. */
  private live: number[] = []
  private firstId = 0
  /** The chunk being written, its id and how far. */
  private current: Buffer | undefined
  private currentId = -1
  private offset = 0

  constructor (chunkSize: number) {
    if (!Number.isInteger(chunkSize) || chunkSize < 64) throw new RangeError(`not a chunk size: ${chunkSize}`)
    this.chunkSize = chunkSize
  }

  /** Chunks held, released ones excluded. */
  get chunkCount (): number {
    let n = 0
    for (const c of this.chunks) if (c !== undefined) n++
    return n
  }

  /**
   * Room for a frame of `length` octets: the chunk to write it in (`buffer`, from `at`) and the
   * chunk's id for `release` and `view`. Counts the frame as kept in that chunk.
   */
  place (length: number): { id: number, buffer: Buffer, at: number } {
    if (length > this.chunkSize) {
      const id = this.add(Buffer.allocUnsafeSlow(length))
      this.live[id - this.firstId] = 1
      return { id, buffer: this.chunks[id - this.firstId] as Buffer, at: 0 }
    }
    if (this.current === undefined || this.offset + length > this.current.length) {
      const previous = this.currentId
      this.current = Buffer.allocUnsafeSlow(this.chunkSize)
      this.currentId = this.add(this.current)
      this.offset = 0
      if (previous >= 0 && this.live[previous - this.firstId] === 0) this.free(previous)
    }
    const at = this.offset
    this.offset += length
    this.live[this.currentId - this.firstId]++
    return { id: this.currentId, buffer: this.current, at }
  }

  /** The octets of a kept frame (a view: no copy). */
  view (id: number, at: number, length: number): Buffer {
    return (this.chunks[id - this.firstId] as Buffer).subarray(at, at + length)
  }

  /** A frame in chunk `id` is no longer kept. */
  release (id: number): void {
    const i = id - this.firstId
    if (--this.live[i] === 0 && id !== this.currentId) this.free(id)
  }

  private add (chunk: Buffer): number {
    this.chunks.push(chunk)
    this.live.push(0)
    this.heldBytes += chunk.length
    return this.firstId + this.chunks.length - 1
  }

  private free (id: number): void {
    const i = id - this.firstId
    this.heldBytes -= (this.chunks[i] as Buffer).length
    this.chunks[i] = undefined
    let drop = 0
    while (drop < this.chunks.length && this.chunks[drop] === undefined) drop++
    if (drop > 0) {
      this.chunks.splice(0, drop)
      this.live.splice(0, drop)
      this.firstId += drop
    }
  }
}
