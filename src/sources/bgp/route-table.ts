// The routes of one address family of one peer, in typed arrays: an open-addressing hash table
// (linear probing, backward-shift deletion, no tombstones) keyed by prefix (prefix-key.ts) and,
// under ADD-PATH (RFC 7911 §3), path identifier. A route is a handful of integers: the prefix
// words, its length and flags, and the id of its attribute set (attribute-intern.ts), side by
// side in one array so that a probe mostly touches one cache line; the path id is in a second
// array, made with the first route that has one. No object and no string per route.
//
// The hash covers the prefix only, so every path of a prefix lies on one probe run: all of them
// are found by walking that run. Within a prefix a route has a path id or has none: announcing
// without one replaces every path of the prefix, announcing with one replaces a route without.
import { formatPrefixKey } from './prefix-key.ts'

/** Lets the table drop its reference to an attribute set when a route goes. */
export interface RouteValueOwner {
  release (value: number): void
}

const LENGTH_MASK = 0xff
const USED = 0x100
const HAS_ID = 0x200
const STALE = 0x400
/** No path identifier (path ids are 0..2^32-1). */
export const NO_PATH_ID = -1
const MIN_CAPACITY = 16

function mix (h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}

/** Hash of the prefix in `words[at, at + n)` of length `bits`. */
function hashKey (words: Uint32Array, at: number, n: number, bits: number): number {
  let h = Math.imul(bits + 1, 0x9e3779b1)
  for (let w = 0; w < n; w++) h = mix(h ^ words[at + w])
  return h
}

export class RouteTable {
  /** Words per prefix: 1 (IPv4) or 4 (IPv6). */
  readonly words: number
  /** The prefix every call works on: fill `key[0, words)` first (prefix-key.ts). */
  readonly key: Uint32Array
  private readonly owner: RouteValueOwner
  /** Words per slot: the prefix, then meta (length, USED, HAS_ID, STALE), then the value. */
  private readonly stride: number
  private capacity = MIN_CAPACITY
  private mask = MIN_CAPACITY - 1
  private data: Uint32Array
  /** Path identifiers, allocated with the first route that has one. */
  private ids: Uint32Array | null = null
  /** Routes held, stale ones included. */
  size = 0
  staleCount = 0
  private withIds = 0

  constructor (words: number, owner: RouteValueOwner) {
    this.words = words
    this.owner = owner
    this.stride = words + 2
    this.key = new Uint32Array(words)
    this.data = new Uint32Array(MIN_CAPACITY * this.stride)
  }

  /** Slots to iterate over with `isUsed(i)`; entries may move on any change. */
  get slots (): number {
    return this.capacity
  }

  private metaAt (i: number): number {
    return this.data[i * this.stride + this.words]
  }

  isUsed (i: number): boolean {
    return (this.metaAt(i) & USED) !== 0
  }

  lengthAt (i: number): number {
    return this.metaAt(i) & LENGTH_MASK
  }

  pathIdAt (i: number): number | undefined {
    return (this.metaAt(i) & HAS_ID) !== 0 ? (this.ids as Uint32Array)[i] : undefined
  }

  valueAt (i: number): number {
    return this.data[i * this.stride + this.words + 1]
  }

  isStaleAt (i: number): boolean {
    return (this.metaAt(i) & STALE) !== 0
  }

  /** Canonical text of the prefix of slot i. */
  prefixAt (i: number): string {
    return formatPrefixKey(this.data, i * this.stride, this.words, this.lengthAt(i))
  }

  private home (bits: number): number {
    return (this.words === 1 ? mix(Math.imul(bits + 1, 0x9e3779b1) ^ this.key[0]) : hashKey(this.key, 0, 4, bits)) & this.mask
  }

  /** Home slot of the entry at `data[at]`, in a table of `mask + 1` slots. */
  private homeOf (data: Uint32Array, at: number, mask: number): number {
    const bits = data[at + this.words] & LENGTH_MASK
    return (this.words === 1 ? mix(Math.imul(bits + 1, 0x9e3779b1) ^ data[at]) : hashKey(data, at, 4, bits)) & mask
  }

  /** Slot i, whose meta is `meta`, holds the prefix of `key` with length `bits`. */
  private holdsKey (i: number, meta: number, bits: number): boolean {
    if ((meta & LENGTH_MASK) !== bits) return false
    const d = this.data
    const q = this.key
    if (this.words === 1) return d[i * 3] === q[0]
    const at = i * 6
    return d[at] === q[0] && d[at + 1] === q[1] && d[at + 2] === q[2] && d[at + 3] === q[3]
  }

  /** Slots holding routes of the prefix in `key` (every path id), in probe order. */
  find (bits: number): number[] {
    const out: number[] = []
    for (let i = this.home(bits), meta = this.metaAt(i); (meta & USED) !== 0; i = (i + 1) & this.mask, meta = this.metaAt(i)) {
      if (this.holdsKey(i, meta, bits)) out.push(i)
    }
    return out
  }

  /**
   * Store the route (prefix in `key`, `pathId` or NO_PATH_ID) with attribute set `value`.
   * Returns 1 when the table took a new reference to `value` (the caller counts it), 0 when the
   * route already had that value. References to values replaced are released.
   */
  set (bits: number, pathId: number, value: number): number {
    const simple = pathId === NO_PATH_ID ? this.withIds === 0 : this.withIds === this.size
    const mask = this.mask
    let i = this.home(bits)
    for (let meta = this.metaAt(i); (meta & USED) !== 0; i = (i + 1) & mask, meta = this.metaAt(i)) {
      if (!this.holdsKey(i, meta, bits)) continue
      if (!simple) return this.setMixed(bits, pathId, value)
      if (pathId !== NO_PATH_ID && (this.ids as Uint32Array)[i] !== pathId) continue
      return this.replaceAt(i, value)
    }
    if ((this.size + 1) * 8 > this.capacity * 5) {
      this.resize(this.capacity * 2)
      i = this.emptySlot(bits)
    }
    this.put(i, bits, pathId, value)
    return 1
  }

  /**
   * `set` of an IPv4 route without path id, the prefix given as its word `address` (the hot path
   * of a table transfer): the probe loop without the generality of `set`.
   */
  setIpv4 (address: number, bits: number, value: number): number {
    this.key[0] = address
    if (this.words !== 1 || this.withIds !== 0) return this.set(bits, NO_PATH_ID, value)
    const d = this.data
    const mask = this.mask
    let i = mix(Math.imul(bits + 1, 0x9e3779b1) ^ address) & mask
    for (;;) {
      const meta = d[i * 3 + 1]
      if ((meta & USED) === 0) break
      if (d[i * 3] === address && (meta & LENGTH_MASK) === bits) return this.replaceAt(i, value)
      i = (i + 1) & mask
    }
    if ((this.size + 1) * 8 > this.capacity * 5) {
      this.resize(this.capacity * 2)
      i = this.emptySlot(bits)
    }
    this.data[i * 3] = address
    this.data[i * 3 + 1] = USED | bits
    this.data[i * 3 + 2] = value
    this.size++
    return 1
  }

  /** `set` when routes with and without path id meet under one prefix. */
  private setMixed (bits: number, pathId: number, value: number): number {
    let kept = -1
    let i = this.home(bits)
    for (let meta = this.metaAt(i); (meta & USED) !== 0; meta = this.metaAt(i)) {
      if (this.holdsKey(i, meta, bits)) {
        const hasId = (meta & HAS_ID) !== 0
        const same = pathId === NO_PATH_ID ? !hasId : hasId && (this.ids as Uint32Array)[i] === pathId
        // Without a path id, every path of the prefix goes; with one, a route without goes.
        if (!same && (pathId === NO_PATH_ID || !hasId)) {
          this.owner.release(this.valueAt(i))
          this.removeAt(i)
          continue
        }
        if (same) kept = i
      }
      i = (i + 1) & this.mask
    }
    // Removals only move entries that come after the removed one: `kept` is still in place.
    if (kept >= 0) return this.replaceAt(kept, value)
    if ((this.size + 1) * 8 > this.capacity * 5) this.resize(this.capacity * 2)
    this.put(this.emptySlot(bits), bits, pathId, value)
    return 1
  }

  /** The first free slot of the probe run of the prefix in `key`. */
  private emptySlot (bits: number): number {
    let i = this.home(bits)
    while ((this.metaAt(i) & USED) !== 0) i = (i + 1) & this.mask
    return i
  }

  /** The same route again: replace its attribute set, un-stale it. */
  private replaceAt (i: number, value: number): number {
    const at = i * this.stride + this.words
    const d = this.data
    if ((d[at] & STALE) !== 0) {
      d[at] &= ~STALE
      this.staleCount--
    }
    const old = d[at + 1]
    if (old === value) return 0
    d[at + 1] = value
    this.owner.release(old)
    return 1
  }

  private put (i: number, bits: number, pathId: number, value: number): void {
    const n = this.words
    const at = i * this.stride
    const d = this.data
    for (let w = 0; w < n; w++) d[at + w] = this.key[w]
    d[at + n + 1] = value
    if (pathId === NO_PATH_ID) {
      d[at + n] = USED | bits
    } else {
      this.ids ??= new Uint32Array(this.capacity)
      this.ids[i] = pathId
      d[at + n] = USED | HAS_ID | bits
      this.withIds++
    }
    this.size++
  }

  /**
   * Remove the route of the prefix in `key` with `pathId` (a route without path id goes too),
   * or with NO_PATH_ID every route of the prefix. Returns how many went.
   */
  remove (bits: number, pathId: number): number {
    let removed = 0
    let i = this.home(bits)
    for (let meta = this.metaAt(i); (meta & USED) !== 0; meta = this.metaAt(i)) {
      if (this.holdsKey(i, meta, bits) && (pathId === NO_PATH_ID || (meta & HAS_ID) === 0 || (this.ids as Uint32Array)[i] === pathId)) {
        this.owner.release(this.valueAt(i))
        this.removeAt(i)
        removed++
        // The slot now holds what came after it, if anything: look at it again.
        continue
      }
      i = (i + 1) & this.mask
    }
    if (removed > 0 && this.capacity > MIN_CAPACITY && this.size * 16 < this.capacity) this.resize(this.capacity / 2)
    return removed
  }

  /**
   * Empty slot i, moving later entries of its probe run back (backward-shift deletion) so that
   * every entry stays reachable from its home slot. The value is not released.
   */
  private removeAt (i: number): void {
    const d = this.data
    const mask = this.mask
    const stride = this.stride
    const n = this.words
    const meta = d[i * stride + n]
    if ((meta & HAS_ID) !== 0) this.withIds--
    if ((meta & STALE) !== 0) this.staleCount--
    this.size--
    let hole = i
    for (let j = (i + 1) & mask; (d[j * stride + n] & USED) !== 0; j = (j + 1) & mask) {
      const home = this.homeOf(d, j * stride, mask)
      // Entry j may fill the hole when its home is not in the cyclic range (hole, j].
      const stays = hole <= j ? home > hole && home <= j : home > hole || home <= j
      if (stays) continue
      d.copyWithin(hole * stride, j * stride, (j + 1) * stride)
      if (this.ids !== null) this.ids[hole] = this.ids[j]
      hole = j
    }
    d[hole * stride + n] = 0
  }

  /** Mark every route stale (RFC 4724 §4.2). */
  markAllStale (): void {
    const d = this.data
    for (let at = this.words; at < d.length; at += this.stride) if ((d[at] & USED) !== 0) d[at] |= STALE
    this.staleCount = this.size
  }

  /**
   * Remove the routes for which `pick(slot)` is true (all with no `pick`), calling `gone(slot)`
   * before each goes. Values are released.
   */
  removeWhere (gone: (slot: number) => void, pick?: (slot: number) => boolean): void {
    if (pick === undefined) {
      for (let i = 0; i < this.capacity; i++) {
        if (!this.isUsed(i)) continue
        gone(i)
        this.owner.release(this.valueAt(i))
      }
      this.reset()
      return
    }
    for (let i = 0; i < this.capacity; i++) {
      // A removal may shift a later entry into slot i (or one already seen, from the start of
      // the table, past its end: looking at it again is harmless, it was kept).
      while (this.isUsed(i) && pick(i)) {
        gone(i)
        this.owner.release(this.valueAt(i))
        this.removeAt(i)
      }
    }
    if (this.capacity > MIN_CAPACITY && this.size * 16 < this.capacity) this.resize(Math.max(MIN_CAPACITY, this.capacity / 2))
  }

  private reset (): void {
    this.capacity = MIN_CAPACITY
    this.mask = MIN_CAPACITY - 1
    this.data = new Uint32Array(MIN_CAPACITY * this.stride)
    this.ids = null
    this.size = this.staleCount = this.withIds = 0
  }

  private resize (capacity: number): void {
    const { data, ids, stride } = this
    const n = this.words
    const mask = capacity - 1
    const next = new Uint32Array(capacity * stride)
    const nextIds = ids === null ? null : new Uint32Array(capacity)
    for (let i = 0, at = 0; at < data.length; i++, at += stride) {
      if ((data[at + n] & USED) === 0) continue
      let j = this.homeOf(data, at, mask)
      while ((next[j * stride + n] & USED) !== 0) j = (j + 1) & mask
      for (let w = 0, to = j * stride; w < stride; w++) next[to + w] = data[at + w]
      if (ids !== null) (nextIds as Uint32Array)[j] = ids[i]
    }
    this.capacity = capacity
    this.mask = mask
    this.data = next
    this.ids = nextIds
  }
}
