// `bgproutes-live mrt dump`: arguments, exit codes, errors on stderr, the json format, and
// hand-made records covering bgpdump rules the shared files do not, checked against bgpdump.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Writable } from 'node:stream'
import { test } from 'node:test'
import { runMrtDump } from '../../src/cli/commands/mrt-dump.ts'

const DATA = resolve(import.meta.dirname, '../../../shared/data/mrt')

class Collect extends Writable {
  readonly chunks: Buffer[] = []
  override _write (chunk: Buffer, _encoding: string, done: () => void): void {
    this.chunks.push(Buffer.from(chunk))
    done()
  }

  get text (): string {
    return Buffer.concat(this.chunks).toString('latin1')
  }
}

async function run (...argv: string[]): Promise<{ stdout: string, stderr: string, code: number }> {
  const stdout = new Collect()
  const stderr = new Collect()
  const code = await runMrtDump(argv, { stdout, stderr })
  return { stdout: stdout.text, stderr: stderr.text, code }
}

test('usage errors exit 2', async () => {
  assert.equal((await run()).code, 2)
  const bad = await run('--format', 'csv', join(DATA, 'daemons/frr-rib.mrt'))
  assert.equal(bad.code, 2)
  assert.match(bad.stderr, /unknown format "csv"/)
  assert.equal((await run('--nope')).code, 2)
  const help = await run('--help')
  assert.equal(help.code, 0)
  assert.match(help.stdout, /--format bgpdump/)
})

test('a missing file is reported with its name and exits 1; the other files are still printed', async () => {
  const got = await run('/nonexistent/file.mrt', join(DATA, 'daemons/frr-rib.mrt'))
  assert.equal(got.code, 1)
  assert.match(got.stderr, /\/nonexistent\/file\.mrt: .*ENOENT/)
  assert.equal(got.stdout.split('\n').length - 1, 8)
})

test('a truncated bzip2 file: every whole record printed, then the error with file and offset, exit 1', async () => {
  const file = join(DATA, 'rib/rib.20140523.0600_firstMB.bz2')
  const got = await run(file)
  assert.equal(got.code, 1)
  assert.equal(got.stdout.split('\n').length - 1, 270005)
  assert.ok(got.stderr.includes(file + ': offset '), got.stderr)
  assert.match(got.stderr, /bzip2 data is truncated or corrupt/)
})

test('several files print one after the other', async () => {
  const a = await run(join(DATA, 'daemons/bird-rib4.mrt'))
  const b = await run(join(DATA, 'daemons/bird-rib6.mrt'))
  const both = await run(join(DATA, 'daemons/bird-rib4.mrt'), join(DATA, 'daemons/bird-rib6.mrt'))
  assert.equal(both.stdout, a.stdout + b.stdout)
  assert.equal(both.stdout.split('\n').length - 1, 12)
})

test('--format json prints one record per line', async () => {
  const got = await run('--format', 'json', join(DATA, 'daemons/frr-rib.mrt'))
  assert.equal(got.code, 0, got.stderr)
  const lines = got.stdout.trimEnd().split('\n')
  assert.ok(lines.length > 0)
  for (const line of lines) assert.equal(typeof JSON.parse(line), 'object')
})

/** An MRT record: 12-octet header, then `body`. */
function record (type: number, subtype: number, body: number[]): number[] {
  const t = 1700000000
  return [t >>> 24, (t >> 16) & 255, (t >> 8) & 255, t & 255, 0, type, 0, subtype, 0, 0, body.length >> 8, body.length & 255, ...body]
}

/** BGP4MP body of an IPv4 session, peer 192.0.2.1 AS 65000, carrying the UPDATE body `update`. */
function bgp4mp (update: number[], asn4: boolean): number[] {
  const asns = asn4 ? [0, 0, 0xfd, 0xe8, 0, 0, 0xfd, 0xe9] : [0xfd, 0xe8, 0xfd, 0xe9]
  const length = 19 + update.length
  return [...asns, 0, 0, 0, 1, 192, 0, 2, 1, 192, 0, 2, 2, ...new Array(16).fill(0xff), length >> 8, length & 0xff, 2, ...update]
}

function withAttributes (attributes: number[], nlri: number[]): number[] {
  return [0, 0, attributes.length >> 8, attributes.length & 0xff, ...attributes, ...nlri]
}

test('hand-made records print as bgpdump prints them', async (t) => {
  const records = [
    // No attributes; a prefix with host bits.
    ...record(16, 4, bgp4mp(withAttributes([], [8, 10, 9, 10, 0xff]), true)),
    // IPv4 NLRI in MP_REACH_NLRI, LOCAL_PREF 2^32-2 (printed signed).
    ...record(16, 4, bgp4mp(withAttributes([0x80, 14, 13, 0, 1, 1, 4, 198, 51, 100, 1, 0, 24, 203, 0, 113, 0x40, 5, 4, 0xff, 0xff, 0xff, 0xfe], []), true)),
    // BGP4MP_ET withdrawal.
    ...record(17, 4, [0, 0, 0, 42, ...bgp4mp([0, 4, 24, 192, 0, 2, 0, 0], true)]),
    // 2-octet session: AS_PATH 10 | 20 23456 with AS4_PATH 200000 (bgpdump's merge: 10 10 200000).
    ...record(16, 1, bgp4mp(withAttributes([0x40, 2, 10, 2, 1, 0, 10, 2, 2, 0, 20, 0x5b, 0xa0, 0xc0, 17, 6, 2, 1, 0x00, 0x03, 0x0d, 0x40], [24, 192, 0, 2]), false)),
    // Well-known communities.
    ...record(16, 4, bgp4mp(withAttributes([0xc0, 8, 20, 0xff, 0xff, 0xff, 0x01, 0xff, 0xff, 0xff, 0x02, 0xff, 0xff, 0xff, 0x03, 0xff, 0xff, 0xff, 0x04, 0, 1, 0, 2], [24, 192, 0, 2]), true)),
    // Sets, confederation segments and an empty set.
    ...record(16, 4, bgp4mp(withAttributes([0x40, 2, 40, 2, 2, 0, 0, 0, 1, 0, 0, 0, 2, 1, 2, 0, 0, 0, 3, 0, 0, 0, 4, 3, 1, 0, 0, 0, 5, 4, 1, 0, 0, 0, 6, 1, 0, 2, 1, 0, 0, 0, 9], [24, 192, 0, 2]), true)),
    // AGGREGATOR not AS_TRANS with AS4_AGGREGATOR: bgpdump then skips the AS4_PATH merge too.
    ...record(16, 1, bgp4mp(withAttributes([0x40, 2, 6, 2, 2, 0, 1, 0x5b, 0xa0, 0xc0, 7, 6, 0, 7, 10, 0, 0, 1, 0xc0, 18, 8, 0, 1, 0x11, 0x70, 10, 0, 0, 2, 0xc0, 17, 6, 2, 1, 0, 1, 0x11, 0x70], [24, 192, 0, 2]), false))
  ]
  const expected = [
    'BGP4MP|1700000000|A|192.0.2.1|65000|10.0.0.0/8||INCOMPLETE|255.255.255.255|0|0||NAG||',
    'BGP4MP|1700000000|A|192.0.2.1|65000|10.255.0.0/9||INCOMPLETE|255.255.255.255|0|0||NAG||',
    'BGP4MP|1700000000|A|192.0.2.1|65000|203.0.113.0/24||INCOMPLETE|198.51.100.1|-2|0||NAG||',
    'BGP4MP_ET|1700000000.000042|W|192.0.2.1|65000|192.0.2.0/24',
    'BGP4MP|1700000000|A|192.0.2.1|65000|192.0.2.0/24|10 10 200000|INCOMPLETE|255.255.255.255|0|0||NAG||',
    'BGP4MP|1700000000|A|192.0.2.1|65000|192.0.2.0/24||INCOMPLETE|255.255.255.255|0|0|no-export no-advertise local-AS 65535:65284 1:2|NAG||',
    'BGP4MP|1700000000|A|192.0.2.1|65000|192.0.2.0/24|1 2 {3,4} (5) [6] {}9|INCOMPLETE|255.255.255.255|0|0||NAG||',
    'BGP4MP|1700000000|A|192.0.2.1|65000|192.0.2.0/24|1 23456|INCOMPLETE|255.255.255.255|0|0||NAG|7 10.0.0.1|',
    ''
  ].join('\n')
  const dir = mkdtempSync(join(tmpdir(), 'mrt-dump-'))
  t.after(() => rmSync(dir, { recursive: true }))
  const file = join(dir, 'hand-made.mrt')
  writeFileSync(file, Uint8Array.from(records))
  const got = await run(file)
  assert.equal(got.stdout, expected)
  assert.equal(got.code, 0)
  const reference = spawnSync('bgpdump', ['-m', file])
  assert.equal(reference.stdout.toString('latin1'), expected, 'bgpdump itself')
})

test('a reader that goes away (EPIPE) stops the dump quietly', async () => {
  let writes = 0
  const stdout = new Writable({
    highWaterMark: 1,
    write (_chunk, _encoding, done) {
      writes++
      const error = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })
      done(error)
    }
  })
  const stderr = new Collect()
  const code = await runMrtDump([join(DATA, 'updates/updates.et-header.2015.gz')], { stdout, stderr })
  assert.equal(code, 0, stderr.text)
  assert.equal(stderr.text, '')
  assert.ok(writes < 5, `${writes} writes after EPIPE`)
})
