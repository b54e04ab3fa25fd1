// Where the delivery log keeps its frames' octets: chunks of memory outside V8's heap, written
// front to back. Kept as JS strings, every frame the log holds was copied by each scavenge it
// lived through and then promoted, and serve's main thread paused 28 - 41 ms a scavenge at
// 10,000 UPDATE/s (docs/benchmarks.md, stop 12); here a frame costs the heap nothing but three
// numbers in its key's ring.
//
// No view of a chunk leaves the arena: a frame is copied out (`copy`) to be sent or queued, so
// that a chunk can be written again once the last frame in it is released. A released chunk is
// kept as a spare (up to MAX_SPARE_CHUNKS) and is the next one written: a full log releases
// chunks as fast as it needs new ones and stops allocating. V8 counts the octets of every new
// chunk as external memory and, without reuse, marked the whole main heap after each ~64 MiB of
// them (every ~18 s at 10,000 UPDATE/s, docs/benchmarks.md, stop 14). A frame longer than a
// chunk gets a chunk of its own, never kept as a spare.

/** Released chunks kept for reuse. */
export const MAX_SPARE_CHUNKS = 4

export class FrameArena {
  readonly chunkSize: number
  /** Octets of the chunks held (released ones excluded, spares too). */
  heldBytes = 0
  /** Chunks ever allocated (a spare written again is not counted again). */
  chunksAllocated = 0
  /** Chunks by id - firstId; undefined once released. */
  private chunks: Array<Buffer | undefined> = []
  /** Frames still kept in each chunk. */
  private live: number[] = []
  private firstId = 0
  /** The chunk being written, its id and how far. */
  private current: Buffer | undefined
  private currentId = -1
  private offset = 0
  /** Released chunks of `chunkSize` octets, to be written again. */
  private readonly spares: Buffer[] = []

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
      const id = this.add(this.allocate(length))
      this.live[id - this.firstId] = 1
      return { id, buffer: this.chunks[id - this.firstId] as Buffer, at: 0 }
    }
    if (this.current === undefined || this.offset + length > this.current.length) {
      const previous = this.currentId
      this.current = this.spares.pop() ?? this.allocate(this.chunkSize)
      this.currentId = this.add(this.current)
      this.offset = 0
      if (previous >= 0 && this.live[previous - this.firstId] === 0) this.free(previous)
    }
    const at = this.offset
    this.offset += length
    this.live[this.currentId - this.firstId]++
    return { id: this.currentId, buffer: this.current, at }
  }

  /** Spare chunks (released, kept to be written again). */
  get spareCount (): number {
    return this.spares.length
  }

  /** The octets of a kept frame, in a buffer of their own (the chunk may be written again once released). */
  copy (id: number, at: number, length: number): Buffer {
    const out = Buffer.allocUnsafe(length)
    ;(this.chunks[id - this.firstId] as Buffer).copy(out, 0, at, at + length)
    return out
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

  private allocate (length: number): Buffer {
    this.chunksAllocated++
    return Buffer.allocUnsafeSlow(length)
  }

  private free (id: number): void {
    const i = id - this.firstId
    const chunk = this.chunks[i] as Buffer
    this.heldBytes -= chunk.length
    if (chunk.length === this.chunkSize && this.spares.length < MAX_SPARE_CHUNKS) this.spares.push(chunk)
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
