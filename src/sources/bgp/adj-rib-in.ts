// Adj-RIB-In (RFC 4271 §3.2): the routes one peer currently announces to us, unprocessed.
// Routes are keyed by canonical prefix text (IPv4 and IPv6 texts never collide, so unicast of
// both families shares one map) and, under ADD-PATH (RFC 7911 §3), by path identifier. Each
// route points at an interned attribute set (attribute-intern.ts), shared with other routes.
//
// Graceful Restart (RFC 4724 §4.2): when the peer restarts, the routes of the families it asked
// us to keep are moved aside as stale; they still answer lookups, are replaced or withdrawn by
// what the new session sends, and what is left of a family is swept at its End-of-RIB or when
// the restart timer runs out.
import type { NonUnicastFamily, UpdateRecord } from '../../record/types.ts'
import type { AttributeInterner, StoredPath } from './attribute-intern.ts'

/** A route under one prefix: one path, or several by path identifier (ADD-PATH). */
type Slot = StoredPath | Map<number, StoredPath>

/** 'unicast' (IPv4 and IPv6) or a multicast family, as the record names them. */
type TableName = 'unicast' | NonUnicastFamily

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

export function familyOfPrefix (table: TableName, prefix: string): string {
  if (table !== 'unicast') return table
  return prefix.includes(':') ? 'ipv6-unicast' : 'ipv4-unicast'
}

function isSlotMap (slot: Slot): slot is Map<number, StoredPath> {
  return slot instanceof Map
}

function slotSize (slot: Slot): number {
  return isSlotMap(slot) ? slot.size : 1
}

/** Remove one route (or every path of a prefix when pathId is undefined); returns how many went. */
function removeFrom (table: Map<string, Slot>, prefix: string, pathId: number | undefined): number {
  const slot = table.get(prefix)
  if (slot === undefined) return 0
  if (!isSlotMap(slot)) {
    table.delete(prefix)
    return 1
  }
  if (pathId === undefined) {
    table.delete(prefix)
    return slot.size
  }
  if (!slot.delete(pathId)) return 0
  if (slot.size === 0) table.delete(prefix)
  return 1
}

export class AdjRibIn {
  private readonly interner: AttributeInterner
  private readonly tables = new Map<TableName, Map<string, Slot>>()
  private stale: Map<TableName, Map<string, Slot>> | null = null
  private routeCount = 0
  private staleCount = 0

  constructor (interner: AttributeInterner) {
    this.interner = interner
  }

  /** Routes held, stale ones included. */
  get size (): number {
    return this.routeCount + this.staleCount
  }

  get staleSize (): number {
    return this.staleCount
  }

  private table (name: TableName): Map<string, Slot> {
    let t = this.tables.get(name)
    if (t === undefined) {
      t = new Map()
      this.tables.set(name, t)
    }
    return t
  }

  /** Apply the announcements and withdrawals of one UPDATE record. `attrKey` identifies its attribute set. */
  apply (record: UpdateRecord, attrKey: string): void {
    for (const w of record.withdraw) {
      const name = w.family ?? 'unicast'
      const table = this.tables.get(name)
      const ids = w.path_ids
      for (let i = 0; i < w.prefixes.length; i++) {
        const prefix = w.prefixes[i]
        const pathId = ids === undefined ? undefined : ids[i]
        if (table !== undefined) this.routeCount -= removeFrom(table, prefix, pathId)
        if (this.stale !== null) this.dropStale(name, prefix, pathId)
      }
    }
    for (const a of record.announce) {
      const name = a.family ?? 'unicast'
      const table = this.table(name)
      const ids = a.path_ids
      // One interned entry per announcement group, shared by its prefixes.
      const path = this.interner.acquire(attrKey, record.attrs, a.next_hop, a.next_hop_ll)
      if (ids === undefined) {
        // One map operation per prefix: whether a route is new shows in the size of the map.
        const before = table.size
        for (let i = 0; i < a.prefixes.length; i++) table.set(a.prefixes[i], path)
        this.routeCount += table.size - before
        if (this.stale !== null) for (const prefix of a.prefixes) this.dropStale(name, prefix, undefined)
        continue
      }
      for (let i = 0; i < a.prefixes.length; i++) {
        const prefix = a.prefixes[i]
        let slot = table.get(prefix)
        if (slot === undefined || !isSlotMap(slot)) {
          // A route without path id under this prefix (ADD-PATH was off before) is replaced.
          if (slot !== undefined) this.routeCount--
          slot = new Map()
          table.set(prefix, slot)
        }
        const before = slot.size
        slot.set(ids[i], path)
        this.routeCount += slot.size - before
        if (this.stale !== null) this.dropStale(name, prefix, ids[i])
      }
    }
  }

  private dropStale (name: TableName, prefix: string, pathId: number | undefined): void {
    const table = this.stale?.get(name)
    if (table !== undefined) this.staleCount -= removeFrom(table, prefix, pathId)
  }

  /** Current routes for one prefix (canonical text), stale ones flagged. */
  lookup (prefix: string): RibRoute[] {
    const out: RibRoute[] = []
    const collect = (tables: Map<TableName, Map<string, Slot>>, stale: boolean): void => {
      for (const [name, table] of tables) {
        const slot = table.get(prefix)
        if (slot === undefined) continue
        const family = familyOfPrefix(name, prefix)
        if (isSlotMap(slot)) for (const [pathId, path] of slot) out.push({ family, prefix, pathId, path, stale })
        else out.push({ family, prefix, pathId: undefined, path: slot, stale })
      }
    }
    collect(this.tables, false)
    if (this.stale !== null) collect(this.stale, true)
    return out
  }

  /** Every route, for a full dump (stale ones flagged). */
  * entries (): Generator<RibRoute> {
    const sets: Array<[Map<TableName, Map<string, Slot>>, boolean]> = [[this.tables, false]]
    if (this.stale !== null) sets.push([this.stale, true])
    for (const [tables, stale] of sets) {
      for (const [name, table] of tables) {
        for (const [prefix, slot] of table) {
          const family = familyOfPrefix(name, prefix)
          if (isSlotMap(slot)) for (const [pathId, path] of slot) yield { family, prefix, pathId, path, stale }
          else yield { family, prefix, pathId: undefined, path: slot, stale }
        }
      }
    }
  }

  /**
   * RFC 4724 §4.2: keep the routes of `keep` families as stale, remove the others. Returns what
   * was removed. Routes already stale from an earlier restart stay stale.
   */
  markStale (keep: ReadonlySet<string>): RemovedRoutes[] {
    const removed: RemovedRoutes[] = []
    this.stale ??= new Map()
    for (const [name, table] of this.tables) {
      const staleTable = this.stale.get(name) ?? new Map<string, Slot>()
      this.stale.set(name, staleTable)
      const gone = new RemovedCollector(name)
      for (const [prefix, slot] of table) {
        if (keep.has(familyOfPrefix(name, prefix))) {
          const previous = staleTable.get(prefix)
          if (previous !== undefined) this.staleCount -= slotSize(previous)
          staleTable.set(prefix, slot)
          this.staleCount += slotSize(slot)
        } else {
          gone.add(prefix, slot)
        }
      }
      removed.push(...gone.finish())
    }
    this.tables.clear()
    this.routeCount = 0
    if (this.staleCount === 0) this.stale = null
    return removed
  }

  /** Remove the stale routes of one family (`ipv4-unicast` ...), or all of them; returns what went. */
  sweepStale (family?: string): RemovedRoutes[] {
    if (this.stale === null) return []
    const removed: RemovedRoutes[] = []
    for (const [name, table] of this.stale) {
      const gone = new RemovedCollector(name)
      for (const [prefix, slot] of table) {
        if (family !== undefined && familyOfPrefix(name, prefix) !== family) continue
        gone.add(prefix, slot)
        table.delete(prefix)
        this.staleCount -= slotSize(slot)
      }
      removed.push(...gone.finish())
    }
    if (this.staleCount === 0) this.stale = null
    return removed
  }

  /** Remove everything, stale routes included; returns what went. */
  clear (): RemovedRoutes[] {
    const removed = this.sweepStale()
    for (const [name, table] of this.tables) {
      const gone = new RemovedCollector(name)
      for (const [prefix, slot] of table) gone.add(prefix, slot)
      removed.push(...gone.finish())
    }
    this.tables.clear()
    this.routeCount = 0
    return removed
  }
}

/** Gathers removed routes into at most two lists per table: with and without path ids. */
class RemovedCollector {
  private readonly family: NonUnicastFamily | undefined
  private readonly plain: string[] = []
  private readonly withIds: string[] = []
  private readonly ids: number[] = []

  constructor (name: TableName) {
    this.family = name === 'unicast' ? undefined : name
  }

  add (prefix: string, slot: Slot): void {
    if (isSlotMap(slot)) {
      for (const id of slot.keys()) {
        this.withIds.push(prefix)
        this.ids.push(id)
      }
    } else {
      this.plain.push(prefix)
    }
  }

  finish (): RemovedRoutes[] {
    const out: RemovedRoutes[] = []
    if (this.plain.length > 0) out.push({ family: this.family, prefixes: this.plain, pathIds: undefined })
    if (this.withIds.length > 0) out.push({ family: this.family, prefixes: this.withIds, pathIds: this.ids })
    return out
  }
}
