import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeAttributes, encodeAttributes } from '../../../../src/codec/bgp/attributes/index.ts'
import { ErrorAction } from '../../../../src/codec/bgp/errors.ts'
import { CTX_2, CTX_4, CTX_RIB, assertBgpError, hex, toHex } from '../hex.ts'

function decode (body: string, ctx = CTX_2): ReturnType<typeof decodeAttributes> {
  const value = hex(body)
  return decodeAttributes(value, 0, value.length, ctx)
}

test('decodes in wire order and re-encodes flags, order and unknown attributes exactly', () => {
  const body = '400101 00  50020006 0201 00000001  400304 c0000201  e0ff03 abcdef  c0080400010002'
  const { attributes, error } = decode(body, CTX_4)
  assert.equal(error, undefined)
  assert.deepEqual(attributes.map(a => a.kind), ['origin', 'as-path', 'next-hop', 'unknown', 'communities'])
  assert.equal(attributes[1].flags, 0x50, 'extended length bit kept as received')
  assert.deepEqual(attributes[3], { kind: 'unknown', code: 255, flags: 0xe0, value: hex('abcdef') })
  assert.equal(toHex(encodeAttributes(attributes)), body.replace(/\s+/g, ''))
})

test('a value longer than 255 octets gets the extended length bit when encoded', () => {
  const out = encodeAttributes([{ kind: 'unknown', code: 99, flags: 0xc0, value: new Uint8Array(300) }])
  assert.equal(toHex(out.subarray(0, 4)), 'd063012c')
  assert.equal(out.length, 304)
})

test('a malformed attribute is kept raw and its error returned with the whole attribute as data', () => {
  const { attributes, error } = decode('400101 03  400304 c0000201')
  assert.deepEqual(attributes.map(a => a.kind), ['unknown', 'next-hop'])
  assertBgpError(error, { code: 3, subcode: 6, action: ErrorAction.TREAT_AS_WITHDRAW, data: '40010103' })
  assert.equal(error?.attributeType, 1)
})

test('the strongest error wins (RFC 7606 §2)', () => {
  const { error } = decode('400601 00  400101 07  c00701 00')
  assertBgpError(error, { code: 3, subcode: 6, action: ErrorAction.TREAT_AS_WITHDRAW })
})

test('a repeated attribute is discarded (RFC 7606 §3 (g))', () => {
  const { attributes, error } = decode('400101 00  400101 01')
  assert.deepEqual(attributes.map(a => a.kind), ['origin', 'unknown'])
  assertBgpError(error, { code: 3, subcode: 1, action: ErrorAction.ATTRIBUTE_DISCARD, data: '40010101' })
})

test('a repeated MP_REACH_NLRI is a session reset (RFC 7606 §3 (g))', () => {
  const mp = '800e0d 0001 01 04 c0000201 00 18 c00002'
  const { error } = decode(mp + mp)
  assertBgpError(error, { code: 3, subcode: 1, action: ErrorAction.SESSION_RESET })
})

test('Optional/Transitive bits in conflict with the type: Attribute Flags Error (RFC 7606 §3 (c))', () => {
  const { attributes, error } = decode('c00101 00')
  assert.equal(attributes[0].kind, 'origin')
  assertBgpError(error, { code: 3, subcode: 4, action: ErrorAction.TREAT_AS_WITHDRAW, data: 'c0010100' })
  const as4 = decode('4011060201 00031e3a')
  assert.equal(as4.attributes[0].kind, 'unknown')
  assertBgpError(as4.error, { code: 3, subcode: 4, action: ErrorAction.ATTRIBUTE_DISCARD })
})

test('flags are not judged in MRT RIB entries (BIRD writes 0)', () => {
  const { attributes, error } = decode('000304 c0000201  000504 00000064', CTX_RIB)
  assert.equal(error, undefined)
  assert.deepEqual(attributes.map(a => a.kind), ['next-hop', 'local-pref'])
})

test('an unrecognized well-known attribute is a session reset (RFC 4271 §6.3)', () => {
  const { attributes, error } = decode('40fe01 00')
  assert.equal(attributes[0].kind, 'unknown')
  assertBgpError(error, { code: 3, subcode: 2, action: ErrorAction.SESSION_RESET })
})

test('an attribute overrunning the list is treat-as-withdraw and ends the list (RFC 7606 §4)', () => {
  const overrun = decode('400101 00  400305 c0000201')
  assert.deepEqual(overrun.attributes.map(a => a.kind), ['origin'])
  assertBgpError(overrun.error, { code: 3, subcode: 5, action: ErrorAction.TREAT_AS_WITHDRAW, data: '400305c0000201' })
  const truncated = decode('400101 00  5002 00')
  assertBgpError(truncated.error, { code: 3, subcode: 1, action: ErrorAction.TREAT_AS_WITHDRAW, data: '500200' })
})

test('AS_PATH ASN size follows the context', () => {
  assert.equal(decode('400204 0201 fde8', CTX_2).attributes[0].kind, 'as-path')
  const fourOctet = decode('400204 0201 fde8', CTX_4)
  assertBgpError(fourOctet.error, { code: 3, subcode: 11, action: ErrorAction.TREAT_AS_WITHDRAW })
})
