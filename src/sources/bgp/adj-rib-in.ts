// Adj-RIB-In (RFC 4271 §3.2): the routes one peer currently announces to us, unprocessed.
// One route table per family (route-table.ts: typed arrays, no object or string per route),
// keyed by prefix and, under ADD-PATH (RFC 7911 §3), path identifier. A route holds the number
// of an interned attribute set (attribute-intern.ts), shared with other routes and peers.
//
// Prefix keys and attribute sets are read from the UPDATE's own octets when the message is at
// hand (update-nlri.ts, attribute-key.ts), and from the record otherwise; both give the same keys.
//
// Graceful Restart (RFC 4724 §4.2): when the peer restarts, the routes of the families it asked
// us to keep are flagged stale; they still answer lookups, are replaced or withdrawn by what the
// new session sends, and what is left of a family is swept at its End-of-RIB or when the restart
// timer runs out.
import { hasAddPath } from '../../codec/bgp/decode-context.ts'
import type { DecodeContext } from '../../codec/bgp/decode-context.ts'
import type { Announcement, NonUnicastFamily, UpdateRecord } from '../../record/types.ts'
import type { AttributeInterner, StoredPath } from './attribute-intern.ts'
import { AttributeKeyWriter, attributeKey } from './attribute-key.ts'
import { isIpv6Text, parsePrefixText, readWireIpv4, readWirePrefix } from './prefix-key.ts'
import { NO_PATH_ID, RouteTable } from './route-table.ts'
import { FAMILY_NAMES, NlriFields, countPrefixes, familyIndex } from './update-nlri.ts'

export interface RibRoute {
  /** `ipv4-unicast`, `ipv6-unicast`, `ipv4-multicast` or `ipv6-multicast`. */
  family: string
  prefix: string
  pathId: number | undefined
  path: StoredPath
  stale: boolean
}

/** Prefixes (and path ids) removed from the RIB, as a withdrawal record needs them. */
export interface RemovedRoutes {
  family: NonUnicastFamily | undefined
  prefixes: string[]
  pathIds: number[] | undefined
}

/** Message layout and attribute key scratch: applying is synchronous, so one serves every peer. */
const fields = new NlriFields()
const keyWriter = new AttributeKeyWriter()

/** Table index of a record family (undefined: unicast) for prefix text of IPv4 or IPv6. */
function tableIndex (family: NonUnicastFamily | undefined, ipv6: boolean): number {
  return (family === undefined ? 0 : 2) + (ipv6 ? 1 : 0)
}

function prefixCount (groups: ReadonlyArray<{ prefixes: string[] }>): number {
  let n = 0
  for (const g of groups) n += g.prefixes.length
  return n
}

export class AdjRibIn {
  private readonly interner: AttributeInterner
  /** By family index (update-nlri.ts FAMILY_NAMES). */
  private readonly tables: RouteTable[]

  constructor (interner: AttributeInterner) {
    this.interner = interner
    this.tables = FAMILY_NAMES.map((name) => new RouteTable(name.startsWith('ipv6') ? 4 : 1, interner))
  }

  /** Routes held, stale ones included. */
  get size (): number {
    const t = this.tables
    return t[0].size + t[1].size + t[2].size + t[3].size
  }

  get staleSize (): number {
    const t = this.tables
    return t[0].staleCount + t[1].staleCount + t[2].staleCount + t[3].staleCount
  }

  /** Apply the announcements and withdrawals of one UPDATE record. `attrKey` identifies its attribute set. */
  apply (record: UpdateRecord, attrKey: string): void {
    this.applyText(record, attrKey)
  }

  /**
   * Apply the record of one UPDATE, `message` being the UPDATE (header included; may be empty)
   * and `ctx` what its session negotiated: keys and attribute sets are then read from the
   * message's octets.
   */
  applyUpdate (record: UpdateRecord, message: Uint8Array, ctx: DecodeContext | undefined): void {
    if (ctx !== undefined && message.length > 0 && record.error === undefined && this.applyMessage(record, message, ctx)) return
    this.applyText(record, message.length > 0 ? attributeKey(message) : JSON.stringify(record.attrs))
  }

  /**
   * The keys from the message's octets. The record says what the octets mean: withdrawals from
   * Withdrawn Routes and MP_UNREACH_NLRI, announcements from the NLRI field (the record's first
   * announcement, RFC 4271 §5.1.3 next hop) and from MP_REACH_NLRI (its last one, RFC 4760 §3).
   * False, with nothing applied, unless the counts of prefixes agree with the record's.
   */
  private applyMessage (record: UpdateRecord, msg: Uint8Array, ctx: DecodeContext): boolean {
    const f = fields
    if (!f.locate(msg)) return false
    const v4AddPath = hasAddPath(ctx, 1, 1)
    const unreach = f.unreachEnd > 0 ? familyIndex(f.unreachAfi, f.unreachSafi) : -1
    const reach = f.reachEnd > 0 ? familyIndex(f.reachAfi, f.reachSafi) : -1
    const unreachAddPath = unreach >= 0 && hasAddPath(ctx, f.unreachAfi, f.unreachSafi)
    const reachAddPath = reach >= 0 && hasAddPath(ctx, f.reachAfi, f.reachSafi)
    const nWithdrawn = countPrefixes(msg, f.withdrawnStart, f.withdrawnEnd, v4AddPath, 32)
    const nUnreach = unreach < 0 ? 0 : countPrefixes(msg, f.unreachStart, f.unreachEnd, unreachAddPath, (unreach & 1) === 1 ? 128 : 32)
    const nNlri = countPrefixes(msg, f.nlriStart, f.nlriEnd, v4AddPath, 32)
    const nReach = reach < 0 ? 0 : countPrefixes(msg, f.reachStart, f.reachEnd, reachAddPath, (reach & 1) === 1 ? 128 : 32)
    if (nWithdrawn < 0 || nUnreach < 0 || nNlri < 0 || nReach < 0) return false
    if (nWithdrawn + nUnreach !== prefixCount(record.withdraw) || nNlri + nReach !== prefixCount(record.announce)) return false
    if (nWithdrawn > 0) this.withdrawOctets(this.tables[0], msg, f.withdrawnStart, f.withdrawnEnd, v4AddPath)
    if (nUnreach > 0) this.withdrawOctets(this.tables[unreach], msg, f.unreachStart, f.unreachEnd, unreachAddPath)
    if (nNlri + nReach === 0) return true
    // Attribute sets are kept as octets (attribute-intern.ts), unless an MP attribute of a family
    // the codec keeps raw makes the record's attributes differ from what the octets decode to.
    if ((f.reachEnd > 0 && reach < 0) || (f.unreachEnd > 0 && unreach < 0)) {
      const attrKey = attributeKey(msg)
      if (nNlri > 0) this.announceOctets(this.tables[0], this.acquire(record, attrKey, record.announce[0]), msg, f.nlriStart, f.nlriEnd, v4AddPath)
      if (nReach > 0) this.announceOctets(this.tables[reach], this.acquire(record, attrKey, record.announce[record.announce.length - 1]), msg, f.reachStart, f.reachEnd, reachAddPath)
      return true
    }
    const key = keyWriter
    key.write(msg)
    if (nNlri > 0) this.announceOctets(this.tables[0], this.interner.acquireOctets(key.bytes, key.length, ctx.asn4, false), msg, f.nlriStart, f.nlriEnd, v4AddPath)
    if (nReach > 0) this.announceOctets(this.tables[reach], this.interner.acquireOctets(key.bytes, key.length, ctx.asn4, true), msg, f.reachStart, f.reachEnd, reachAddPath)
    return true
  }

  private acquire (record: UpdateRecord, attrKey: string, a: Announcement): number {
    return this.interner.acquire(attrKey, record.attrs, a.next_hop, a.next_hop_ll)
  }

  private withdrawOctets (table: RouteTable, msg: Uint8Array, start: number, end: number, addPath: boolean): void {
    const key = table.key
    const words = table.words
    for (let i = start; i < end;) {
      let pathId = NO_PATH_ID
      if (addPath) {
        pathId = ((msg[i] << 24) | (msg[i + 1] << 16) | (msg[i + 2] << 8) | msg[i + 3]) >>> 0
        i += 4
      }
      const bits = msg[i++]
      if (words === 1) key[0] = readWireIpv4(msg, i, bits)
      else readWirePrefix(msg, i, bits, words, key)
      i += (bits + 7) >>> 3
      table.remove(bits, pathId)
    }
  }

  /** Store the prefixes of `msg[start, end)` under attribute set `id`. */
  private announceOctets (table: RouteTable, id: number, msg: Uint8Array, start: number, end: number, addPath: boolean): void {
    const key = table.key
    const words = table.words
    let added = 0
    if (words === 1 && !addPath) {
      for (let i = start; i < end;) {
        const bits = msg[i++]
        added += table.setIpv4(readWireIpv4(msg, i, bits), bits, id)
        i += (bits + 7) >>> 3
      }
      this.settle(id, added)
      return
    }
    for (let i = start; i < end;) {
      let pathId = NO_PATH_ID
      if (addPath) {
        pathId = ((msg[i] << 24) | (msg[i + 1] << 16) | (msg[i + 2] << 8) | msg[i + 3]) >>> 0
        i += 4
      }
      const bits = msg[i++]
      if (words === 1) key[0] = readWireIpv4(msg, i, bits)
      else readWirePrefix(msg, i, bits, words, key)
      i += (bits + 7) >>> 3
      added += table.set(bits, pathId, id)
    }
    this.settle(id, added)
  }

  /** Count the routes newly holding set `id`; a set no route took goes at once. */
  private settle (id: number, added: number): void {
    if (added > 0) this.interner.retain(id, added)
    else this.interner.releaseIfUnused(id)
  }

  /** The keys from the record's prefix text. */
  private applyText (record: UpdateRecord, attrKey: string): void {
    for (const w of record.withdraw) {
      const ids = w.path_ids
      for (let i = 0; i < w.prefixes.length; i++) {
        const prefix = w.prefixes[i]
        const table = this.tables[tableIndex(w.family, isIpv6Text(prefix))]
        const bits = parsePrefixText(prefix, table.key)
        if (bits >= 0) table.remove(bits, ids === undefined ? NO_PATH_ID : ids[i])
      }
    }
    for (const a of record.announce) {
      const id = this.acquire(record, attrKey, a)
      const ids = a.path_ids
      let added = 0
      for (let i = 0; i < a.prefixes.length; i++) {
        const prefix = a.prefixes[i]
        const table = this.tables[tableIndex(a.family, isIpv6Text(prefix))]
        const bits = parsePrefixText(prefix, table.key)
        if (bits >= 0) added += table.set(bits, ids === undefined ? NO_PATH_ID : ids[i], id)
      }
      this.settle(id, added)
    }
  }

  /** Current routes for one prefix (canonical text), stale ones flagged. */
  lookup (prefix: string): RibRoute[] {
    const out: RibRoute[] = []
    const ipv6 = isIpv6Text(prefix)
    for (let f = ipv6 ? 1 : 0; f < 4; f += 2) {
      const table = this.tables[f]
      const bits = parsePrefixText(prefix, table.key)
      if (bits < 0) return out
      for (const slot of table.find(bits)) {
        out.push({ family: FAMILY_NAMES[f], prefix, pathId: table.pathIdAt(slot), path: this.interner.path(table.valueAt(slot)), stale: table.isStaleAt(slot) })
      }
    }
    return out
  }

  /** Every route, for a full dump (stale ones flagged). The RIB must not change meanwhile. */
  * entries (): Generator<RibRoute> {
    for (let f = 0; f < 4; f++) {
      const table = this.tables[f]
      for (let slot = 0; slot < table.slots; slot++) {
        if (!table.isUsed(slot)) continue
        const prefix = table.prefixAt(slot)
        yield { family: FAMILY_NAMES[f], prefix, pathId: table.pathIdAt(slot), path: this.interner.path(table.valueAt(slot)), stale: table.isStaleAt(slot) }
      }
    }
  }

  /**
   * RFC 4724 §4.2: keep the routes of `keep` families as stale, remove the others. Returns what
   * was removed. Routes already stale from an earlier restart stay stale.
   */
  markStale (keep: ReadonlySet<string>): RemovedRoutes[] {
    const removed = new RemovedSet()
    for (let f = 0; f < 4; f++) {
      if (keep.has(FAMILY_NAMES[f])) this.tables[f].markAllStale()
      else this.removeFrom(f, removed, false)
    }
    return removed.finish()
  }

  /** Remove the stale routes of one family (`ipv4-unicast` ...), or all of them; returns what went. */
  sweepStale (family?: string): RemovedRoutes[] {
    const removed = new RemovedSet()
    for (let f = 0; f < 4; f++) {
      if (family === undefined || FAMILY_NAMES[f] === family) this.removeFrom(f, removed, true)
    }
    return removed.finish()
  }

  /** Remove everything, stale routes included; returns what went. */
  clear (): RemovedRoutes[] {
    const removed = new RemovedSet()
    for (let f = 0; f < 4; f++) this.removeFrom(f, removed, false)
    return removed.finish()
  }

  /** Remove the routes (or the stale routes) of family `f`, noting them in `removed`. */
  private removeFrom (f: number, removed: RemovedSet, staleOnly: boolean): void {
    const table = this.tables[f]
    if (table.size === 0 || (staleOnly && table.staleCount === 0)) return
    const collector = removed.of(f)
    const gone = (slot: number): void => { collector.add(table.prefixAt(slot), table.pathIdAt(slot)) }
    if (!staleOnly || table.staleCount === table.size) table.removeWhere(gone)
    else table.removeWhere(gone, (slot) => table.isStaleAt(slot))
  }
}

/** Removed routes by record family: unicast (IPv4 and IPv6 together), then each multicast. */
class RemovedSet {
  private readonly collectors = new Map<NonUnicastFamily | undefined, RemovedCollector>()

  of (f: number): RemovedCollector {
    const family = f < 2 ? undefined : FAMILY_NAMES[f] as NonUnicastFamily
    let c = this.collectors.get(family)
    if (c === undefined) {
      c = new RemovedCollector(family)
      this.collectors.set(family, c)
    }
    return c
  }

  finish (): RemovedRoutes[] {
    const out: RemovedRoutes[] = []
    for (const c of this.collectors.values()) out.push(...c.finish())
    return out
  }
}

/** Gathers removed routes of one record family into at most two lists: with and without path ids. */
class RemovedCollector {
  private readonly family: NonUnicastFamily | undefined
  private readonly plain: string[] = []
  private readonly withIds: string[] = []
  private readonly ids: number[] = []

  constructor (family: NonUnicastFamily | undefined) {
    this.family = family
  }

  add (prefix: string, pathId: number | undefined): void {
    if (pathId === undefined) {
      this.plain.push(prefix)
    } else {
      this.withIds.push(prefix)
      this.ids.push(pathId)
    }
  }

  finish (): RemovedRoutes[] {
    const out: RemovedRoutes[] = []
    if (this.plain.length > 0) out.push({ family: this.family, prefixes: this.plain, pathIds: undefined })
    if (this.withIds.length > 0) out.push({ family: this.family, prefixes: this.withIds, pathIds: this.ids })
    return out
  }
}
