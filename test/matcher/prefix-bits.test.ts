import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatIp, parseIp } from '../../src/codec/address.ts'
import { formatPrefixBits, newPrefixBits, parsePrefix, parsePrefixInto, prefixBitsFromBytes } from '../../src/matcher/prefix-bits.ts'
import type { PrefixBits } from '../../src/matcher/prefix-bits.ts'
import { rng } from './helpers.ts'

/** The expected bits, by way of the codec's own (regex-based) address parser. */
function reference (address: string, len: number): PrefixBits | null {
  const bytes = parseIp(address)
  if (bytes === null) return null
  const out = newPrefixBits()
  return prefixBitsFromBytes(bytes, len, out) ? out : null
}

test('IPv4 prefixes parse to one word with host bits cleared', () => {
  assert.deepEqual(parsePrefix('10.1.2.3/8'), { v6: false, len: 8, w0: 0x0a000000, w1: 0, w2: 0, w3: 0 })
  assert.deepEqual(parsePrefix('255.255.255.255/32'), { v6: false, len: 32, w0: -1, w1: 0, w2: 0, w3: 0 })
  assert.deepEqual(parsePrefix('0.0.0.0/0'), { v6: false, len: 0, w0: 0, w1: 0, w2: 0, w3: 0 })
  assert.deepEqual(parsePrefix('192.0.2.128/25'), { v6: false, len: 25, w0: (0xc0000280 | 0), w1: 0, w2: 0, w3: 0 })
})

test('IPv6 prefixes parse to four words, :: and dotted tails included', () => {
  assert.deepEqual(parsePrefix('2001:db8::/32'), { v6: true, len: 32, w0: 0x20010db8, w1: 0, w2: 0, w3: 0 })
  assert.deepEqual(parsePrefix('::/0'), { v6: true, len: 0, w0: 0, w1: 0, w2: 0, w3: 0 })
  assert.deepEqual(parsePrefix('::1/128'), { v6: true, len: 128, w0: 0, w1: 0, w2: 0, w3: 1 })
  assert.deepEqual(parsePrefix('::ffff:192.0.2.0/120'), { v6: true, len: 120, w0: 0, w1: 0, w2: 0xffff, w3: (0xc0000200 | 0) })
  assert.deepEqual(parsePrefix('2001:DB8:0:0:1:2:3:4/64'), { v6: true, len: 64, w0: 0x20010db8, w1: 0, w2: 0, w3: 0 })
  assert.deepEqual(parsePrefix('2001:db8::ff00/120'), { v6: true, len: 120, w0: 0x20010db8, w1: 0, w2: 0, w3: 0xff00 })
  assert.deepEqual(parsePrefix('fe80::/10'), { v6: true, len: 10, w0: (0xfe800000 | 0), w1: 0, w2: 0, w3: 0 })
})

test('text that is not a prefix is refused', () => {
  for (const bad of [
    '', '/', '10.0.0.0', '10.0.0.0/', '10.0.0.0/33', '10.0.0/8', '10.0.0.0.0/8', '256.0.0.0/8', '01.0.0.0/8',
    '10.0.0.0/08', '10.0.0.0/8 ', ' 10.0.0.0/8', '10.0.0.0/-1', '10.0.0.0/a', 'a.b.c.d/8', '1.2.3.4/8/8',
    '2001:db8::/129', '2001:db8::', '2001:db8:::/32', '2001::db8::/32', '1:2:3:4:5:6:7:8:9/64', '1:2:3:4:5:6:7/64',
    '12345::/16', ':1::/16', '1::2:/64', '::g/64', '::1.2.3/96', '1:2:3:4:5:6:7:1.2.3.4/128', '2001:db8::/032', 'x/8'
  ]) {
    assert.equal(parsePrefix(bad), null, bad)
  }
})

test('parsing agrees with the codec parser on random addresses in their printed form', () => {
  const random = rng(7)
  const bytes4 = new Uint8Array(4)
  const bytes16 = new Uint8Array(16)
  for (let i = 0; i < 20_000; i++) {
    const v6 = random() < 0.5
    const bytes = v6 ? bytes16 : bytes4
    for (let j = 0; j < bytes.length; j++) {
      // Many zero runs, to exercise "::" placement.
      bytes[j] = random() < 0.4 ? 0 : Math.floor(random() * 256)
    }
    if (v6 && random() < 0.1) { bytes.fill(0, 0, 10); bytes[10] = bytes[11] = 0xff } // IPv4-mapped
    const len = Math.floor(random() * (bytes.length * 8 + 1))
    const address = formatIp(bytes, 0, bytes.length)
    const text = address + '/' + String(len)
    assert.deepEqual(parsePrefix(text), reference(address, len), text)
    assert.deepEqual(parsePrefix(formatPrefixBits(parsePrefix(text) as PrefixBits)), parsePrefix(text), text)
  }
})

test('formatPrefixBits writes the canonical text the records use', () => {
  assert.equal(formatPrefixBits(parsePrefix('10.1.2.3/8') as PrefixBits), '10.0.0.0/8')
  assert.equal(formatPrefixBits(parsePrefix('2001:DB8:0:0::1/32') as PrefixBits), '2001:db8::/32')
  assert.equal(formatPrefixBits(parsePrefix('::ffff:1.2.3.4/128') as PrefixBits), '::ffff:1.2.3.4/128')
})

test('prefixBitsFromBytes checks the family length and clears host bits', () => {
  const out = newPrefixBits()
  assert.equal(prefixBitsFromBytes(Uint8Array.of(10, 1, 2, 3), 33, out), false)
  assert.equal(prefixBitsFromBytes(new Uint8Array(5), 8, out), false)
  assert.equal(prefixBitsFromBytes(Uint8Array.of(10, 1, 2, 3), 12, out), true)
  assert.deepEqual(out, { v6: false, len: 12, w0: 0x0a000000, w1: 0, w2: 0, w3: 0 })
  const again = newPrefixBits()
  assert.equal(parsePrefixInto('10.1.2.3/12', again), true)
  assert.deepEqual(again, out)
})
