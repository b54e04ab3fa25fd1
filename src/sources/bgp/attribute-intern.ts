// Path attribute sets shared between prefixes and peers. A full table holds about a million
// routes but only a few hundred thousand distinct attribute sets, so each route holds the number
// of one interned set (route-table.ts), and each set counts the routes holding it: it goes with
// the last one, and its number is used again.
//
// A set made from the octets of an UPDATE without RFC 7606 error is kept as its attribute key
// (attribute-key.ts) in one byte arena, found through an open-addressing table of set numbers:
// no JavaScript object or string per set, nothing for the garbage collector to trace. Its
// decoded attributes and next hop are made again from the octets when asked for (a route
// lookup: rare). Sets made from decoded records (no octets at hand, or an RFC 7606 error) keep
// the record's attributes, keyed by a string.
import type { RecordAttributes } from '../../record/types.ts'
import { attributesFromKey } from './attribute-key.ts'

export { attributeKey } from './attribute-key.ts'

export interface StoredPath {
  readonly attrs: RecordAttributes
  readonly nextHop: string | null
  readonly nextHopLl: string | undefined
  /** Equal for the same set. */
  readonly key: string
}

/** Kinds of set (`kind` per number); the octet kinds are NLRI-field or MP_REACH_NLRI routes, with 2- or 4-octet ASNs. */
const FREE = 0
const OCTETS = 1
const BY_VALUE = 5
/** Octets before each octet set in the arena: its number and its length (u32 each, big-endian). */
const HEADER = 8

/** Octets kind: 1 + (asn4 ? 2 : 0) + (mpReach ? 1 : 0). */
function octetsKind (asn4: boolean, mpReach: boolean): number {
  return OCTETS + (asn4 ? 2 : 0) + (mpReach ? 1 : 0)
}

function hashOctets (bytes: Uint8Array, length: number, kind: number): number {
  let h = Math.imul(kind ^ length, 0x9e3779b1)
  let i = 0
  for (; i + 4 <= length; i += 4) {
    h = Math.imul(h ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)), 0x85ebca6b)
    h ^= h >>> 15
  }
  for (; i < length; i++) h = Math.imul(h ^ bytes[i], 0xc2b2ae35)
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  return (h ^ (h >>> 13)) >>> 0
}

function readU32 (a: Uint8Array, at: number): number {
  return ((a[at] << 24) | (a[at + 1] << 16) | (a[at + 2] << 8) | a[at + 3]) >>> 0
}

function writeU32 (a: Uint8Array, at: number, v: number): void {
  a[at] = v >>> 24
  a[at + 1] = (v >>> 16) & 0xff
  a[at + 2] = (v >>> 8) & 0xff
  a[at + 3] = v & 0xff
}

export class AttributeInterner {
  // Per set number.
  private kind = new Uint8Array(256)
  private refs = new Int32Array(256)
  private offset = new Uint32Array(256)
  private length = new Uint32Array(256)
  private hash = new Uint32Array(256)
  private readonly free: number[] = []
  private next = 0
  // Octet sets: the arena, and the table of set numbers (-1: empty slot).
  private arena = new Uint8Array(1 << 16)
  private arenaUsed = 0
  private arenaLive = 0
  private slots = new Int32Array(1024).fill(-1)
  private octetSets = 0
  // Sets by value.
  private readonly byValue = new Map<string, number>()
  private readonly values = new Map<number, StoredPath>()

  /** Attribute sets held. */
  get size (): number {
    return this.octetSets + this.byValue.size
  }

  /** Octets of the arena of octet sets: allocated, and holding live sets (with their headers). */
  get arenaBytes (): { allocated: number, live: number } {
    return { allocated: this.arena.length, live: this.arenaLive }
  }

  /**
   * The number of the shared set for these attributes and next hop, created when new. The caller
   * counts the routes it stores under it (`retain`), or calls `releaseIfUnused` if it stores none.
   */
  acquire (attrKey: string, attrs: RecordAttributes, nextHop: string | null, nextHopLl: string | undefined): number {
    const key = nextHopLl === undefined ? attrKey + '\u0000' + (nextHop ?? '') : attrKey + '\u0000' + (nextHop ?? '') + '\u0000' + nextHopLl
    const found = this.byValue.get(key)
    if (found !== undefined) return found
    const id = this.newId(BY_VALUE)
    this.byValue.set(key, id)
    this.values.set(id, { attrs, nextHop, nextHopLl, key })
    return id
  }

  /**
   * `acquire` for the attribute key `key[0, length)` (AttributeKeyWriter) of an UPDATE without
   * RFC 7606 error whose MP_REACH/MP_UNREACH (if any) are of families the codec decodes,
   * received on a session with (`asn4`) or without 4-octet ASNs, for the routes of its NLRI
   * field (`mpReach` false: next hop from NEXT_HOP) or of its MP_REACH_NLRI (true).
   */
  acquireOctets (key: Uint8Array, length: number, asn4: boolean, mpReach: boolean): number {
    const kind = octetsKind(asn4, mpReach)
    const h = hashOctets(key, length, kind)
    const mask = this.slots.length - 1
    let s = h & mask
    for (let id = this.slots[s]; id >= 0; s = (s + 1) & mask, id = this.slots[s]) {
      if (this.hash[id] === h && this.kind[id] === kind && this.length[id] === length && this.sameOctets(id, key, length)) return id
    }
    if (this.arenaUsed + HEADER + length > this.arena.length) this.compact(HEADER + length)
    const id = this.newId(kind)
    const arena = this.arena
    const at = this.arenaUsed + HEADER
    writeU32(arena, at - HEADER, id)
    writeU32(arena, at - 4, length)
    for (let i = 0; i < length; i++) arena[at + i] = key[i]
    this.offset[id] = at
    this.length[id] = length
    this.hash[id] = h
    this.arenaUsed += HEADER + length
    this.arenaLive += HEADER + length
    this.octetSets++
    if (this.octetSets * 2 > this.slots.length) this.rehash(this.slots.length * 2)
    else this.slots[s] = id
    return id
  }

  private sameOctets (id: number, key: Uint8Array, length: number): boolean {
    const a = this.arena
    const o = this.offset[id]
    for (let i = 0; i < length; i++) if (a[o + i] !== key[i]) return false
    return true
  }

  private newId (kind: number): number {
    const id = this.free.length > 0 ? this.free.pop() as number : this.next++
    if (id >= this.kind.length) this.growIds()
    this.kind[id] = kind
    this.refs[id] = 0
    return id
  }

  private growIds (): void {
    const n = this.kind.length * 2
    const grow = <T extends Uint8Array | Int32Array | Uint32Array>(a: T, make: (n: number) => T): T => {
      const b = make(n)
      b.set(a)
      return b
    }
    this.kind = grow(this.kind, (k) => new Uint8Array(k))
    this.refs = grow(this.refs, (k) => new Int32Array(k))
    this.offset = grow(this.offset, (k) => new Uint32Array(k))
    this.length = grow(this.length, (k) => new Uint32Array(k))
    this.hash = grow(this.hash, (k) => new Uint32Array(k))
  }

  /**
   * Room for `room` more octets. The live sets slide down to the start of the arena, in place and
   * in arena order: each set's octets follow a header with its number and length, so one pass
   * over the arena finds them, skipping the dead (a number freed, or used again for a set placed
   * elsewhere). Then, when what is live and the room would fill more than half the arena, it grows
   * to twice that. One memmove a live set and no allocation: ~2 ms for a full table's ~90,000 sets,
   * where copying them one by one into a new arena took 7 - 10 ms, each a stall of the collector
   * (serve at 10,000 UPDATE/s, docs/benchmarks.md).
   */
  private compact (room: number): void {
    const arena = this.arena
    let used = this.arenaUsed
    if (this.arenaLive !== this.arenaUsed) {
      used = 0
      for (let p = 0; p < this.arenaUsed;) {
        const id = readU32(arena, p)
        const size = HEADER + readU32(arena, p + 4)
        const kind = this.kind[id]
        if (kind !== FREE && kind !== BY_VALUE && this.offset[id] === p + HEADER) {
          if (used !== p) arena.copyWithin(used, p, p + size)
          this.offset[id] = used + HEADER
          used += size
        }
        p += size
      }
    }
    this.arenaUsed = this.arenaLive = used
    if ((used + room) * 2 > arena.length) {
      const grown = new Uint8Array((used + room) * 2)
      grown.set(arena.subarray(0, used))
      this.arena = grown
    }
  }

  private rehash (capacity: number): void {
    const slots = new Int32Array(capacity).fill(-1)
    const mask = capacity - 1
    for (let id = 0; id < this.next; id++) {
      const kind = this.kind[id]
      if (kind === FREE || kind === BY_VALUE) continue
      let s = this.hash[id] & mask
      while (slots[s] >= 0) s = (s + 1) & mask
      slots[s] = id
    }
    this.slots = slots
  }

  /** The set numbered `id` (for a set made from octets, decoded now). */
  path (id: number): StoredPath {
    const kind = this.kind[id]
    if (kind === BY_VALUE) return this.values.get(id) as StoredPath
    const o = this.offset[id]
    const octets = this.arena.slice(o, o + this.length[id])
    const asn4 = kind >= OCTETS + 2
    const collected = attributesFromKey(octets, asn4)
    const mp = (kind - OCTETS) % 2 === 1
    const nextHop = mp ? collected.mpReach?.nextHops[0] ?? null : collected.nextHop
    const nextHopLl = mp ? collected.mpReach?.nextHops[1] : undefined
    return { attrs: collected.attrs, nextHop, nextHopLl, key: String(kind) + Buffer.from(octets).toString('latin1') }
  }

  /** Routes holding set `id`. */
  references (id: number): number {
    return this.refs[id]
  }

  /** `n` more routes hold set `id`. */
  retain (id: number, n: number): void {
    this.refs[id] += n
  }

  /** One route less holds set `id`; the set goes with its last route. */
  release (id: number): void {
    if (--this.refs[id] === 0) this.drop(id)
  }

  /** Drop set `id` if no route holds it (acquired, then not stored). */
  releaseIfUnused (id: number): void {
    if (this.refs[id] === 0 && this.kind[id] !== FREE) this.drop(id)
  }

  private drop (id: number): void {
    const kind = this.kind[id]
    if (kind === BY_VALUE) {
      this.byValue.delete((this.values.get(id) as StoredPath).key)
      this.values.delete(id)
    } else {
      this.unlink(id)
      this.arenaLive -= HEADER + this.length[id]
      this.octetSets--
    }
    this.kind[id] = FREE
    this.free.push(id)
  }

  /** Take set `id` out of the table of octet sets (backward-shift deletion, as in route-table.ts). */
  private unlink (id: number): void {
    const slots = this.slots
    const mask = slots.length - 1
    let hole = this.hash[id] & mask
    while (slots[hole] !== id) hole = (hole + 1) & mask
    for (let j = (hole + 1) & mask; slots[j] >= 0; j = (j + 1) & mask) {
      const home = this.hash[slots[j]] & mask
      const stays = hole <= j ? home > hole && home <= j : home > hole || home <= j
      if (stays) continue
      slots[hole] = slots[j]
      hole = j
    }
    slots[hole] = -1
  }
}
