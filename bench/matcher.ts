// npm run bench:matcher — the matcher's trie at scale: 100,000 keys x 10 prefixes, then lookups of
// the prefixes real MRT files announce and withdraw, and whole records through Matcher.match.
//
// Key prefixes are realistic: each key takes a real routed prefix (from the RouteViews and RIS RIBs
// in ../shared/data/mrt) and some of its more specifics, as an operator watching its own space
// would, plus random prefixes (IPv4 /16-/24, IPv6 /32-/48 inside 2000::/3), 10 in all, about one in
// five IPv6. Lookups are every announced and withdrawn prefix of the update files and the RIB
// entries, parsed from their text as the matcher does. Memory is the growth of the JS heap and of
// array buffers (the trie nodes) from building the matcher (run with --expose-gc for a stable
// figure, as the npm script does).
//
// Rates are those of the median pass over the inputs, passes repeated for --seconds.
// Usage: node --expose-gc bench/matcher.ts [--keys N] [--per-key N] [--seconds S] [--seed N]
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { MrtDecodeError } from '../src/codec/mrt/errors.ts'
import { MrtRecordNormaliser } from '../src/record/from-mrt.ts'
import type { BgpRecord } from '../src/record/types.ts'
import { readMrtFile } from '../src/sources/mrt/read-mrt-file.ts'
import { Matcher } from '../src/matcher/matcher.ts'
import { formatPrefixBits, newPrefixBits, parsePrefixInto } from '../src/matcher/prefix-bits.ts'
import type { PrefixBits } from '../src/matcher/prefix-bits.ts'
import { PrefixTrie } from '../src/matcher/prefix-trie.ts'
import { seededRandom as rng } from '../test/helpers/seeded-random.ts'

const root = resolve(import.meta.dirname, '..')
const mrt = resolve(root, '../shared/data/mrt')
const { values } = parseArgs({
  options: {
    keys: { type: 'string', default: '100000' },
    'per-key': { type: 'string', default: '10' },
    seconds: { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' }
  }
})
const KEYS = Number(values.keys)
const PER_KEY = Number(values['per-key'])
const SECONDS = Number(values.seconds)

const random = rng(Number(values.seed))
const int = (n: number): number => Math.floor(random() * n)

const RIBS = [
  'rib/route-views2.rib.20140523.0600.first-2001-records.bz2',
  'rib/rib.20140523.0600_firstMB.bz2',
  'rib/route-views6.rib.20151101.0600.first-2001-records.bz2',
  'legacy/bview.20020722.2337.gz'
]
const UPDATES = [
  'updates/ris.rrc06.updates.1427846400.gz',
  'updates/routeviews.route-views.jinx.updates.1427846400.bz2',
  'updates/updates.20100722.2015.gz',
  'updates/updates.et-header.2015.gz',
  'updates/rrc03.updates.20100227.1600.first-796-records.gz',
  'legacy/updates.20020722.2238.gz'
]

async function records (file: string): Promise<BgpRecord[]> {
  const normaliser = new MrtRecordNormaliser()
  const out: BgpRecord[] = []
  try {
    for await (const rec of readMrtFile(resolve(mrt, file))) {
      try {
        for (const r of normaliser.toRecords(rec, 'mrt:' + file)) out.push(r)
      } catch { /* a malformed message: skipped, as the sources do */ }
    }
  } catch (error) {
    // Some files are cut short on purpose (`_firstMB`): keep the records read until then.
    if (!(error instanceof MrtDecodeError)) throw error
  }
  return out
}

function prefixesOf (recs: BgpRecord[], out: string[]): void {
  for (const r of recs) {
    if (r.type !== 'update') continue
    for (const g of r.withdraw) for (const p of g.prefixes) out.push(p)
    for (const g of r.announce) for (const p of g.prefixes) out.push(p)
  }
}

const t0 = performance.now()
const ribRecords: BgpRecord[] = []
for (const f of RIBS) for (const r of await records(f)) ribRecords.push(r)
const updateRecords: BgpRecord[] = []
for (const f of UPDATES) for (const r of await records(f)) updateRecords.push(r)
const ribPrefixes: string[] = []
prefixesOf(ribRecords, ribPrefixes)
const routed = [...new Set(ribPrefixes)]
const routed4 = routed.filter((p) => !p.includes(':'))
const routed6 = routed.filter((p) => p.includes(':'))
const lookups: string[] = []
prefixesOf(updateRecords, lookups)
prefixesOf(ribRecords, lookups)
console.log(`data: ${routed.length.toLocaleString('en-US')} distinct routed prefixes (${routed6.length} IPv6), ` +
  `${lookups.length.toLocaleString('en-US')} lookup prefixes from ${updateRecords.length.toLocaleString('en-US')} update and ${ribRecords.length.toLocaleString('en-US')} RIB records ` +
  `(${((performance.now() - t0) / 1000).toFixed(1)} s to read)`)

/** A more specific of `bits`, `extra` bits longer (random bits), within the family. */
function moreSpecific (bits: PrefixBits, extra: number): string {
  const max = bits.v6 ? 128 : 32
  const len = Math.min(max, bits.len + extra)
  const b = { ...bits, len }
  const words = [b.w0, b.w1, b.w2, b.w3]
  for (let pos = bits.len; pos < len; pos++) if (random() < 0.5) words[pos >>> 5] |= 1 << (31 - (pos & 31))
  ;[b.w0, b.w1, b.w2, b.w3] = words
  return formatPrefixBits(b)
}

function randomPrefix (): string {
  const b = newPrefixBits()
  if (random() < 0.2) {
    b.v6 = true
    b.len = 32 + int(17)
    b.w0 = (0x20000000 | int(0x20000000)) | 0
    b.w1 = int(0x100000000) | 0
  } else {
    b.len = 16 + int(9)
    b.w0 = ((1 + int(223)) << 24 | int(0x1000000)) | 0
  }
  parsePrefixInto(formatPrefixBits(b), b) // clears host bits
  return formatPrefixBits(b)
}

function keyPrefixes (): string[] {
  const out = new Set<string>()
  const home = random() < 0.2 && routed6.length > 0 ? routed6[int(routed6.length)] : routed4[int(routed4.length)]
  const homeBits = newPrefixBits()
  parsePrefixInto(home, homeBits)
  out.add(home)
  const own = int(PER_KEY / 2)
  for (let i = 0; i < own; i++) out.add(moreSpecific(homeBits, 1 + int(homeBits.v6 ? 16 : 8)))
  while (out.size < PER_KEY - 2) out.add(randomPrefix())
  while (out.size < PER_KEY) out.add(random() < 0.5 ? routed4[int(routed4.length)] : randomPrefix())
  return [...out]
}

const keyLists: string[][] = []
for (let k = 0; k < KEYS; k++) keyLists.push(keyPrefixes())

function heapMiB (): number {
  globalThis.gc?.()
  globalThis.gc?.()
  const m = process.memoryUsage()
  return (m.heapUsed + m.arrayBuffers) / 1024 / 1024
}

const heapBefore = heapMiB()
const t1 = performance.now()
const matcher = new Matcher({ maxPrefixesPerKey: PER_KEY })
for (let k = 0; k < KEYS; k++) matcher.setKeyPrefixes('key-' + String(k), keyLists[k])
const buildMs = performance.now() - t1
const heapAfter = heapMiB()
const stats = matcher.stats
console.log(`built: ${stats.keys.toLocaleString('en-US')} keys, ${stats.associations.toLocaleString('en-US')} (prefix, key) associations ` +
  `in ${(buildMs / 1000).toFixed(2)} s; memory +${(heapAfter - heapBefore).toFixed(0)} MiB (JS heap and array buffers)` +
  (globalThis.gc === undefined ? ' (run with --expose-gc for a steady figure)' : '') +
  `, ${((heapAfter - heapBefore) * 1024 * 1024 / stats.associations).toFixed(0)} B per association`)

// The same association in bare tries (the matcher's own), to time lookups alone.
const v4 = new PrefixTrie<number>(32)
const v6 = new PrefixTrie<number>(128)
for (let k = 0; k < KEYS; k++) {
  for (const p of keyLists[k]) {
    const b = newPrefixBits()
    parsePrefixInto(p, b)
    ;(b.v6 ? v6 : v4).insert(b, k)
  }
}
console.log(`tries: IPv4 ${JSON.stringify(v4.stats)}, IPv6 ${JSON.stringify(v6.stats)}`)

/** Run `body` (one pass over the inputs) for `seconds`; passes per second, by the median pass. */
function timeLoop (seconds: number, body: () => number): { perSecond: number, units: number, results: number } {
  let units = 0
  let results = 0
  const times: number[] = []
  const end = performance.now() + seconds * 1000
  while (performance.now() < end) {
    const start = performance.now()
    results += body()
    times.push(performance.now() - start)
    units++
  }
  times.sort((a, b) => a - b)
  return { perSecond: 1000 / times[times.length >> 1], units, results }
}

// Lookups: parse the text and walk, collecting the covering keys.
const q = newPrefixBits()
const found: number[] = []
let matchedLookups = 0
for (const p of lookups) {
  parsePrefixInto(p, q)
  found.length = 0
  if ((q.v6 ? v6 : v4).collect(q, found) > 0) matchedLookups++
}
const lookupRun = timeLoop(SECONDS, () => {
  let keys = 0
  for (let i = 0; i < lookups.length; i++) {
    parsePrefixInto(lookups[i], q)
    found.length = 0
    keys += (q.v6 ? v6 : v4).collect(q, found)
  }
  return keys
})
const lookupsPerSecond = lookupRun.perSecond * lookups.length
console.log(`lookups (parse + walk + collect): ${Math.round(lookupsPerSecond).toLocaleString('en-US')} /s on one core; ` +
  `${(100 * matchedLookups / lookups.length).toFixed(1)}% of lookups match a key, ` +
  `${(lookupRun.results / (lookupRun.units * lookups.length)).toFixed(2)} keys per lookup on average`)

const walkOnly = lookups.map((p) => { const b = newPrefixBits(); parsePrefixInto(p, b); return b })
const walkRun = timeLoop(SECONDS, () => {
  let keys = 0
  for (let i = 0; i < walkOnly.length; i++) {
    const b = walkOnly[i]
    found.length = 0
    keys += (b.v6 ? v6 : v4).collect(b, found)
  }
  return keys
})
console.log(`lookups (walk + collect, pre-parsed): ${Math.round(walkRun.perSecond * walkOnly.length).toLocaleString('en-US')} /s`)

// Whole records through the matcher, frames built for every matching key.
const updates = updateRecords.concat(ribRecords)
let prefixCount = 0
for (const r of updates) if (r.type === 'update') for (const g of [...r.announce, ...r.withdraw]) prefixCount += g.prefixes.length
const matchRun = timeLoop(SECONDS, () => {
  let frames = 0
  for (let i = 0; i < updates.length; i++) frames += matcher.match(updates[i]).length
  return frames
})
console.log(`Matcher.match: ${Math.round(matchRun.perSecond * updates.length).toLocaleString('en-US')} records/s ` +
  `(${Math.round(matchRun.perSecond * prefixCount).toLocaleString('en-US')} prefixes/s), ` +
  `${(matchRun.results / (matchRun.units * updates.length)).toFixed(2)} frames per record`)
const mem = process.memoryUsage()
console.log(`process: rss ${(mem.rss / 1024 / 1024).toFixed(0)} MiB, heap ${(mem.heapUsed / 1024 / 1024).toFixed(0)} MiB`)
