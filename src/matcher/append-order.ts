// A FIFO of (item, number) pairs in fixed-size chunks: the delivery log's frames in append order,
// for its global eviction. One array copied all of itself when it grew: with over 100,000 frames
// kept, a CPU profile of serve put 13 ms in one append (docs/benchmarks.md, stop 12). Here a push
// or a shift touches one chunk.

const CHUNK_PAIRS = 8192

export class AppendOrder<T> {
  /** Chunks of 2 * CHUNK_PAIRS slots: item, number, item, number, ... */
  private chunks: Array<Array<T | number>> = [[]]
  /** Next slot to shift from in chunks[0]. */
  private head = 0
  private pairs = 0

  /** Pairs queued. */
  get length (): number {
    return this.pairs
  }

  push (item: T, value: number): void {
    let last = this.chunks[this.chunks.length - 1]
    if (last.length === 2 * CHUNK_PAIRS) {
      last = []
      this.chunks.push(last)
    }
    last.push(item, value)
    this.pairs++
  }

  /** The oldest pair's item (call `shiftValue` after it), or undefined when empty. */
  peekItem (): T | undefined {
    return this.pairs === 0 ? undefined : this.chunks[0][this.head] as T
  }

  peekValue (): number {
    return this.chunks[0][this.head + 1] as number
  }

  /** Drop the oldest pair. */
  shift (): void {
    if (this.pairs === 0) return
    this.pairs--
    this.head += 2
    if (this.head === this.chunks[0].length) {
      if (this.chunks.length > 1) this.chunks.shift()
      else this.chunks[0] = []
      this.head = 0
    }
  }

  /** Keep only the pairs `keep` is true of, in order. */
  filter (keep: (item: T, value: number) => boolean): void {
    const old = this.chunks
    const head = this.head
    this.chunks = [[]]
    this.head = 0
    this.pairs = 0
    for (let c = 0; c < old.length; c++) {
      const chunk = old[c]
      for (let i = c === 0 ? head : 0; i < chunk.length; i += 2) {
        if (keep(chunk[i] as T, chunk[i + 1] as number)) this.push(chunk[i] as T, chunk[i + 1] as number)
      }
    }
  }
}
