import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MrtDecodeError } from '../../../src/codec/mrt/errors.ts'
import { decodeMrtRecord } from '../../../src/codec/mrt/record.ts'
import type { BgpLegacyRecord } from '../../../src/codec/mrt/types.ts'
import { header, hex, toHex } from './helpers.ts'

const MARKER = 'ffffffffffffffffffffffffffffffff'

function decode (subtype: number, bodyHex: string): ReturnType<typeof decodeMrtRecord> {
  const body = hex(bodyHex)
  return decodeMrtRecord(header(5, subtype, body.length, 7), body)
}

// Real records from legacy/rrc00.updates.19991214.1621.gz.
test('BGP (5) OPEN: the BGP header is rebuilt around the contents', () => {
  const r = decode(5, '0ddd cc98a61d 316e c1000001 04 0ddd 00b4 cc98a61d 0c 020601040001000102028000') as BgpLegacyRecord
  assert.deepEqual([r.kind, r.peerAs, r.peerIp, r.localAs, r.localIp], ['bgp-legacy', 3549, '204.152.166.29', 12654, '193.0.0.1'])
  assert.equal(toHex(r.message ?? new Uint8Array()), MARKER + '0029' + '01' + '040ddd00b4cc98a61d0c020601040001000102028000')
})

test('BGP (5) UPDATE, NOTIFY and KEEPALIVE', () => {
  const u = decode(1, '1521 c3d3de0b 316e c1000001 0000 0004 40010100 18d08ce0') as BgpLegacyRecord
  assert.equal(u.message?.[18], 2)
  assert.equal(u.message?.length, 19 + 12)
  const n = decode(6, '0ddd cefb0055 316e c1000001 0400') as BgpLegacyRecord
  assert.deepEqual([n.message?.[18], n.message?.length], [3, 21])
  const k = decode(7, '0201 c041b801 316e c1000001') as BgpLegacyRecord
  assert.equal(toHex(k.message ?? new Uint8Array()), MARKER + '0013' + '04')
})

test('BGP (5) STATE_CHANGE', () => {
  const s = decode(3, '1521 c3d3defe 0003 0002') as BgpLegacyRecord
  assert.deepEqual([s.peerAs, s.peerIp, s.oldState, s.newState, s.message], [5409, '195.211.222.254', 3, 2, null])
})

test('BGP (5) errors and unsupported subtypes', () => {
  const isErr = (e: unknown) => e instanceof MrtDecodeError && e.offset === 7
  assert.throws(() => decode(3, '1521 c3d3defe 0003'), isErr)
  assert.throws(() => decode(3, '1521 c3d3defe 0003 0002 00'), isErr)
  assert.throws(() => decode(1, '1521 c3d3de0b 316e'), isErr)
  for (const subtype of [0, 2, 4, 8]) assert.equal(decode(subtype, '00').kind, 'unsupported')
})
