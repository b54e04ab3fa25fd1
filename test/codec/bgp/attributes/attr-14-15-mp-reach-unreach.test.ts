import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeMpReach, decodeMpUnreach, encodeMpReach, encodeMpUnreach } from '../../../../src/codec/bgp/attributes/attr-14-15-mp-reach-unreach.ts'
import { ByteWriter } from '../../../../src/codec/bgp/byte-writer.ts'
import { ErrorAction } from '../../../../src/codec/bgp/errors.ts'
import type { ErrorActionValue } from '../../../../src/codec/bgp/errors.ts'
import type { MpReachAttribute, MpUnreachAttribute } from '../../../../src/codec/bgp/types.ts'
import { CTX_4, CTX_4_ADDPATH, CTX_RIB, assertBgpError, hex, toHex } from '../hex.ts'

function reencodeReach (attr: MpReachAttribute): string {
  const out = new ByteWriter()
  encodeMpReach(out, attr)
  return toHex(out.finish())
}

function reencodeUnreach (attr: MpUnreachAttribute): string {
  const out = new ByteWriter()
  encodeMpUnreach(out, attr)
  return toHex(out.finish())
}

test('IPv6 unicast with a global and a link-local next hop (RFC 2545 §3)', () => {
  const value = hex('0002 01 20 20010db8000000000000000000000001 fe800000000000000000000000000001 00 20 20010db8 30 20010db80001')
  const attr = decodeMpReach(value, 0, value.length, 0x90, CTX_4)
  assert.equal(attr.afi, 2)
  assert.equal(attr.safi, 1)
  assert.deepEqual(attr.nextHops, ['2001:db8::1', 'fe80::1'])
  assert.deepEqual(attr.nlri?.prefixes, ['2001:db8::/32', '2001:db8:1::/48'])
  assert.equal(attr.abbreviated, false)
  assert.equal(reencodeReach(attr), toHex(value))
})

test('IPv4 NLRI with an IPv6 next hop (RFC 8950)', () => {
  const value = hex('0001 01 10 20010db8000000000000000000000001 00 18 c00002')
  const attr = decodeMpReach(value, 0, value.length, 0x80, CTX_4)
  assert.deepEqual(attr.nextHops, ['2001:db8::1'])
  assert.deepEqual(attr.nlri?.prefixes, ['192.0.2.0/24'])
})

test('IPv4 multicast with ADD-PATH path identifiers', () => {
  const value = hex('0001 02 04 c0000201 00 00000007 18 c00002')
  const attr = decodeMpReach(value, 0, value.length, 0x80, CTX_4_ADDPATH)
  assert.deepEqual(attr.nlri, { afi: 1, safi: 2, prefixes: ['192.0.2.0/24'], pathIds: [7] })
  assert.equal(reencodeReach(attr), toHex(value))
})

test('other families keep next hop and NLRI as bytes (VPNv4, SAFI 128)', () => {
  const value = hex('0001 80 0c 0000000000000000c0000201 00 70 000011 0000fde800000001 c00002')
  const attr = decodeMpReach(value, 0, value.length, 0x80, CTX_4)
  assert.equal(attr.nlri, null)
  assert.deepEqual(attr.nextHops, [])
  assert.equal(toHex(attr.nlriBytes), '700000110000fde800000001c00002')
  assert.equal(reencodeReach(attr), toHex(value))
})

test('the abbreviated MRT RIB form (RFC 6396 §4.3.4)', () => {
  const value = hex('10 20010db8000000000000000000000001')
  const attr = decodeMpReach(value, 0, value.length, 0x80, CTX_RIB)
  assert.equal(attr.abbreviated, true)
  assert.deepEqual(attr.nextHops, ['2001:db8::1'])
  assert.equal(attr.afi, 2)
  assert.equal(reencodeReach(attr), toHex(value))
})

test('a full MP_REACH_NLRI inside an MRT RIB entry is recognised', () => {
  const value = hex('0002 01 10 20010db8000000000000000000000001 00 20 20010db8')
  const attr = decodeMpReach(value, 0, value.length, 0x80, CTX_RIB)
  assert.equal(attr.abbreviated, false)
  assert.deepEqual(attr.nlri?.prefixes, ['2001:db8::/32'])
})

test('MP_REACH_NLRI errors: AFI/SAFI disable once the family is known, else session reset (RFC 7606 §7.11)', () => {
  const cases: Array<[string, string, ErrorActionValue]> = [
    ['too short for AFI/SAFI', '0002', ErrorAction.SESSION_RESET],
    ['too short for the reserved octet', '000201 00', ErrorAction.AFI_SAFI_DISABLE],
    ['next hop overruns', '000201 10 20010db8', ErrorAction.AFI_SAFI_DISABLE],
    ['next hop length 4 for IPv6', '000201 04 c0000201 00', ErrorAction.AFI_SAFI_DISABLE],
    ['prefix length 129', '000201 10 20010db8000000000000000000000001 00 81 00', ErrorAction.AFI_SAFI_DISABLE],
    ['prefix overruns', '000101 04 c0000201 00 18 c000', ErrorAction.AFI_SAFI_DISABLE]
  ]
  for (const [name, body, action] of cases) {
    const value = hex(body)
    assert.throws(() => decodeMpReach(value, 0, value.length, 0x80, CTX_4), e => assertBgpError(e, { code: 3, subcode: 9, action }), name)
  }
})

test('MP_UNREACH_NLRI withdraws IPv6 prefixes and re-encodes', () => {
  const value = hex('0002 01 20 20010db8 40 20010db800000001')
  const attr = decodeMpUnreach(value, 0, value.length, 0x90, CTX_4)
  assert.deepEqual(attr.withdrawn?.prefixes, ['2001:db8::/32', '2001:db8:0:1::/64'])
  assert.equal(reencodeUnreach(attr), toHex(value))
})

test('MP_UNREACH_NLRI errors', () => {
  assert.throws(() => decodeMpUnreach(hex('0002'), 0, 2, 0x80, CTX_4), e => assertBgpError(e, { code: 3, subcode: 9, action: ErrorAction.SESSION_RESET }))
  assert.throws(() => decodeMpUnreach(hex('000201 40 2001'), 0, 6, 0x80, CTX_4), e => assertBgpError(e, { code: 3, subcode: 9, action: ErrorAction.AFI_SAFI_DISABLE }))
})
