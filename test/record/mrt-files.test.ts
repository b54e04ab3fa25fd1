// Every record of real MRT files through the normaliser: each produced record must validate
// against schema/record.schema.json, keep the canonical key order, survive a JSON round trip, and
// account for exactly the prefixes and state changes that `bgpdump -m` prints for the same file.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import { formatIp, parseIp } from '../../src/codec/address.ts'
import { MrtDecodeError } from '../../src/codec/mrt/errors.ts'
import { MrtRecordNormaliser } from '../../src/record/from-mrt.ts'
import { parseRecord, recordToJson } from '../../src/record/json.ts'
import type { AsPathSegmentJson, BgpRecord } from '../../src/record/types.ts'
import { readMrtFile } from '../../src/sources/mrt/read-mrt-file.ts'
import { dataDir, keyOrderErrors, schema, validateRecord } from './helpers.ts'

const mrt = resolve(dataDir, 'mrt')

interface Converted {
  records: BgpRecord[]
  /** Session-reset-grade BGP errors the normaliser threw, by MRT offset. */
  fatal: MrtDecodeError[]
  /** The reader's own error at the end of a truncated file. */
  readError: MrtDecodeError | undefined
  normaliser: MrtRecordNormaliser
}

async function convert (file: string): Promise<Converted> {
  const normaliser = new MrtRecordNormaliser()
  const records: BgpRecord[] = []
  const fatal: MrtDecodeError[] = []
  let readError: MrtDecodeError | undefined
  const source = 'mrt:' + basename(file)
  try {
    for await (const rec of readMrtFile(file, { includeUnsupported: true })) {
      try {
        for (const r of normaliser.toRecords(rec, source)) records.push(r)
      } catch (err) {
        if (!(err instanceof MrtDecodeError)) throw err
        assert.equal(err.offset, rec.header.offset)
        fatal.push(err)
      }
    }
  } catch (err) {
    if (!(err instanceof MrtDecodeError)) throw err
    readError = err
  }
  return { records, fatal, readError, normaliser }
}

function canonicalIp (text: string): string {
  const bytes = parseIp(text)
  return bytes === null ? text : formatIp(bytes, 0, bytes.length)
}

function bgpdumpLines (file: string): string[] {
  const out = execFileSync('bgpdump', ['-m', file], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] }).toString('latin1')
  return out.split('\n').filter((l) => l !== '')
}

/** What bgpdump -m prints per record, counted: prefix lines and state lines. */
function countLines (lines: string[]): { prefixes: number, states: number } {
  let prefixes = 0
  let states = 0
  for (const line of lines) {
    const kind = line.split('|')[2]
    if (kind === 'A' || kind === 'W' || kind === 'B') prefixes++
    else if (kind === 'STATE') states++
  }
  return { prefixes, states }
}

function countRecords (records: BgpRecord[]): { prefixes: number, states: number } {
  let prefixes = 0
  let states = 0
  for (const r of records) {
    if (r.type === 'peer_state') { states++; continue }
    for (const a of r.announce) prefixes += a.prefixes.length
    for (const w of r.withdraw) prefixes += w.prefixes.length
  }
  return { prefixes, states }
}

function checkAll (records: BgpRecord[]): void {
  const validate = validateRecord()
  for (let i = 0; i < records.length; i++) {
    const record = records[i]
    if (!validate(record)) assert.fail(`record ${i} invalid: ${JSON.stringify(validate.errors)}\n${JSON.stringify(record)}`)
    const json = recordToJson(record)
    assert.equal(json, JSON.stringify(record))
    // Key order: every record of the first thousand, then every 97th.
    if (i < 1000 || i % 97 === 0) {
      assert.deepEqual(keyOrderErrors(record, schema), [], json)
      assert.equal(recordToJson(parseRecord(json)), json)
    }
  }
}

// [file under mrt/, how bgpdump -m's lines relate to our records]
//   'equal': as many prefixes (A, W, B lines) and state changes (STATE lines) as bgpdump prints.
//   'skip': bgpdump gives no usable reference (it aborts on GoBGP's table dumps, and stops after
//           one line on the TABLE_DUMP with short record lengths, which the reader corrects).
//   'frr-deleted': bgpdump leaves out FRR's last STATE_CHANGE (peer 0.0.0.0 AS 0, Idle to
//           Deleted, written when the daemon stops); we keep it.
//   'fatal': the one UPDATE's NLRI field ends inside a prefix (after 11.13.0.0/13, which has
//           host bits, comes a length octet with too few octets after it). bgpdump prints the
//           first prefix and drops the rest; RFC 7606 §5.3 makes it a session reset, so there is
//           no record and the normaliser throws an error naming offset 0.
type Compare = 'equal' | 'skip' | 'frr-deleted' | 'fatal'
const FILES: Array<[string, Compare]> = [
  ['updates/ris.rrc06.updates.1427846400.gz', 'equal'],
  ['updates/routeviews.route-views.jinx.updates.1427846400.bz2', 'equal'],
  ['updates/updates.20100722.2015.gz', 'equal'],
  ['updates/rrc03.updates.20100227.1600.first-796-records.gz', 'equal'],
  ['updates/updates.nlri_mask_trailing_bits.gz', 'fatal'],
  ['updates/updates.et-header.2015.gz', 'equal'],
  ['rib/route-views2.rib.20140523.0600.first-2001-records.bz2', 'equal'],
  ['rib/route-views6.rib.20151101.0600.first-2001-records.bz2', 'equal'],
  ['rib/bview.64k_stream_overflow.gz', 'equal'],
  ['rib/rib.20140523.0600_firstMB.bz2', 'equal'],
  ['legacy/updates.20020722.2238.gz', 'equal'],
  ['legacy/bview.20020722.2337.gz', 'equal'],
  ['legacy/rrc01.updates.20001104.0124.gz', 'equal'],
  ['legacy/rrc00.updates.19991214.1621.gz', 'equal'],
  ['legacy/rrc00.bview.20000111.0032.gz', 'skip'],
  ['lab/bview.ipv4_unicast_add_path.gz', 'equal'],
  ['lab/bview.ipv6_unicast_add_path.gz', 'equal'],
  ['daemons/frr-updates.mrt', 'equal'],
  ['daemons/frr-all.mrt', 'frr-deleted'],
  ['daemons/frr-rib.mrt', 'equal'],
  ['daemons/gobgp-updates.mrt', 'equal'],
  ['daemons/gobgp-rib.mrt', 'skip'],
  ['daemons/bird-messages.mrt', 'equal'],
  ['daemons/bird-rib4.mrt', 'equal'],
  ['daemons/bird-rib6.mrt', 'equal']
]

for (const [name, compare] of FILES) {
  const file = resolve(mrt, name)
  test(`every record of ${name} converts to a valid record`, { skip: !existsSync(file) && 'data missing' }, async () => {
    const { records, fatal, normaliser } = await convert(file)
    if (compare === 'fatal') {
      assert.equal(records.length, 0)
      assert.deepEqual(fatal.map((e) => [e.offset, e.kind]), [[0, 'malformed']])
      assert.match(fatal[0].message, /NLRI field is malformed/)
      return
    }
    assert.ok(records.length > 0, 'no record')
    assert.deepEqual(fatal, [])
    checkAll(records)
    if (compare === 'skip') return
    const expected = countLines(bgpdumpLines(file))
    if (compare === 'frr-deleted') expected.states++
    const got = countRecords(records)
    assert.deepEqual(got, expected, `stats=${JSON.stringify(normaliser.stats)}`)
  })
}

/** bgpdump's text of an AS path: sequences space-separated, sets in braces, confeds in () and []. */
function asPathText (segments: AsPathSegmentJson[] | undefined): string {
  if (segments === undefined) return ''
  return segments.map((s) => {
    switch (s.type) {
      case 'AS_SEQUENCE': return s.asns.join(' ')
      case 'AS_SET': return '{' + s.asns.join(',') + '}'
      case 'AS_CONFED_SEQUENCE': return '(' + s.asns.join(' ') + ')'
      case 'AS_CONFED_SET': return '[' + s.asns.join(',') + ']'
    }
    return ''
  }).join(' ')
}

// RFC 6793 §4.2.3 on real data: the AS path of every announced prefix, in file order, must be the
// one bgpdump -m prints (bgpdump merges AS4_PATH into 2-octet AS_PATHs the same way).
for (const name of ['updates/updates.20100722.2015.gz', 'updates/ris.rrc06.updates.1427846400.gz', 'legacy/updates.20020722.2238.gz']) {
  const file = resolve(mrt, name)
  test(`AS paths of ${name} equal bgpdump -m's, AS4_PATH merged`, { skip: !existsSync(file) && 'data missing' }, async () => {
    const { records } = await convert(file)
    const ours: string[] = []
    for (const r of records) {
      if (r.type !== 'update' || r.error !== undefined) continue
      for (const a of r.announce) for (const p of a.prefixes) ours.push(`${r.vp.ip}|${p}|${asPathText(r.attrs.as_path)}`)
    }
    const theirs = bgpdumpLines(file)
      .map((l) => l.split('|'))
      .filter((f) => f[2] === 'A')
      // bgpdump shortens a single zero group of an IPv6 peer address; compare addresses as bytes.
      .map((f) => `${canonicalIp(f[3])}|${f[5]}|${f[6]}`)
    assert.ok(ours.length > 100)
    assert.deepEqual(ours, theirs)
  })
}

test('updates.20100722 has 2-octet sessions whose paths needed AS4_PATH', async () => {
  // Raw 2-octet paths would show AS_TRANS where bgpdump shows the 4-octet AS: the merge happened.
  const file = resolve(mrt, 'updates/updates.20100722.2015.gz')
  if (!existsSync(file)) return
  const { records } = await convert(file)
  const paths = records.flatMap((r) => r.type === 'update' ? [asPathText(r.attrs.as_path)] : [])
  assert.ok(paths.some((p) => /\b\d{6,}\b/.test(p)), 'a 4-octet ASN appears in some path')
  assert.ok(!paths.some((p) => /\b23456\b/.test(p)), 'no AS_TRANS left')
})
