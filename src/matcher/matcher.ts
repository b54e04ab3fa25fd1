// The matcher: which API keys a record concerns, and the frames each of them gets.
//
// A key has up to N prefixes (its association). An UPDATE concerns a key when one of its announced
// or withdrawn prefixes equals one of the key's prefixes or is more specific than it; the key's
// frames carry only those prefixes. Every key's prefixes sit in two tries (IPv4, IPv6), so a record
// costs one trie walk per prefix it carries, whatever the number of keys.
//
// Frames per key, in this order (docs/matcher.md): one withdrawal frame per withdrawal group with
// a matching prefix, then one announcement frame per announcement group (one next hop) with a
// matching prefix. Multicast groups are not matched (a key's prefixes are about unicast routing,
// and the public client could not tell a multicast route from a unicast one). A peer up or down
// (a session entering or leaving Established) goes to every key that has at least one prefix:
// a peer down implicitly withdraws every route of that vantage point, those of the key's prefixes
// included, and the matcher keeps no RIB to tell which of them the peer had. Other FSM moves
// (Idle/Connect/Active churn while a session is down) are noise and go to nobody.

import type { BgpRecord, PeerStateRecord, UpdateRecord } from '../record/types.ts'
import { UpdateFrameBuilder, peerStateFrame } from './frame.ts'
import { formatPrefixBits, newPrefixBits, parsePrefixInto } from './prefix-bits.ts'
import type { PrefixBits } from './prefix-bits.ts'
import { PrefixTrie } from './prefix-trie.ts'

/** A frame of one key, as its JSON text (an object: `JSON.stringify` of a Frame, frame.ts). */
export interface KeyFrame {
  keyId: string
  text: string
}

export interface MatcherOptions {
  /** Most prefixes a key may have (the per-key limit); default 10. */
  maxPrefixesPerKey?: number
}

export interface MatcherStats {
  keys: number
  /** (prefix, key) associations. */
  associations: number
  /** Records matched, and frames produced. */
  records: number
  frames: number
  /** Prefixes of records that did not parse (never expected from the normaliser). */
  badPrefixes: number
  /** Multicast groups skipped. */
  multicastGroups: number
  /** Peer state records that were neither up nor down. */
  peerStatesIgnored: number
}

/** A key's prefix list was refused; nothing was changed. */
export class PrefixListError extends Error {
  readonly code = 'BAD_PREFIX_LIST'
  readonly prefix: string | undefined

  constructor (message: string, prefix?: string) {
    super(message)
    this.name = 'PrefixListError'
    this.prefix = prefix
  }
}

/** A key with its association, and scratch state for the record being matched. */
interface KeyEntry {
  readonly id: string
  /** Canonical prefix texts (host bits cleared), as stored in the tries (re-parsed to remove them). */
  prefixes: string[]
  /** Serial of the last record that hit this key, and of the last prefix slot it was given. */
  record: number
  slot: number
  /** Hits for the current record: group code, prefix index, group code, prefix index, ... */
  hits: number[]
}

const DEFAULT_MAX_PREFIXES = 10

export class Matcher {
  private readonly v4 = new PrefixTrie<KeyEntry>(32)
  private readonly v6 = new PrefixTrie<KeyEntry>(128)
  private readonly keys = new Map<string, KeyEntry>()
  private readonly maxPrefixes: number
  private readonly query: PrefixBits = newPrefixBits()
  private readonly found: KeyEntry[] = []
  private recordSerial = 0
  private slotSerial = 0
  private readonly counters = { records: 0, frames: 0, badPrefixes: 0, multicastGroups: 0, peerStatesIgnored: 0 }

  constructor (options: MatcherOptions = {}) {
    this.maxPrefixes = options.maxPrefixesPerKey ?? DEFAULT_MAX_PREFIXES
  }

  get stats (): MatcherStats {
    return {
      keys: this.keys.size,
      associations: this.v4.stats.entries + this.v6.stats.entries,
      ...this.counters
    }
  }

  /**
   * Replace the key's prefixes, at once (the next record is matched against the new list). An
   * empty list removes the association. Duplicates (also after clearing host bits) count once.
   * Throws PrefixListError, changing nothing, when a prefix does not parse or the list is longer
   * than the per-key limit. Returns the canonical prefixes stored.
   */
  setKeyPrefixes (keyId: string, prefixes: readonly string[]): string[] {
    const texts: string[] = []
    const bits: PrefixBits[] = []
    const seen = new Set<string>()
    for (const p of prefixes) {
      const b = newPrefixBits()
      if (!parsePrefixInto(p, b)) throw new PrefixListError(`not a prefix: ${JSON.stringify(p)}`, p)
      const canonical = formatPrefixBits(b)
      if (seen.has(canonical)) continue
      seen.add(canonical)
      texts.push(canonical)
      bits.push(b)
    }
    if (texts.length > this.maxPrefixes) {
      throw new PrefixListError(`${texts.length} prefixes, more than the ${this.maxPrefixes} allowed for this key`)
    }
    this.removeKey(keyId)
    if (texts.length === 0) return texts
    const entry: KeyEntry = { id: keyId, prefixes: texts, record: 0, slot: 0, hits: [] }
    for (const b of bits) (b.v6 ? this.v6 : this.v4).insert(b, entry)
    this.keys.set(keyId, entry)
    return texts.slice()
  }

  /** Drop the key's association. Returns false when it had none. */
  removeKey (keyId: string): boolean {
    const entry = this.keys.get(keyId)
    if (entry === undefined) return false
    const b = newPrefixBits()
    for (const p of entry.prefixes) {
      parsePrefixInto(p, b)
      ;(b.v6 ? this.v6 : this.v4).remove(b, entry)
    }
    this.keys.delete(keyId)
    return true
  }

  /** The key's canonical prefixes (a copy), or an empty list. */
  keyPrefixes (keyId: string): string[] {
    return this.keys.get(keyId)?.prefixes.slice() ?? []
  }

  /** Ids of every key with at least one prefix. */
  keyIds (): IterableIterator<string> {
    return this.keys.keys()
  }

  /** Ids of the keys having a prefix equal to or covering `prefix` (each once). Throws on bad text. */
  keysFor (prefix: string): string[] {
    if (!parsePrefixInto(prefix, this.query)) throw new PrefixListError(`not a prefix: ${JSON.stringify(prefix)}`, prefix)
    const found: KeyEntry[] = []
    ;(this.query.v6 ? this.v6 : this.v4).collect(this.query, found)
    return [...new Set(found.map((e) => e.id))]
  }

  /** Every key's frames for one record, each key's frames together and in delivery order. */
  match (record: BgpRecord): KeyFrame[] {
    this.counters.records++
    const out = record.type === 'update' ? this.matchUpdate(record) : this.matchPeerState(record)
    this.counters.frames += out.length
    return out
  }

  private matchPeerState (record: PeerStateRecord): KeyFrame[] {
    const frame = peerStateFrame(record)
    if (frame === null) {
      this.counters.peerStatesIgnored++
      return []
    }
    const text = JSON.stringify(frame)
    const out: KeyFrame[] = []
    for (const keyId of this.keys.keys()) out.push({ keyId, text })
    return out
  }

  private matchUpdate (record: UpdateRecord): KeyFrame[] {
    if (this.keys.size === 0) return []
    const serial = ++this.recordSerial
    const touched: KeyEntry[] = []
    // Group codes: withdrawal group i is -(i + 1), announcement group i is i.
    const withdraw = record.withdraw
    for (let g = 0; g < withdraw.length; g++) {
      if (withdraw[g].family !== undefined) { this.counters.multicastGroups++; continue }
      this.scan(withdraw[g].prefixes, -(g + 1), serial, touched)
    }
    const announce = record.announce
    for (let g = 0; g < announce.length; g++) {
      if (announce[g].family !== undefined) { this.counters.multicastGroups++; continue }
      this.scan(announce[g].prefixes, g, serial, touched)
    }
    if (touched.length === 0) return []

    const builder = new UpdateFrameBuilder(record)
    const out: KeyFrame[] = []
    for (const entry of touched) {
      const hits = entry.hits
      let i = 0
      while (i < hits.length) {
        const code = hits[i]
        const group = code < 0 ? withdraw[-code - 1] : announce[code]
        const prefixes: string[] = []
        const pathIds: number[] | undefined = group.path_ids === undefined ? undefined : []
        for (; i < hits.length && hits[i] === code; i += 2) {
          prefixes.push(group.prefixes[hits[i + 1]])
          if (pathIds !== undefined) pathIds.push((group.path_ids as number[])[hits[i + 1]])
        }
        const text = code < 0 ? builder.withdrawalText(prefixes, pathIds) : builder.announcementText(code, prefixes, pathIds)
        out.push({ keyId: entry.id, text })
      }
      entry.hits = []
    }
    return out
  }

  /** Note in each matching key the prefixes of one group that concern it. */
  private scan (prefixes: readonly string[], code: number, serial: number, touched: KeyEntry[]): void {
    const q = this.query
    const found = this.found
    for (let p = 0; p < prefixes.length; p++) {
      if (!parsePrefixInto(prefixes[p], q)) { this.counters.badPrefixes++; continue }
      // `found` is emptied once per group, not per prefix: most prefixes add nothing to it.
      const n = (q.v6 ? this.v6 : this.v4).collect(q, found)
      if (n === 0) continue
      const slot = ++this.slotSerial
      for (let k = found.length - n; k < found.length; k++) {
        const entry = found[k]
        if (entry.slot === slot) continue // two of the key's prefixes cover this one
        entry.slot = slot
        if (entry.record !== serial) {
          entry.record = serial
          entry.hits = []
          touched.push(entry)
        }
        entry.hits.push(code, p)
      }
    }
    found.length = 0
  }
}
