// bgpdump 1.6.2's text rules that the shared MRT files do not all exercise, pinned one by one.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { AS_PATH_ERROR, asPathText, mergedAsPathText } from '../../src/render/bgpdump/as-path.ts'
import { ByteSink } from '../../src/render/bgpdump/byte-sink.ts'
import { communitiesText } from '../../src/render/bgpdump/communities.ts'
import { formatIpv6At } from '../../src/render/bgpdump/format-address.ts'
import { BgpdumpRenderer } from '../../src/render/bgpdump/index.ts'

function ipv6 (text: string): string {
  const words = text.split(':').map((w) => parseInt(w, 16))
  const bytes = new Uint8Array(16)
  words.forEach((w, i) => { bytes[2 * i] = w >> 8; bytes[2 * i + 1] = w & 0xff })
  return formatIpv6At(bytes, 0, 16)
}

test('IPv6 text: a single zero group is shortened too, unlike inet_ntop', () => {
  assert.equal(ipv6('2001:7f8:30:0:2:1:0:8447'), '2001:7f8:30::2:1:0:8447')
  assert.equal(ipv6('2001:668:0:3:ffff:0:adcd:3354'), '2001:668::3:ffff:0:adcd:3354')
  assert.equal(ipv6('2001:200:0:fe00:0:0:6249:0'), '2001:200:0:fe00::6249:0')
  assert.equal(ipv6('2001:db8:0:0:0:0:0:1'), '2001:db8::1')
  assert.equal(ipv6('2001:db8:0:0:0:0:0:0'), '2001:db8::')
  assert.equal(ipv6('0:0:0:0:0:0:0:0'), '::')
  assert.equal(ipv6('0:0:0:0:0:0:0:1'), '::1')
  assert.equal(ipv6('0:0:0:0:0:ffff:c100:38'), '::ffff:193.0.0.56')
  assert.equal(ipv6('0:0:0:0:0:0:0:5'), '::0.0.0.5')
})

test('IPv6 text: octets past the end read as zeros', () => {
  assert.equal(formatIpv6At(Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff), 0, 4), '2001:db8::')
})

test('AS_PATH text: sets in braces, confederation segments in () and [], a bad segment is "! Error !"', () => {
  const path = Uint8Array.of(2, 2, 0, 1, 0, 2, 1, 2, 0, 3, 0, 4, 3, 1, 0, 5, 4, 2, 0, 6, 0, 7)
  assert.equal(asPathText(path, 0, path.length, 2), '1 2 {3,4} (5) [6,7]')
  assert.equal(asPathText(Uint8Array.of(5, 1, 0, 1), 0, 4, 2), AS_PATH_ERROR)
  assert.equal(asPathText(Uint8Array.of(2, 2, 0, 1), 0, 4, 2), AS_PATH_ERROR)
  // An empty set still prints its braces, and the next segment follows with no space.
  assert.equal(asPathText(Uint8Array.of(2, 1, 0, 1, 1, 0, 2, 1, 0, 2), 0, 10, 2), '1 {}2')
  assert.equal(asPathText(Uint8Array.of(2, 1, 0x00, 0x01, 0x11, 0x70), 0, 6, 4), '70000')
})

test('AS4_PATH merge: bgpdump repeats the first AS_PATH segment instead of walking the path', () => {
  // AS_PATH 10 | 20 23456 (two sequences, 3 ASes), AS4_PATH 200000: RFC 6793 gives "10 20 200000".
  const path = Uint8Array.of(2, 1, 0, 10, 2, 2, 0, 20, 0x5b, 0xa0)
  const as4 = Uint8Array.of(2, 1, 0x00, 0x03, 0x0d, 0x40)
  asPathText(path, 0, path.length, 2)
  assert.equal(mergedAsPathText(path, 0, path.length, 3, as4, 0, as4.length, 1), '10 10 200000')
  // The usual single-sequence case is the RFC's result.
  const single = Uint8Array.of(2, 3, 0, 1, 0, 2, 0x5b, 0xa0)
  assert.equal(mergedAsPathText(single, 0, single.length, 3, as4, 0, as4.length, 1), '1 2 200000')
  // AS4_PATH longer than AS_PATH: AS_PATH is kept.
  assert.equal(mergedAsPathText(single, 0, single.length, 3, as4, 0, as4.length, 4), null)
})

test('COMMUNITIES text: well-known names, unsigned halves, space separated', () => {
  const values = Uint8Array.of(0xff, 0xff, 0xff, 0x01, 0xff, 0xff, 0xff, 0x02, 0xff, 0xff, 0xff, 0x03, 0xff, 0xff, 0xff, 0x04, 0, 1, 0, 2)
  assert.equal(communitiesText(values, 0, values.length), 'no-export no-advertise local-AS 65535:65284 1:2')
})

test('COMMUNITIES text: cut where bgpdump\'s 8192-octet buffer ends', () => {
  const values = new Uint8Array(4 * 1000)
  for (let i = 0; i < 1000; i++) values.set([0xfd, 0xe8, 0xfd, 0xe8], 4 * i) // 65000:65000, 12 characters with its space
  const text = communitiesText(values, 0, values.length)
  assert.equal(text.length, 8190) // 8191 in bgpdump's buffer, less its leading space
  assert.ok(text.startsWith('65000:65000 65000:65000'))
})

/** A BGP4MP_MESSAGE_AS4 (subtype 4) record body of an IPv4 session carrying `update` (the UPDATE body). */
function bgp4mpAs4 (update: number[]): Uint8Array {
  const head = [0, 0, 0xfd, 0xe8, 0, 0, 0xfd, 0xe9, 0, 0, 0, 1, 192, 0, 2, 1, 192, 0, 2, 2]
  const marker = new Array(16).fill(0xff)
  const length = 19 + update.length
  return Uint8Array.from([...head, ...marker, length >> 8, length & 0xff, 2, ...update])
}

function render (type: number, subtype: number, body: Uint8Array): string {
  const out = new ByteSink()
  new BgpdumpRenderer().render(out, type, subtype, 1700000000, body)
  return out.text()
}

test('A line: missing attributes print INCOMPLETE, 255.255.255.255, 0, 0; host bits are kept', () => {
  // No attributes at all, NLRI 10.1.2.3/8.
  const body = bgp4mpAs4([0, 0, 0, 0, 8, 10])
  assert.equal(render(16, 4, body), 'BGP4MP|1700000000|A|192.0.2.1|65000|10.0.0.0/8||INCOMPLETE|255.255.255.255|0|0||NAG||\n')
  const hostBits = bgp4mpAs4([0, 0, 0, 0, 9, 10, 0xff])
  assert.equal(render(16, 4, hostBits), 'BGP4MP|1700000000|A|192.0.2.1|65000|10.255.0.0/9||INCOMPLETE|255.255.255.255|0|0||NAG||\n')
})

test('A line: IPv4 NLRI in MP_REACH_NLRI print LOCAL_PREF and MED signed (%d)', () => {
  const mpReach = [0x80, 14, 13, 0, 1, 1, 4, 198, 51, 100, 1, 0, 24, 203, 0, 113]
  const localPref = [0x40, 5, 4, 0xff, 0xff, 0xff, 0xfe]
  const attributes = [...mpReach, ...localPref]
  const body = bgp4mpAs4([0, 0, 0, attributes.length, ...attributes])
  assert.equal(render(16, 4, body), 'BGP4MP|1700000000|A|192.0.2.1|65000|203.0.113.0/24||INCOMPLETE|198.51.100.1|-2|0||NAG||\n')
})

test('BGP4MP_ET: microseconds with 6 digits; OPEN and KEEPALIVE print nothing', () => {
  const update = bgp4mpAs4([0, 4, 24, 192, 0, 2, 0, 0])
  const et = Uint8Array.from([0, 0, 0, 42, ...update])
  assert.equal(render(17, 4, et), 'BGP4MP_ET|1700000000.000042|W|192.0.2.1|65000|192.0.2.0/24\n')
  const keepalive = bgp4mpAs4([])
  keepalive[36 + 2] = 4
  assert.equal(render(16, 4, keepalive), '')
})
