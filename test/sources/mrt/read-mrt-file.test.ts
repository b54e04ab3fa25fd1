import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { gzipSync, gunzipSync } from 'node:zlib'
import { MrtDecodeError } from '../../../src/codec/mrt/errors.ts'
import type { MrtRecord, MrtRecordKind, PeerIndexTable, RibRecord, TableDumpEntry, BgpLegacyRecord } from '../../../src/codec/mrt/types.ts'
import { readMrtFile } from '../../../src/sources/mrt/read-mrt-file.ts'
import type { MrtFileReader, ReadMrtOptions } from '../../../src/sources/mrt/read-mrt-file.ts'

const DATA = resolve(import.meta.dirname, '../../../../shared/data/mrt')
const data = (p: string): string => join(DATA, p)

async function readAll (path: string, options?: ReadMrtOptions): Promise<{ records: MrtRecord[], reader: MrtFileReader, error: unknown }> {
  const reader = readMrtFile(path, options)
  const records: MrtRecord[] = []
  let error: unknown = null
  try {
    for await (const r of reader) records.push(r)
  } catch (e) {
    error = e
  }
  return { records, reader, error }
}

type Counts = Partial<Record<MrtRecordKind, number>>

// Record counts by kind: MANIFEST.md figures, checked against bgpdump and an independent scan.
const EXPECTED: Array<[string, number, Counts]> = [
  ['updates/ris.rrc06.updates.1427846400.gz', 795, { 'bgp4mp-message': 791, 'bgp4mp-state-change': 4 }],
  ['updates/routeviews.route-views.jinx.updates.1427846400.bz2', 1756, { 'bgp4mp-message': 1756 }],
  ['updates/updates.et-header.2015.gz', 89686, { 'bgp4mp-message': 89682, 'bgp4mp-state-change': 4 }],
  ['updates/updates.20100722.2015.gz', 2193, { 'bgp4mp-message': 2153, 'bgp4mp-state-change': 40 }],
  ['updates/rrc03.updates.20100227.1600.first-796-records.gz', 796, { 'bgp4mp-message': 792, 'bgp4mp-state-change': 4 }],
  ['updates/updates.nlri_mask_trailing_bits.gz', 1, { 'bgp4mp-message': 1 }],
  ['rib/route-views2.rib.20140523.0600.first-2001-records.bz2', 2001, { 'peer-index-table': 1, rib: 2000 }],
  ['rib/route-views6.rib.20151101.0600.first-2001-records.bz2', 2001, { 'peer-index-table': 1, rib: 2000 }],
  ['rib/bview.64k_stream_overflow.gz', 2, { 'peer-index-table': 1, rib: 1 }],
  ['legacy/bview.20020722.2337.gz', 115521, { 'table-dump': 115521 }],
  ['legacy/updates.20020722.2238.gz', 1121, { 'bgp4mp-message': 1028, 'bgp4mp-state-change': 93 }],
  ['legacy/rrc00.updates.19991214.1621.gz', 18203, { 'bgp-legacy': 18203 }],
  ['legacy/rrc01.updates.20001104.0124.gz', 1286, { 'bgp4mp-message': 922, 'bgp4mp-state-change': 364 }],
  ['legacy/rrc00.bview.20000111.0032.gz', 452018, { 'table-dump': 452018 }],
  ['lab/bview.ipv4_unicast_add_path.gz', 32, { 'peer-index-table': 1, rib: 31 }],
  ['lab/bview.ipv6_unicast_add_path.gz', 32, { 'peer-index-table': 1, rib: 31 }],
  ['daemons/bird-messages.mrt', 197, { 'bgp4mp-message': 162, 'bgp4mp-state-change': 35 }],
  ['daemons/bird-rib4.mrt', 10, { 'peer-index-table': 1, rib: 9 }],
  ['daemons/bird-rib6.mrt', 4, { 'peer-index-table': 1, rib: 3 }],
  ['daemons/frr-all.mrt', 121, { 'bgp4mp-message': 89, 'bgp4mp-state-change': 32 }],
  ['daemons/frr-rib.mrt', 9, { 'peer-index-table': 1, rib: 8 }],
  ['daemons/frr-updates.mrt', 30, { 'bgp4mp-message': 30 }],
  ['daemons/gobgp-rib.mrt', 87, { 'peer-index-table': 6, rib: 81 }],
  ['daemons/gobgp-updates.mrt', 12, { 'bgp4mp-message': 12 }]
]

for (const [file, total, counts] of EXPECTED) {
  test(`readMrtFile ${file}: ${total} records`, async () => {
    const { records, reader, error } = await readAll(data(file))
    assert.equal(error, null)
    assert.equal(records.length, total)
    assert.equal(reader.stats.records, total)
    assert.equal(reader.stats.malformed, 0)
    assert.equal(reader.stats.unsupported.size, 0)
    for (const [kind, n] of Object.entries(reader.stats.byKind)) assert.equal(n, counts[kind as MrtRecordKind] ?? 0, kind)
  })
}

test('ris.rrc06: 4 STATE_CHANGE_AS4, first record fields as bgpdump prints them', async () => {
  const { records } = await readAll(data('updates/ris.rrc06.updates.1427846400.gz'))
  assert.equal(records.filter((r) => r.kind === 'bgp4mp-state-change' && r.header.subtype === 5).length, 4)
  // bgpdump -m's first line: BGP4MP|1427846404|A|202.249.2.185|25152|192.108.199.0/24|...
  const first = records.find((r) => r.header.timestamp === 1427846404 && r.kind === 'bgp4mp-message' && r.peerAs === 25152)
  assert.ok(first !== undefined && first.kind === 'bgp4mp-message')
  assert.deepEqual([first.peerIp, first.peerAs, first.asn4], ['202.249.2.185', 25152, true])
})

test('BGP4MP_ET: microseconds decoded, offsets increase', async () => {
  const { records } = await readAll(data('updates/updates.et-header.2015.gz'))
  assert.ok(records.some((r) => r.header.microseconds !== 0))
  assert.ok(records.every((r) => r.header.type === 17 && r.header.microseconds < 1_000_000))
  for (let i = 1; i < 100; i++) {
    const prev = records[i - 1].header
    assert.equal(records[i].header.offset, prev.offset + 12 + 4 + prev.length)
  }
})

test('route-views2: 47 peers; RIB entries resolve their peer', async () => {
  const { records } = await readAll(data('rib/route-views2.rib.20140523.0600.first-2001-records.bz2'))
  const table = records[0] as PeerIndexTable
  assert.equal(table.peers.length, 47)
  assert.equal(table.collectorBgpId, '128.223.51.102')
  const rib = records[1] as RibRecord
  assert.ok(rib.entries.every((e) => e.peer === table.peers[e.peerIndex]))
})

test('bview.64k_stream_overflow: a record over 64 KiB is read whole', async () => {
  const { records } = await readAll(data('rib/bview.64k_stream_overflow.gz'), { highWaterMark: 4096 })
  assert.ok(records[1].header.length > 65536)
  assert.equal((records[1] as RibRecord).prefix.includes(':'), true)
})

test('gobgp-rib.mrt: a table per dump, and peer index == peer count for local routes', async () => {
  // bgpdump 1.6.2 aborts here (assertion peer_index < peer_count). GoBGP writes a new
  // PEER_INDEX_TABLE (4 peers, the first a 0.0.0.0/AS 0 placeholder) for each of its 6 periodic
  // dumps, and gives its locally originated routes, which it writes as ADDPATH subtypes, the
  // index 4 == peer count. We keep those entries with peer = null and count them.
  const { records, reader } = await readAll(data('daemons/gobgp-rib.mrt'))
  const tables = records.filter((r): r is PeerIndexTable => r.kind === 'peer-index-table')
  assert.equal(tables.length, 6)
  assert.ok(tables.every((t) => t.peers.length === 4 && t.peers[0].ip === '0.0.0.0' && t.peers[0].asn === 0))
  const outside = records.flatMap((r) => r.kind === 'rib' ? r.entries.filter((e) => e.peerIndex >= 4).map((e) => ({ r, e })) : [])
  assert.equal(outside.length, 30)
  assert.equal(reader.stats.unknownPeerIndex, 30)
  assert.ok(outside.every(({ r, e }) => e.peerIndex === 4 && e.peer === null && r.addPath))
  const inside = records.flatMap((r) => r.kind === 'rib' ? r.entries.filter((e) => e.peerIndex < 4) : [])
  assert.ok(inside.length > 0 && inside.every((e) => e.peer !== null))
})

test('rrc00.bview.20000111.0032: TABLE_DUMP lengths 4 short, read correctly to the end', async () => {
  // bgpdump prints one line and stops; the file holds 2490 records of many entries each.
  const { records, reader, error } = await readAll(data('legacy/rrc00.bview.20000111.0032.gz'))
  assert.equal(error, null)
  assert.equal(reader.stats.tableDumpLengthFix, true)
  const first = records[0] as TableDumpEntry
  // bgpdump's one line: TABLE_DUMP|947550744|B|204.152.166.29|3549|3.0.0.0/8|3549 701 80|IGP|...
  assert.deepEqual([first.header.timestamp, first.peerIp, first.peerAs, first.prefix], [947550744, '204.152.166.29', 3549, '3.0.0.0/8'])
  assert.equal(new Set(records.map((r) => r.header.offset)).size, 2490)
  assert.equal(reader.stats.bytes, gunzipSync(readFileSync(data('legacy/rrc00.bview.20000111.0032.gz'))).length)
  // The same with chunks smaller than the first record (7,736 octets).
  const small = await readAll(data('legacy/rrc00.bview.20000111.0032.gz'), { highWaterMark: 1000 })
  assert.equal(small.error, null)
  assert.equal(small.records.length, 452018)
})

test('rrc00.updates.19991214 (type 5): OPEN, NOTIFY, KEEPALIVE, STATE_CHANGE and UPDATE', async () => {
  const { records } = await readAll(data('legacy/rrc00.updates.19991214.1621.gz'))
  const bySubtype = new Map<number, number>()
  for (const r of records) bySubtype.set(r.header.subtype, (bySubtype.get(r.header.subtype) ?? 0) + 1)
  assert.deepEqual([...bySubtype].sort((a, b) => a[0] - b[0]), [[1, 18054], [3, 27], [5, 1], [6, 1], [7, 120]])
  const open = records.find((r) => r.header.subtype === 5) as BgpLegacyRecord
  assert.equal(open.message?.[18], 1)
  assert.equal(open.peerAs, 3549)
})

test('truncated bz2 (rib.20140523.0600_firstMB): whole records, then an MrtDecodeError with the offset', async () => {
  // bgpdump and bzip2 -dc stop at 9070 records: they drop their last partial output buffer. The
  // complete bzip2 blocks (CRC checked) hold 15,274,550 octets, as libbz2's own decompressor
  // gives them (Python's bz2.BZ2Decompressor too): 3 more whole records, which we hand out.
  const { records, error } = await readAll(data('rib/rib.20140523.0600_firstMB.bz2'))
  assert.equal(records.length, 9073)
  assert.ok(error instanceof MrtDecodeError)
  assert.equal(error.kind, 'decompression')
  assert.match(error.message, /rib\.20140523\.0600_firstMB\.bz2/)
  const last = records[records.length - 1]
  assert.equal(error.offset, last.header.offset + 12 + last.header.length)
  const ribs = records.slice(1) as RibRecord[]
  assert.ok(ribs.every((r, i) => r.sequence === i), 'RIB sequence numbers run on without a gap')
})

function withTempDir (fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mrt-test-'))
    try { await fn(dir) } finally { rmSync(dir, { recursive: true, force: true }) }
  }
}

const PLAIN = gunzipSync(readFileSync(data('updates/ris.rrc06.updates.1427846400.gz')))

test('compression told by magic octets, not by name', withTempDir(async (dir) => {
  const gz = join(dir, 'records.bz2')
  const bz = join(dir, 'records.gz')
  const plain = join(dir, 'records.mrt.gz')
  writeFileSync(gz, gzipSync(PLAIN))
  copyFileSync(data('rib/route-views2.rib.20140523.0600.first-2001-records.bz2'), bz)
  writeFileSync(plain, PLAIN)
  for (const [path, compression, n] of [[gz, 'gzip', 795], [bz, 'bzip2', 2001], [plain, 'none', 795]] as const) {
    const { records, reader, error } = await readAll(path)
    assert.equal(error, null)
    assert.equal(reader.stats.compression, compression)
    assert.equal(records.length, n)
  }
}))

test('multi-member gzip and multi-stream bzip2', withTempDir(async (dir) => {
  const gz = join(dir, 'two.gz')
  writeFileSync(gz, Buffer.concat([gzipSync(PLAIN.subarray(0, 1000)), gzipSync(PLAIN.subarray(1000)), gzipSync(PLAIN)]))
  assert.equal((await readAll(gz)).records.length, 795 * 2)
  const bz = join(dir, 'two.bz2')
  const one = readFileSync(data('updates/routeviews.route-views.jinx.updates.1427846400.bz2'))
  writeFileSync(bz, Buffer.concat([one, one]))
  const { records, error } = await readAll(bz)
  assert.equal(error, null)
  assert.equal(records.length, 1756 * 2)
}))

test('a plain file cut inside a record: whole records, then a truncated error at that record', withTempDir(async (dir) => {
  const path = join(dir, 'cut.mrt')
  const full = await readAll(data('updates/ris.rrc06.updates.1427846400.gz'))
  const r100 = full.records[100].header
  writeFileSync(path, PLAIN.subarray(0, r100.offset + 20))
  const { records, error } = await readAll(path, { highWaterMark: 1000 })
  assert.equal(records.length, 100)
  assert.ok(error instanceof MrtDecodeError)
  assert.equal(error.kind, 'truncated')
  assert.equal(error.offset, r100.offset)
  assert.match(error.message, /cut\.mrt: offset \d+/)
}))

test('a truncated gzip: whole records, then a decompression error', withTempDir(async (dir) => {
  const path = join(dir, 'cut.gz')
  const gz = readFileSync(data('updates/updates.et-header.2015.gz'))
  writeFileSync(path, gz.subarray(0, 1_500_000))
  const { records, error } = await readAll(path)
  assert.equal(records.length, 31290) // every whole record in the 5,300,252 octets gunzip gives
  assert.ok(error instanceof MrtDecodeError && error.kind === 'decompression')
  assert.equal(error.offset, 5300237)
}))

test('a corrupt gzip stream is a decompression error after the records before it', withTempDir(async (dir) => {
  const path = join(dir, 'bad.gz')
  const gz = Buffer.from(readFileSync(data('updates/updates.et-header.2015.gz')))
  for (let i = 2_000_000; i < 2_000_064; i++) gz[i] ^= 0x5a
  writeFileSync(path, gz)
  const { records, error } = await readAll(path)
  assert.ok(records.length > 1000 && records.length < 89686)
  // Deflate may hand out garbage before the CRC check fails: then the framing sees it first.
  assert.ok(error instanceof MrtDecodeError)
  assert.match(error.message, /bad\.gz: offset \d+/)
}))

test('a malformed body is counted, reported and skipped; strict mode throws it', withTempDir(async (dir) => {
  const path = join(dir, 'bad-body.mrt')
  const bytes = Buffer.from(PLAIN)
  const full = await readAll(data('updates/ris.rrc06.updates.1427846400.gz'))
  const h = full.records[10].header
  bytes.writeUInt16BE(7, h.offset + 12 + 10) // the address family of record 10
  writeFileSync(path, bytes)
  const reported: MrtDecodeError[] = []
  const { records, reader, error } = await readAll(path, { onError: (e) => reported.push(e) })
  assert.equal(error, null)
  assert.equal(records.length, 794)
  assert.equal(reader.stats.malformed, 1)
  assert.equal(reported[0].offset, h.offset)
  assert.match(reported[0].message, /bad-body\.mrt.*address family 7/)
  const strict = await readAll(path, { strict: true })
  assert.equal(strict.records.length, 10)
  assert.ok(strict.error instanceof MrtDecodeError && strict.error.offset === h.offset)
}))

test('an absurd record length is a corrupt-file error, not an allocation', withTempDir(async (dir) => {
  const path = join(dir, 'huge.mrt')
  const bytes = Buffer.from(PLAIN)
  bytes.writeUInt32BE(0xfffffff0, 8)
  writeFileSync(path, bytes)
  const { records, error } = await readAll(path)
  assert.equal(records.length, 0)
  assert.ok(error instanceof MrtDecodeError && error.kind === 'too-large' && error.offset === 0)
}))

test('unsupported types are counted and reported once per type/subtype', withTempDir(async (dir) => {
  const path = join(dir, 'other.mrt')
  const rec = (type: number, subtype: number): Buffer => Buffer.from([0, 0, 0, 1, 0, type, 0, subtype, 0, 0, 0, 2, 0xab, 0xcd])
  writeFileSync(path, Buffer.concat([rec(99, 1), rec(99, 1), rec(13, 6), PLAIN]))
  const seen: string[] = []
  const { records, reader } = await readAll(path, { onUnsupported: (t, s) => seen.push(t + '/' + s) })
  assert.equal(records.length, 795)
  assert.deepEqual(seen, ['99/1', '13/6'])
  assert.deepEqual([...reader.stats.unsupported], [['99/1', 2], ['13/6', 1]])
  const all = await readAll(path, { includeUnsupported: true })
  assert.equal(all.records.length, 798)
}))

test('stopping early closes the file and does not hang', async () => {
  let n = 0
  for await (const record of readMrtFile(data('updates/updates.et-header.2015.gz'))) {
    assert.equal(record.header.type, 17)
    if (++n === 10) break
  }
  assert.equal(n, 10)
})
