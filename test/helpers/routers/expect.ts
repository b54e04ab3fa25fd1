// Comparing records from real routers: drop the receive time, sort prefixes (routers pack them
// in their own order), and optionally hide path identifiers the router chooses itself.
import assert from 'node:assert/strict'
import type { BgpRecord, UpdateRecord } from '../../../src/record/types.ts'

interface Group { prefixes: string[], path_ids?: number[] }

function sortGroup<T extends Group> (g: T, hideIds: boolean): T {
  const pairs = g.prefixes.map((p, i) => [p, g.path_ids?.[i]] as const).sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : (a[1] ?? 0) - (b[1] ?? 0))
  const out = { ...g, prefixes: pairs.map((p) => p[0]) }
  if (g.path_ids !== undefined) {
    for (const id of g.path_ids) assert.ok(Number.isInteger(id) && id >= 0 && id <= 0xffffffff, `path id ${id}`)
    out.path_ids = hideIds ? pairs.map(() => -1) : pairs.map((p) => p[1] as number)
  }
  return out
}

/** A comparable text of an UPDATE record; `hideIds` replaces path identifiers by -1. */
export function canonical (record: UpdateRecord, hideIds = false): string {
  const { time_us: _t, ...rest } = record
  return JSON.stringify({ ...rest, announce: rest.announce.map((a) => sortGroup(a, hideIds)), withdraw: rest.withdraw.map((w) => sortGroup(w, hideIds)) })
}

/** The records as a sorted list of canonical texts (order between UPDATEs is the router's). */
export function canonicalSet (records: readonly BgpRecord[], hideIds = false): string[] {
  return records.filter((r): r is UpdateRecord => r.type === 'update').map((r) => canonical(r, hideIds)).sort()
}

/** Current routes (prefix#pathId) after applying the records in order. */
export function netRoutes (records: readonly BgpRecord[]): Set<string> {
  const rib = new Set<string>()
  for (const r of records) {
    if (r.type !== 'update') continue
    for (const w of r.withdraw) w.prefixes.forEach((p, i) => rib.delete(`${p}#${w.path_ids?.[i] ?? ''}`))
    for (const a of r.announce) a.prefixes.forEach((p, i) => rib.add(`${p}#${a.path_ids?.[i] ?? ''}`))
  }
  return rib
}
