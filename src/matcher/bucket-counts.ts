// A coarse index in front of a prefix trie: for each bucket of the address space (the /16s of
// IPv4, the /32s of IPv6), how many stored prefixes lie in it or cover it. A query at least a
// bucket long whose bucket counts none is covered by no stored prefix, and the walk down the trie
// is skipped: most prefixes of an UPDATE concern no key, and each of those then costs one table
// read instead of a walk of ~log2(prefixes stored) nodes.
//
// A stored prefix shorter than a bucket is counted in every bucket it covers, up to 2^16 of them
// (every IPv4 prefix, /16 and longer for IPv6); a shorter IPv6 prefix turns the index off while it
// is stored (every query walks).
import { wordMask } from './prefix-bits.ts'
import type { PrefixBits } from './prefix-bits.ts'

/** Buckets a short prefix may be spread over; past it (IPv6 shorter than /16) the index is off. */
const MAX_SPREAD_BITS = 16

export class BucketCounts {
  /** Bucket length: 16 (IPv4) or 32 (IPv6). */
  readonly bits: 16 | 32
  private readonly v4: Int32Array | undefined
  private readonly v6: Map<number, number> | undefined
  /** Stored prefixes too short to spread (IPv6 shorter than /16). */
  private wide = 0

  constructor (bits: 16 | 32) {
    this.bits = bits
    if (bits === 16) this.v4 = new Int32Array(1 << 16)
    else this.v6 = new Map()
  }

  /** Count a prefix stored (+1) or no longer stored (-1). */
  change (q: PrefixBits, delta: 1 | -1): void {
    const spread = q.len >= this.bits ? 0 : this.bits - q.len
    if (spread > MAX_SPREAD_BITS) {
      this.wide += delta
      return
    }
    // Host bits, if the caller left any, must not move a short prefix's first bucket.
    const first = this.bucket(q.w0 & wordMask(q.len))
    const count = 2 ** spread
    for (let i = 0; i < count; i++) this.bump(first + i, delta)
  }

  /** False when no stored prefix can equal or cover `q`; true when the trie must be walked. */
  mayCover (q: PrefixBits): boolean {
    if (q.len < this.bits) return true
    const v4 = this.v4
    if (v4 !== undefined) return v4[q.w0 >>> 16] > 0
    return this.wide > 0 || (this.v6 as Map<number, number>).has(q.w0 >>> 0)
  }

  /** Forget every prefix. */
  clear (): void {
    this.v4?.fill(0)
    this.v6?.clear()
    this.wide = 0
  }

  private bucket (w0: number): number {
    return this.bits === 16 ? w0 >>> 16 : w0 >>> 0
  }

  private bump (bucket: number, delta: number): void {
    const v4 = this.v4
    if (v4 !== undefined) {
      v4[bucket] += delta
      return
    }
    const map = this.v6 as Map<number, number>
    const n = (map.get(bucket) ?? 0) + delta
    if (n > 0) map.set(bucket, n)
    else map.delete(bucket)
  }
}
