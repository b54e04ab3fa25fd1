import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MrtDecodeError } from '../../../src/codec/mrt/errors.ts'
import { decodeMrtRecord, decodeTableDumpBlock } from '../../../src/codec/mrt/record.ts'
import { tableDumpLengthIsShort } from '../../../src/codec/mrt/table-dump.ts'
import type { TableDumpEntry } from '../../../src/codec/mrt/types.ts'
import { header, hex } from './helpers.ts'

const ATTRS = '40010100 400206 0201 0ddd'

function decode (subtype: number, bodyHex: string): ReturnType<typeof decodeMrtRecord> {
  const body = hex(bodyHex)
  return decodeMrtRecord(header(12, subtype, body.length, 99), body)
}

test('TABLE_DUMP AFI_IPv4 (1)', () => {
  const r = decode(1, '0000 0007 03000000 08 01 3879c8b4 cc98a61d 0ddd 000b' + ATTRS) as TableDumpEntry
  assert.deepEqual(
    [r.kind, r.viewNumber, r.sequence, r.prefix, r.afi, r.status, r.originatedTime, r.peerIp, r.peerAs, r.attributes.length, r.asn4],
    ['table-dump', 0, 7, '3.0.0.0/8', 1, 1, 0x3879c8b4, '204.152.166.29', 3549, 11, false])
})

test('TABLE_DUMP AFI_IPv6 (2), bits past the prefix length cleared', () => {
  const r = decode(2, '0000 0001 20010db8ffff00000000000000000000 20 01 00000001 20010db8000000000000000000000001 fde8 0000') as TableDumpEntry
  assert.deepEqual([r.prefix, r.afi, r.peerIp, r.peerAs], ['2001:db8::/32', 2, '2001:db8::1', 65000])
})

test('TABLE_DUMP subtype 3 (IPv4, 4-octet peer AS) as bgpdump reads it', () => {
  const r = decode(3, '0000 0001 0a000000 08 01 00000001 0a000001 00031b3a 0000') as TableDumpEntry
  assert.deepEqual([r.peerAs, r.asn4, r.prefix], [203578, true, '10.0.0.0/8'])
})

test('TABLE_DUMP errors', () => {
  const isErr = (kind: string) => (e: unknown) => e instanceof MrtDecodeError && e.kind === kind && e.offset === 99
  assert.throws(() => decode(1, '0000 0001 03000000 21 01 00000000 0a000001 0ddd 0000'), isErr('malformed'))
  assert.throws(() => decode(1, '0000 0001 03000000 08 01 00000000 0a000001 0ddd 0010 4001'), isErr('truncated'))
  assert.throws(() => decode(1, '0000 0001 03000000 08 01 00000000 0a000001 0ddd 0000 ff'), isErr('malformed'))
  assert.equal(decode(7, '00').kind, 'unsupported')
})

test('TABLE_DUMP length bug: detection and the entries of one record', () => {
  const e1 = '03000000 08 01 3879c8b4 cc98a61d 0ddd 000b' + ATTRS
  const e2 = '04000000 08 01 3879c8b4 cc98a61d 0ddd 0000'
  const body = hex('0000 0005' + e1 + e2)
  assert.equal(tableDumpLengthIsShort(body, 1, body.length - 4), true)
  // A correct record (view, sequence, one entry: 33 octets) followed by 4 octets of the next header.
  const correct = hex('0000 0005' + e1 + '5b9a0000')
  assert.equal(tableDumpLengthIsShort(correct, 1, correct.length - 4), false)
  const entries = decodeTableDumpBlock(header(12, 1, body.length), body)
  assert.deepEqual(entries.map((e) => [e.sequence, e.prefix, e.attributes.length]), [[5, '3.0.0.0/8', 11], [5, '4.0.0.0/8', 0]])
})
