import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatIp, formatIpv4, formatIpv4Number, formatIpv6, parseIp, parseIpv4, parseIpv6 } from '../../src/codec/address.ts'

// Expected text from Python's socket.inet_ntop, which is glibc's inet_ntop(3).
const IPV6_VECTORS: Array<[string, string]> = [
  ['00000000000000000000000000000000', '::'],
  ['00000000000000000000000000000001', '::1'],
  ['00000000000000000000ffff01020304', '::ffff:1.2.3.4'],
  ['00000000000000000000000001020304', '::1.2.3.4'],
  ['00000000000000000000ffff00000000', '::ffff:0.0.0.0'],
  ['00010000000000000000000000000000', '1::'],
  ['20010db8000000000000000000000001', '2001:db8::1'],
  ['20010db8000000010001000100010001', '2001:db8:0:1:1:1:1:1'],
  ['20010000000000010000000000010001', '2001::1:0:0:1:1'],
  ['fe800000000000000000000000000001', 'fe80::1'],
  ['00000000000000000000000000020003', '::0.2.0.3'],
  ['00000000000000000000000100000000', '::1:0:0'],
  ['00010000000000000000000000000001', '1::1'],
  ['0000ca2600000000ffff000000010000', '0:ca26::ffff:0:1:0'],
  ['000000000000ffff0000000000000000', '0:0:0:ffff::'],
  ['ffffffff00000000ffffffffffff0001', 'ffff:ffff::ffff:ffff:ffff:1'],
  ['0000ffff000000005c0a0000ffff0000', '0:ffff::5c0a:0:ffff:0'],
  ['000000000000000000011412ffff0000', '::1:1412:ffff:0'],
  ['ffffffff00000000f2bd00009e840000', 'ffff:ffff::f2bd:0:9e84:0'],
  ['c58600000000ffff0001000000000001', 'c586::ffff:1:0:0:1'],
  ['0001000000010000ffff8e8d00000000', '1:0:1:0:ffff:8e8d::'],
  ['0000000076c30000ffff000000000001', '::76c3:0:ffff:0:0:1'],
  ['ffff0000000100010001000100000000', 'ffff:0:1:1:1:1::'],
  ['00010000ffff0000ffffffff00000000', '1:0:ffff:0:ffff:ffff::'],
  ['ffff0000000000010000000100010000', 'ffff::1:0:1:1:0'],
  ['0000af6d0001ffff00000000ffff989f', '0:af6d:1:ffff::ffff:989f'],
  ['2e98ffff00000000a8c9ffff0000cd26', '2e98:ffff::a8c9:ffff:0:cd26'],
  ['00000000000000010000000100000000', '::1:0:1:0:0'],
  ['000000000000ffff0001b0212b680001', '::ffff:1:b021:2b68:1'],
]

const bytes = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'))

test('formatIpv6 prints what glibc inet_ntop prints', () => {
  for (const [hex, text] of IPV6_VECTORS) assert.equal(formatIpv6(bytes(hex), 0), text, hex)
})

test('parseIpv6 reads back every text form', () => {
  for (const [hex, text] of IPV6_VECTORS) assert.equal(Buffer.from(parseIpv6(text) ?? []).toString('hex'), hex, text)
  assert.equal(Buffer.from(parseIpv6('2001:DB8:0:0:0:0:0:1') ?? []).toString('hex'), '20010db8000000000000000000000001')
})

test('parseIpv6 rejects what is not an address', () => {
  for (const text of ['', ':', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1::2::3', '12345::', 'g::', '::1.2.3', '1:2:3:4:5:6:7::8']) {
    assert.equal(parseIpv6(text), null, text)
  }
})

test('IPv4 formatting at an offset, from a number, and parsing', () => {
  assert.equal(formatIpv4(bytes('00c0000201'), 1), '192.0.2.1')
  assert.equal(formatIpv4Number(0xc0000201), '192.0.2.1')
  assert.equal(formatIpv4Number(0xffffffff), '255.255.255.255')
  assert.deepEqual(parseIpv4('192.0.2.1'), Uint8Array.of(192, 0, 2, 1))
  for (const text of ['256.0.0.1', '1.2.3', '01.2.3.4', '1.2.3.4.5', ' 1.2.3.4']) assert.equal(parseIpv4(text), null, text)
})

test('formatIp and parseIp pick the family', () => {
  assert.equal(formatIp(bytes('c0000201'), 0, 4), '192.0.2.1')
  assert.equal(formatIp(bytes('20010db8000000000000000000000001'), 0, 16), '2001:db8::1')
  assert.equal(formatIp(bytes('0a0b0c'), 0, 3), '0a0b0c')
  assert.equal(parseIp('2001:db8::1')?.length, 16)
  assert.equal(parseIp('192.0.2.1')?.length, 4)
})
