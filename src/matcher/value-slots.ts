// The values (API keys) of the trie's prefixes, one slot per stored prefix. Most prefixes have one
// key, so a slot is its first value in `heads` and, only when there are more, the others in
// `tails`: a single-valued prefix costs one array element and no object. A slot with many values
// gets an index for O(1) removal (a prefix thousands of keys share, such as a default route).

/** Above this many values in a slot, an index of their positions is kept. */
const INDEX_THRESHOLD = 16

export class ValueSlots<V> {
  private heads: V[] = []
  private tails: Array<V[] | undefined> = []
  private indexes = new Map<number, Map<V, number>>()
  private freeSlots: number[] = []

  /** A new slot holding `value`; returns its number. */
  open (value: V): number {
    if (this.freeSlots.length > 0) {
      const slot = this.freeSlots.pop() as number
      this.heads[slot] = value
      return slot
    }
    this.heads.push(value)
    this.tails.push(undefined)
    return this.heads.length - 1
  }

  /** Push the slot's values onto `out`; returns how many. */
  collect (slot: number, out: V[]): number {
    out.push(this.heads[slot])
    const tail = this.tails[slot]
    if (tail === undefined) return 1
    for (let i = 0; i < tail.length; i++) out.push(tail[i])
    return 1 + tail.length
  }

  /** The slot's values, a copy. */
  values (slot: number): V[] {
    const out: V[] = []
    this.collect(slot, out)
    return out
  }

  /** Add `value` to the slot; false when it is there already. */
  add (slot: number, value: V): boolean {
    if (this.position(slot, value) !== -1) return false
    let tail = this.tails[slot]
    if (tail === undefined) tail = this.tails[slot] = []
    tail.push(value)
    const index = this.indexes.get(slot)
    if (index !== undefined) index.set(value, tail.length)
    else if (tail.length + 1 > INDEX_THRESHOLD) this.indexes.set(slot, new Map(this.values(slot).map((v, i) => [v, i])))
    return true
  }

  /**
   * Remove `value` from the slot: 'absent' when it was not there, 'emptied' when it was the last
   * (the slot is then free for reuse), else 'removed'.
   */
  remove (slot: number, value: V): 'absent' | 'removed' | 'emptied' {
    const at = this.position(slot, value)
    if (at === -1) return 'absent'
    const tail = this.tails[slot]
    if (tail === undefined) {
      this.heads[slot] = undefined as V
      this.freeSlots.push(slot)
      return 'emptied'
    }
    // Move the last value into the hole.
    const last = tail.pop() as V
    const index = this.indexes.get(slot)
    index?.delete(value)
    if (at <= tail.length) {
      if (at === 0) this.heads[slot] = last
      else tail[at - 1] = last
      index?.set(last, at)
    }
    if (tail.length === 0) this.tails[slot] = undefined
    if (index !== undefined && tail.length + 1 <= INDEX_THRESHOLD / 2) this.indexes.delete(slot)
    return 'removed'
  }

  /** Position of `value` in the slot (0 = head), or -1. */
  private position (slot: number, value: V): number {
    const index = this.indexes.get(slot)
    if (index !== undefined) return index.get(value) ?? -1
    if (this.heads[slot] === value) return 0
    const tail = this.tails[slot]
    if (tail === undefined) return -1
    const i = tail.indexOf(value)
    return i === -1 ? -1 : i + 1
  }
}
