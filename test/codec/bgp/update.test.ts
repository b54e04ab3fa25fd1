import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ErrorAction } from '../../../src/codec/bgp/errors.ts'
import { ByteWriter } from '../../../src/codec/bgp/byte-writer.ts'
import { decodeUpdateBody, writeUpdateBody } from '../../../src/codec/bgp/update.ts'
import type { UpdateMessage } from '../../../src/codec/bgp/types.ts'
import { CTX_2, CTX_4, CTX_4_ADDPATH, assertBgpError, hex, toHex } from './hex.ts'

function decode (body: string, ctx = CTX_2): UpdateMessage {
  const value = hex(body)
  return decodeUpdateBody(value, 0, value.length, ctx)
}

function reencode (update: UpdateMessage): string {
  const out = new ByteWriter()
  writeUpdateBody(out, update)
  return toHex(out.finish())
}

// The real UPDATE of updates.nlri_mask_trailing_bits.gz (AS7018 peer, 2010), without its header.
const REAL_BODY = '0000 0021 40010100 40020c02051b6a0ddd3065bc93c764 4003040c00013f c008041b0b0d0b 0d0b0d0b'

test('withdrawn routes, attributes and NLRI', () => {
  const body = '0003 10 0a01  0014 400101 00  400206 0202 fde8 fde9  400304 c0000201  18 c00002'
  const update = decode(body)
  assert.deepEqual(update.withdrawn.prefixes, ['10.1.0.0/16'])
  assert.deepEqual(update.nlri.prefixes, ['192.0.2.0/24'])
  assert.deepEqual(update.attributes.map(a => a.kind), ['origin', 'as-path', 'next-hop'])
  assert.equal(update.error, undefined)
  assert.equal(reencode(update), body.replace(/\s+/g, ''))
})

test('ADD-PATH NLRI in the IPv4 unicast fields', () => {
  const update = decode('0008 00000003 18 c00002  0000  00000009 18 c63364', CTX_4_ADDPATH)
  assert.deepEqual(update.withdrawn.pathIds, [3])
  assert.deepEqual(update.nlri.pathIds, [9])
  assert.equal(update.error?.subcode, 3, 'NLRI without ORIGIN')
})

test('a malformed NLRI field is a session reset but decoding goes on (RFC 7606 §5.3)', () => {
  const update = decode(REAL_BODY)
  assert.deepEqual(update.nlri.prefixes, ['11.13.0.0/13'])
  assert.equal(update.nlri.hostBits, true)
  assertBgpError(update.error, { code: 3, subcode: 10, action: ErrorAction.SESSION_RESET, data: '0d0b0d0b' })
  assert.equal(reencode(update), REAL_BODY.replace(/\s+/g, ''))
})

test('a malformed Withdrawn Routes field is a session reset', () => {
  const update = decode('0002 21 00  0000')
  assertBgpError(update.error, { code: 3, subcode: 10, action: ErrorAction.SESSION_RESET, data: '2100' })
})

test('length fields overrunning the message throw Malformed Attribute List (session reset)', () => {
  for (const body of ['00', '0005 0000', '0000 0009 400101 00']) {
    assert.throws(() => decode(body), e => assertBgpError(e, { code: 3, subcode: 1, action: ErrorAction.SESSION_RESET }), body)
  }
})

test('missing well-known attributes are treat-as-withdraw with the type code as data (RFC 7606 §3 (d))', () => {
  const noNextHop = decode('0000 000b 400101 00 400204 0201 fde8  18 c00002')
  assertBgpError(noNextHop.error, { code: 3, subcode: 3, action: ErrorAction.TREAT_AS_WITHDRAW, data: '03' })
  const noAsPath = decode('0000 0014 400101 00 800e0d 0001 01 04 c0000201 00 18 c00002', CTX_4)
  assertBgpError(noAsPath.error, { code: 3, subcode: 3, action: ErrorAction.TREAT_AS_WITHDRAW, data: '02' })
  assert.equal(decode('0000 0000').error, undefined, 'End-of-RIB needs nothing')
  assert.equal(decode('0004 18 c00002 0000').error, undefined, 'withdrawals need nothing')
})
