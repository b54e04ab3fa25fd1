// The byte writers of the bgpdump renderer give the same text as the string forms they replace.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { AS_PATH_ROOM, asPathText, writeAsPath } from '../../src/render/bgpdump/as-path.ts'
import { AsciiBytes, ByteSink } from '../../src/render/bgpdump/byte-sink.ts'
import { communitiesText, COMMUNITIES_ROOM, writeCommunities } from '../../src/render/bgpdump/communities.ts'
import { formatIpv4Number } from '../../src/render/bgpdump/format-address.ts'
import { BgpdumpRenderer } from '../../src/render/bgpdump/index.ts'
import { writeDecimal, writeIpv4Number, writeSigned } from '../../src/render/bgpdump/write-bytes.ts'

const scratch = Buffer.alloc(AS_PATH_ROOM + COMMUNITIES_ROOM + 64)

function written (write: (out: Uint8Array, q: number) => number): string {
  // Text after a few octets already in place, to check the writers use their start position.
  scratch.fill(0x2a)
  return scratch.toString('latin1', 3, write(scratch, 3))
}

/** A small deterministic pseudo-random sequence. */
function randoms (seed: number): () => number {
  let x = seed
  return () => {
    x = (x * 1103515245 + 12345) >>> 0
    return x
  }
}

test('decimal and signed decimal digits', () => {
  const values = [0, 1, 9, 10, 99, 100, 999, 1000, 9999, 10000, 65535, 99999, 100000, 999999, 1000000, 2 ** 30 - 1, 2 ** 30, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 2, 2 ** 32 - 1]
  for (const v of values) {
    assert.equal(written((out, q) => writeDecimal(out, q, v)), String(v))
    assert.equal(written((out, q) => writeSigned(out, q, v)), String(v | 0))
  }
})

test('IPv4 addresses held as numbers', () => {
  for (const n of [0, 0xffffffff, 0x0a000001, 0xc0000201, 0x01020304, 0x80808080]) {
    assert.equal(written((out, q) => writeIpv4Number(out, q, n)), formatIpv4Number(n))
  }
})

test('COMMUNITIES: the byte writer gives the string\'s text, also for lists bgpdump cuts', () => {
  const next = randoms(7)
  const specials = [0xffffff01, 0xffffff02, 0xffffff03, 0xffffff04, 0xffff0000, 0]
  for (const count of [0, 1, 2, 3, 17, 100, 600, 629, 630, 631, 700, 1000, 3000]) {
    const bytes = new Uint8Array(4 * count + 3) // and a partial community, ignored
    for (let i = 0; i < count; i++) {
      const r = next()
      const value = r % 5 === 0 ? specials[r % specials.length] : r % 7 === 0 ? 0xfde8fde8 : next()
      bytes.set([value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff], 4 * i)
    }
    assert.equal(written((out, q) => writeCommunities(out, q, bytes, 0, bytes.length)), communitiesText(bytes, 0, bytes.length), `${count} communities`)
  }
})

test('AS_PATH: long paths end in "..." after 7900 characters, in bytes as in text', () => {
  const asns = 1000
  const path = new Uint8Array(2 + 4 * asns)
  path[0] = 2
  path[1] = 255
  const set = new Uint8Array(2 + 4 * 255)
  set[0] = 1
  set[1] = 255
  const long = new Uint8Array(4 * (2 + 4 * 255))
  for (let s = 0; s < 4; s++) {
    const segment = s % 2 === 0 ? path.subarray(0, 2 + 4 * 255) : set
    for (let i = 0; i < 255; i++) segment.set([0x7f, 0xff, 0xff, i], 2 + 4 * i)
    long.set(segment, s * (2 + 4 * 255))
  }
  const text = asPathText(long, 0, long.length, 4)
  assert.ok(text.endsWith('...'))
  assert.ok(text.length > 7900 && text.length < 7920)
  assert.equal(written((out, q) => writeAsPath(out, q, long, 0, long.length, 4)), text)
})

test('AsciiBytes: views have the text\'s length and share its bytes', () => {
  const a = new AsciiBytes(8)
  a.set('hello')
  const v = a.view()
  assert.equal(v.length, 5)
  assert.equal(Buffer.from(v).toString('latin1'), 'hello')
  assert.equal(a.view(), v) // cached
  a.bytes[0] = 0x4a
  assert.equal(Buffer.from(v).toString('latin1'), 'Jello')
  a.set('a longer text than eight')
  assert.equal(Buffer.from(a.view()).toString('latin1'), 'a longer text than eight')
})

test('A and W lines of one UPDATE: head written once, letter switched', () => {
  // BGP4MP_MESSAGE_AS4, IPv4 session; withdraws 10.0.0.0/8, announces 192.0.2.0/24 and 198.51.100.0/24.
  const head = [0, 0, 0xfd, 0xe8, 0, 0, 0xfd, 0xe9, 0, 0, 0, 1, 192, 0, 2, 1, 192, 0, 2, 2]
  const attributes = [0x40, 1, 1, 0, 0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xe8, 0x40, 3, 4, 192, 0, 2, 1, 0xc0, 8, 4, 0xfd, 0xe8, 0, 1]
  const update = [0, 2, 8, 10, 0, attributes.length, ...attributes, 24, 192, 0, 2, 24, 198, 51, 100]
  const body = Uint8Array.from([...head, ...new Array(16).fill(0xff), 0, 19 + update.length, 2, ...update])
  const out = new ByteSink()
  new BgpdumpRenderer().render(out, 16, 4, 1700000000, body)
  assert.equal(out.text(),
    'BGP4MP|1700000000|W|192.0.2.1|65000|10.0.0.0/8\n' +
    'BGP4MP|1700000000|A|192.0.2.1|65000|192.0.2.0/24|65000|IGP|192.0.2.1|0|0|65000:1|NAG||\n' +
    'BGP4MP|1700000000|A|192.0.2.1|65000|198.51.100.0/24|65000|IGP|192.0.2.1|0|0|65000:1|NAG||\n')
})

test('Lines of one UPDATE that run over output buffers come out whole and in order', () => {
  const head = [0, 0, 0xfd, 0xe8, 0, 0, 0xfd, 0xe9, 0, 0, 0, 1, 192, 0, 2, 1, 192, 0, 2, 2]
  const attributes = [0x40, 1, 1, 0, 0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xe8, 0x40, 3, 4, 192, 0, 2, 1]
  const nlri: number[] = []
  for (let i = 0; i < 300; i++) nlri.push(24, 10, i >> 8, i & 0xff)
  const withdrawn = nlri.slice(0, 40)
  const update = [0, withdrawn.length, ...withdrawn, 0, attributes.length, ...attributes, ...nlri]
  const length = 19 + update.length
  const body = Uint8Array.from([...head, ...new Array(16).fill(0xff), length >> 8, length & 0xff, 2, ...update])
  const expected: string[] = []
  for (let i = 0; i < 10; i++) expected.push(`BGP4MP|1700000000|W|192.0.2.1|65000|10.0.${i}.0/24\n`)
  for (let i = 0; i < 300; i++) expected.push(`BGP4MP|1700000000|A|192.0.2.1|65000|10.${i >> 8}.${i & 0xff}.0/24|65000|IGP|192.0.2.1|0|0||NAG||\n`)
  for (const size of [1 << 20, 512, 300]) {
    const out = new ByteSink(size)
    new BgpdumpRenderer().render(out, 16, 4, 1700000000, body)
    assert.equal(out.text(), expected.join(''), `output buffers of ${size} octets`)
  }
})
