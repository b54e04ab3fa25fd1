// A FIFO of at most `capacity` items in a ring that grows by doubling up to the capacity.

export class BoundedQueue<T> {
  readonly capacity: number
  private ring: Array<T | undefined> = []
  private head = 0
  private count = 0

  constructor (capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new RangeError(`queue capacity must be a positive integer: ${capacity}`)
    this.capacity = capacity
  }

  get length (): number {
    return this.count
  }

  get full (): boolean {
    return this.count >= this.capacity
  }

  /** Add at the tail; false (nothing added) when full. */
  push (item: T): boolean {
    if (this.count >= this.capacity) return false
    if (this.count === this.ring.length) this.grow()
    this.ring[(this.head + this.count) % this.ring.length] = item
    this.count++
    return true
  }

  /** Take from the head; undefined when empty. */
  shift (): T | undefined {
    if (this.count === 0) return undefined
    const item = this.ring[this.head]
    this.ring[this.head] = undefined
    this.head = (this.head + 1) % this.ring.length
    this.count--
    return item
  }

  clear (): void {
    this.ring = []
    this.head = 0
    this.count = 0
  }

  private grow (): void {
    const size = Math.min(Math.max(16, this.ring.length * 2), this.capacity)
    const next = new Array<T | undefined>(size)
    for (let i = 0; i < this.count; i++) next[i] = this.ring[(this.head + i) % this.ring.length]
    this.ring = next
    this.head = 0
  }
}
