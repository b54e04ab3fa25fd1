import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ByteWriter } from '../../../src/codec/bgp/byte-writer.ts'
import { decodePrefixes, encodePrefixes, emptyPrefixList } from '../../../src/codec/bgp/prefix.ts'
import type { PrefixList } from '../../../src/codec/bgp/types.ts'
import { hex, toHex } from './hex.ts'

function encode (list: PrefixList): string {
  const out = new ByteWriter()
  encodePrefixes(out, list)
  return toHex(out.finish())
}

test('IPv4 prefixes of every octet count, as text', () => {
  const wire = hex('00  08 0a  10 ac10  18 c00002  20 c0000201  1d c0000200')
  const list = decodePrefixes(wire, 0, wire.length, 1, 1, false)
  assert.deepEqual(list.prefixes, ['0.0.0.0/0', '10.0.0.0/8', '172.16.0.0/16', '192.0.2.0/24', '192.0.2.1/32', '192.0.2.0/29'])
  assert.equal(list.pathIds, null)
  assert.equal(list.hostBits, undefined)
  assert.equal(encode(list), toHex(wire))
})

test('bits past the prefix length are kept and flagged (RFC 4271 §4.3)', () => {
  const wire = hex('0d 0b0d')
  const list = decodePrefixes(wire, 0, wire.length, 1, 1, false)
  assert.deepEqual(list.prefixes, ['11.13.0.0/13'])
  assert.equal(list.hostBits, true)
  assert.equal(encode(list), '0d0b0d')
  assert.equal(decodePrefixes(hex('0d 0b0c'), 0, 3, 1, 1, false).hostBits, true, 'only the lowest bit past the length but one')
  assert.equal(decodePrefixes(hex('0d 0b08  1f 0a000002'), 0, 8, 1, 1, false).hostBits, undefined, 'exactly masked')
  assert.equal(decodePrefixes(hex('1f 0a000003'), 0, 5, 1, 1, false).hostBits, true, 'the last bit of /31')
})

test('IPv6 prefixes use the inet_ntop text form', () => {
  const wire = hex('20 20010db8  40 20010db800000001  80 20010db8000000000000000000000001  00')
  const list = decodePrefixes(wire, 0, wire.length, 2, 1, false)
  assert.deepEqual(list.prefixes, ['2001:db8::/32', '2001:db8:0:1::/64', '2001:db8::1/128', '::/0'])
  assert.equal(encode(list), toHex(wire))
})

test('ADD-PATH path identifiers are index-aligned (RFC 7911 §3)', () => {
  const wire = hex('00000001 18 c00002  ffffffff 20 c0000201')
  const list = decodePrefixes(wire, 0, wire.length, 1, 1, true)
  assert.deepEqual(list.prefixes, ['192.0.2.0/24', '192.0.2.1/32'])
  assert.deepEqual(list.pathIds, [1, 4294967295])
  assert.equal(encode(list), toHex(wire))
})

test('a malformed field stops at the last whole prefix and keeps the rest (RFC 7606 §5.3)', () => {
  const cases: Array<[string, number, boolean, string[], string]> = [
    ['overrun', 1, false, ['11.13.0.0/13'], '0b'],
    ['length 33', 1, false, [], '21 0a000000 00'],
    ['length 129', 2, false, [], '81 00'],
    ['truncated path id', 1, true, [], '000001']
  ]
  const bodies = ['0d0b0d 0b', '21 0a000000 00', '81 00', '000001']
  cases.forEach(([name, afi, addPath, prefixes, trailing], k) => {
    const wire = hex(bodies[k])
    const list = decodePrefixes(wire, 0, wire.length, afi, 1, addPath)
    assert.deepEqual(list.prefixes, prefixes, name)
    assert.equal(toHex(list.trailing ?? new Uint8Array(0)), trailing.replace(/\s+/g, ''), name)
    assert.equal(encode(list), toHex(wire), name)
  })
})

test('encoding rejects text that is not a prefix of the family', () => {
  for (const text of ['192.0.2.0', '192.0.2.0/33', '192.0.2/24', '2001:db8::/32', '256.0.0.0/8']) {
    assert.throws(() => encode({ afi: 1, safi: 1, prefixes: [text], pathIds: null }), RangeError, text)
  }
  assert.throws(() => encode({ afi: 2, safi: 1, prefixes: ['2001:db8::/129'], pathIds: null }), RangeError)
})

test('emptyPrefixList', () => {
  assert.deepEqual(emptyPrefixList(2, 1, true), { afi: 2, safi: 1, prefixes: [], pathIds: [] })
})
