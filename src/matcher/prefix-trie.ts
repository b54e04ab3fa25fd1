// A binary radix trie (path-compressed, Patricia style) of prefixes of one address family, each
// prefix holding the values (API keys) associated with it. The query the matcher needs is "every
// value whose prefix equals P or covers it (is less specific)": one walk from the root along P's
// bits, visiting at most one node per stored prefix length on the way, collecting the values of
// every node whose prefix is a prefix of P.
//
// Nodes are either prefixes with values or glue nodes (no values) where two branches part.
// Removing the last value of a node removes the node, or turns it into glue when it still has two
// children, and a glue node left with one child is spliced out: the trie never holds more than
// 2 nodes per stored prefix, plus the root.
//
// Layout: nodes live in one Int32Array, 8 slots a node (32 octets, two nodes a cache line):
// the address as four int32 words (prefix-bits.ts; IPv4 uses the first), the length, the two
// children (0 for none: node 0 is the root, never a child) and the node's value slot
// (-1 for a glue node). This keeps a million prefixes in tens of MiB and a walk in few cache lines,
// with nothing for the garbage collector to trace but the values (value-slots.ts).
//
// In front of the walk, counts of the stored prefixes per /16 (IPv4) or /32 (IPv6) answer most
// queries that match nothing without walking (bucket-counts.ts).

import { BucketCounts } from './bucket-counts.ts'
import { wordMask } from './prefix-bits.ts'
import type { PrefixBits } from './prefix-bits.ts'
import { ValueSlots } from './value-slots.ts'

const STRIDE = 8
const W0 = 0
const W1 = 1
const W2 = 2
const W3 = 3
const LEN = 4
const ZERO = 5
const ONE = 6
const VALUES = 7

const INITIAL_NODES = 64

export interface PrefixTrieStats {
  /** Distinct prefixes stored (nodes with values). */
  prefixes: number
  /** (prefix, value) pairs stored. */
  entries: number
  /** All nodes, glue included, and the root. */
  nodes: number
  /** Octets of the node array (allocated, used or free). */
  nodeBytes: number
}

/** Bit `pos` (0 = most significant) of the address in `q`. */
function bitOf (q: PrefixBits, pos: number): number {
  const w = pos < 32 ? q.w0 : pos < 64 ? q.w1 : pos < 96 ? q.w2 : q.w3
  return (w >>> (31 - (pos & 31))) & 1
}

export class PrefixTrie<V> {
  /** Maximum prefix length: 32 for IPv4, 128 for IPv6. */
  readonly maxLength: number
  private nodes: Int32Array = new Int32Array(INITIAL_NODES * STRIDE)
  /** Nodes ever allocated (the array's used part); free ones are on `free`. */
  private allocated = 1
  private free: number[] = []
  private slots = new ValueSlots<V>()
  private readonly buckets: BucketCounts
  private prefixCount = 0
  private entryCount = 0

  constructor (maxLength: 32 | 128) {
    this.maxLength = maxLength
    this.buckets = new BucketCounts(maxLength === 32 ? 16 : 32)
    this.nodes[VALUES] = -1 // the root, /0, starts as glue
  }

  get stats (): PrefixTrieStats {
    return {
      prefixes: this.prefixCount,
      entries: this.entryCount,
      nodes: this.allocated - this.free.length,
      nodeBytes: this.nodes.byteLength
    }
  }

  /**
   * Push onto `out` the values of every stored prefix equal to `q` or less specific than it, the
   * least specific first. A value stored under two covering prefixes is pushed twice. Returns the
   * number pushed.
   */
  collect (q: PrefixBits, out: V[]): number {
    if (!this.buckets.mayCover(q)) return 0
    const nodes = this.nodes
    const qlen = q.len
    let pushed = 0
    let n = 0
    for (;;) {
      const len = nodes[n + LEN]
      if (len > qlen || !this.samePrefix(n, q, len)) break
      const v = nodes[n + VALUES]
      if (v >= 0) pushed += this.slots.collect(v, out)
      if (len === qlen) break
      const next = nodes[n + (bitOf(q, len) === 0 ? ZERO : ONE)]
      if (next === 0) break
      n = next
    }
    return pushed
  }

  /** Whether any stored prefix equals or covers `q`. */
  covers (q: PrefixBits): boolean {
    if (!this.buckets.mayCover(q)) return false
    const nodes = this.nodes
    const qlen = q.len
    let n = 0
    for (;;) {
      const len = nodes[n + LEN]
      if (len > qlen || !this.samePrefix(n, q, len)) return false
      if (nodes[n + VALUES] >= 0) return true
      if (len === qlen) return false
      const next = nodes[n + (bitOf(q, len) === 0 ? ZERO : ONE)]
      if (next === 0) return false
      n = next
    }
  }

  /** The values stored under exactly `q` (a copy), empty when none. */
  exact (q: PrefixBits): V[] {
    this.checkLength(q)
    const n = this.find(q)
    if (n < 0 || this.nodes[n + VALUES] < 0) return []
    return this.slots.values(this.nodes[n + VALUES])
  }

  /** Store `value` under `q`. Returns false when it was already there. */
  insert (q: PrefixBits, value: V): boolean {
    this.checkLength(q)
    const n = this.nodeFor(q)
    const v = this.nodes[n + VALUES]
    if (v < 0) {
      this.nodes[n + VALUES] = this.slots.open(value)
      this.buckets.change(q, 1)
      this.prefixCount++
      this.entryCount++
      return true
    }
    if (!this.slots.add(v, value)) return false
    this.entryCount++
    return true
  }

  /** Remove `value` from under `q`. Returns false when it was not there. */
  remove (q: PrefixBits, value: V): boolean {
    this.checkLength(q)
    const nodes = this.nodes
    // The last two nodes above the one removed, to splice nodes out afterwards.
    let parent = -1
    let grandparent = -1
    let n = 0
    while (nodes[n + LEN] < q.len) {
      if (!this.samePrefix(n, q, nodes[n + LEN])) return false
      const next = nodes[n + (bitOf(q, nodes[n + LEN]) === 0 ? ZERO : ONE)]
      if (next === 0) return false
      grandparent = parent
      parent = n
      n = next
    }
    if (nodes[n + LEN] !== q.len || !this.samePrefix(n, q, q.len)) return false
    const v = nodes[n + VALUES]
    if (v < 0) return false
    const outcome = this.slots.remove(v, value)
    if (outcome === 'absent') return false
    this.entryCount--
    if (outcome === 'removed') return true
    nodes[n + VALUES] = -1
    this.buckets.change(q, -1)
    this.prefixCount--
    if (n !== 0) this.prune(n, parent, grandparent)
    return true
  }

  /** Remove every prefix and value. */
  clear (): void {
    this.nodes = new Int32Array(INITIAL_NODES * STRIDE)
    this.nodes[VALUES] = -1
    this.allocated = 1
    this.free = []
    this.slots = new ValueSlots<V>()
    this.buckets.clear()
    this.prefixCount = this.entryCount = 0
  }

  /** Every (prefix bits, values) pair, in address order, for tests and diagnostics. */
  * entries (): Generator<{ bits: PrefixBits, values: readonly V[] }> {
    const stack = [0]
    while (stack.length > 0) {
      const n = stack.pop() as number
      const nodes = this.nodes
      if (nodes[n + VALUES] >= 0) {
        yield {
          bits: { v6: this.maxLength === 128, len: nodes[n + LEN], w0: nodes[n + W0], w1: nodes[n + W1], w2: nodes[n + W2], w3: nodes[n + W3] },
          values: this.slots.values(nodes[n + VALUES])
        }
      }
      if (nodes[n + ONE] !== 0) stack.push(nodes[n + ONE])
      if (nodes[n + ZERO] !== 0) stack.push(nodes[n + ZERO])
    }
  }

  /** Whether the first `len` bits of node `n` and of `q` are equal. */
  private samePrefix (n: number, q: PrefixBits, len: number): boolean {
    const nodes = this.nodes
    if (len <= 32) return ((nodes[n + W0] ^ q.w0) & wordMask(len)) === 0
    if (nodes[n + W0] !== q.w0) return false
    if (len <= 64) return ((nodes[n + W1] ^ q.w1) & wordMask(len - 32)) === 0
    if (nodes[n + W1] !== q.w1) return false
    if (len <= 96) return ((nodes[n + W2] ^ q.w2) & wordMask(len - 64)) === 0
    if (nodes[n + W2] !== q.w2) return false
    return ((nodes[n + W3] ^ q.w3) & wordMask(len - 96)) === 0
  }

  /** Number of leading bits node `n` and `q` share, at most `max`. */
  private commonLength (n: number, q: PrefixBits, max: number): number {
    const nodes = this.nodes
    let x = nodes[n + W0] ^ q.w0
    if (x !== 0) return Math.min(Math.clz32(x), max)
    if (max <= 32) return max
    x = nodes[n + W1] ^ q.w1
    if (x !== 0) return Math.min(32 + Math.clz32(x), max)
    if (max <= 64) return max
    x = nodes[n + W2] ^ q.w2
    if (x !== 0) return Math.min(64 + Math.clz32(x), max)
    if (max <= 96) return max
    x = nodes[n + W3] ^ q.w3
    if (x !== 0) return Math.min(96 + Math.clz32(x), max)
    return max
  }

  /** Bit `pos` of node `n`'s address. */
  private nodeBit (n: number, pos: number): number {
    return (this.nodes[n + (pos >>> 5)] >>> (31 - (pos & 31))) & 1
  }

  /** Hang `child` under `parent` on the side its bit after the parent's length says. */
  private setChild (parent: number, child: number): void {
    const nodes = this.nodes
    nodes[parent + (this.nodeBit(child, nodes[parent + LEN]) === 0 ? ZERO : ONE)] = child
  }

  /** A new glue node for the first `len` bits of `q`; returns its offset. */
  private newNode (q: PrefixBits, len: number): number {
    let n: number
    if (this.free.length > 0) {
      n = this.free.pop() as number
    } else {
      if ((this.allocated + 1) * STRIDE > this.nodes.length) {
        const grown = new Int32Array(this.nodes.length * 2)
        grown.set(this.nodes)
        this.nodes = grown
      }
      n = this.allocated * STRIDE
      this.allocated++
    }
    const nodes = this.nodes
    nodes[n + W0] = q.w0 & wordMask(len)
    nodes[n + W1] = q.w1 & wordMask(len - 32)
    nodes[n + W2] = q.w2 & wordMask(len - 64)
    nodes[n + W3] = q.w3 & wordMask(len - 96)
    nodes[n + LEN] = len
    nodes[n + ZERO] = 0
    nodes[n + ONE] = 0
    nodes[n + VALUES] = -1
    return n
  }

  private freeNode (n: number): void {
    this.nodes.fill(0, n, n + STRIDE)
    this.free.push(n)
  }

  private checkLength (q: PrefixBits): void {
    if (q.v6 !== (this.maxLength === 128) || q.len > this.maxLength) {
      throw new RangeError(`prefix of the wrong family or length for this trie (/${q.len})`)
    }
  }

  /** The node of exactly `q`, or -1. */
  private find (q: PrefixBits): number {
    const nodes = this.nodes
    let n = 0
    while (nodes[n + LEN] < q.len) {
      if (!this.samePrefix(n, q, nodes[n + LEN])) return -1
      const next = nodes[n + (bitOf(q, nodes[n + LEN]) === 0 ? ZERO : ONE)]
      if (next === 0) return -1
      n = next
    }
    return nodes[n + LEN] === q.len && this.samePrefix(n, q, q.len) ? n : -1
  }

  /** The node for exactly `q`, made (with a glue node when needed) if missing. */
  private nodeFor (q: PrefixBits): number {
    let n = 0
    for (;;) {
      const len = this.nodes[n + LEN]
      if (len === q.len) return n
      // n is a strict prefix of q here.
      const side = n + (bitOf(q, len) === 0 ? ZERO : ONE)
      const child = this.nodes[side]
      if (child === 0) {
        const leaf = this.newNode(q, q.len)
        this.nodes[side] = leaf
        return leaf
      }
      const childLen = this.nodes[child + LEN]
      const common = this.commonLength(child, q, Math.min(childLen, q.len))
      if (common === childLen) {
        n = child
        continue
      }
      if (common === q.len) {
        // q sits between n and child.
        const mid = this.newNode(q, q.len)
        this.setChild(mid, child)
        this.nodes[side] = mid
        return mid
      }
      // q and child part at bit `common`: a glue node there, with both below it.
      const glue = this.newNode(q, common)
      const leaf = this.newNode(q, q.len)
      this.setChild(glue, child)
      this.setChild(glue, leaf)
      this.nodes[side] = glue
      return leaf
    }
  }

  /** Node `n` has lost its values: remove it or splice it out, then its glue parent if needed. */
  private prune (n: number, parent: number, grandparent: number): void {
    const nodes = this.nodes
    const zero = nodes[n + ZERO]
    const one = nodes[n + ONE]
    if (zero !== 0 && one !== 0) return
    const side = nodes[parent + ZERO] === n ? ZERO : ONE
    const only = zero !== 0 ? zero : one
    nodes[parent + side] = only
    this.freeNode(n)
    if (only !== 0) return
    // A glue parent (not the root) left with one child goes too.
    if (parent !== 0 && nodes[parent + VALUES] < 0) {
      const rest = nodes[parent + ZERO] !== 0 ? nodes[parent + ZERO] : nodes[parent + ONE]
      if (rest !== 0) {
        nodes[grandparent + (nodes[grandparent + ZERO] === parent ? ZERO : ONE)] = rest
        this.freeNode(parent)
      }
    }
  }
}
