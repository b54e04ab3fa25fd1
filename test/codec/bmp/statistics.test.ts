import { test } from 'node:test'
import assert from 'node:assert/strict'
import { StatType } from '../../../src/codec/bmp/constants.ts'
import { BmpDecodeError } from '../../../src/codec/bmp/errors.ts'
import { decodeStatisticsReport, encodeStatisticsReport } from '../../../src/codec/bmp/statistics.ts'
import type { BmpStat } from '../../../src/codec/bmp/types.ts'
import { corpusMessage, hex, peerHeader, toHex } from './fixtures.ts'

function withBody (body: string): Uint8Array {
  const head = encodeStatisticsReport({ kind: 'statistics-report', peer: peerHeader(), stats: [] }).subarray(0, 48)
  const rest = hex(body)
  const buf = new Uint8Array(48 + rest.length)
  buf.set(head)
  buf.set(rest, 48)
  new DataView(buf.buffer).setUint32(1, buf.length)
  return buf
}

test('statistics: IOS XR counters and gauges (RFC 7854 §4.8)', () => {
  const buf = corpusMessage('netgauze-0-0-statistics')
  const msg = decodeStatisticsReport(buf)
  assert.deepEqual(msg.stats, [
    { type: StatType.DUPLICATE_PREFIX_ADVERTISEMENTS, form: 'counter32', value: 2 },
    { type: StatType.ADJ_RIB_IN_ROUTES, form: 'gauge64', value: 1n },
    { type: StatType.LOC_RIB_ROUTES, form: 'gauge64', value: 1n }
  ])
  assert.equal(toHex(encodeStatisticsReport(msg)), toHex(buf))
})

test('statistics: per-AFI/SAFI gauges (types 9, 10) and FRR\'s experimental type 65531', () => {
  const xr = decodeStatisticsReport(corpusMessage('cisco-204-0-174-statistics'))
  assert.deepEqual(xr.stats[1], { type: 10, form: 'afi-safi-gauge64', afi: 1, safi: 1, value: 1n })
  assert.deepEqual(xr.stats.map(s => s.form === 'afi-safi-gauge64' ? `${s.afi}/${s.safi}` : s.type), [8, '1/1', '1/4', '1/128', '2/128'])
  const frr = decodeStatisticsReport(corpusMessage('frr-205-0-259-statistics'))
  assert.deepEqual(frr.stats.at(-1), { type: 0xfffb, form: 'counter32', value: 0 })
})

test('statistics: RFC 8671 Adj-RIB-Out types and raw unknown ones round-trip', () => {
  const all: BmpStat[] = [
    { type: StatType.PRE_POLICY_ADJ_RIB_OUT_ROUTES, form: 'gauge64', value: 2n ** 40n + 5n },
    { type: StatType.PER_AFI_SAFI_POST_POLICY_ADJ_RIB_OUT_ROUTES, form: 'afi-safi-gauge64', afi: 2, safi: 1, value: 0xffffffffffffffffn },
    { type: StatType.REJECTED_PREFIXES, form: 'counter32', value: 0xffffffff },
    { type: 40000, form: 'raw', value: hex('010203') }
  ]
  const buf = encodeStatisticsReport({ kind: 'statistics-report', peer: peerHeader(), stats: all })
  assert.deepEqual(decodeStatisticsReport(buf).stats, all)
})

test('statistics: errors', () => {
  assert.deepEqual(decodeStatisticsReport(withBody('00000000')).stats, [])
  assert.throws(() => decodeStatisticsReport(withBody('000000')), /stats count: needs 4 octets, 3 left/)
  assert.throws(() => decodeStatisticsReport(withBody('00000003 0000 0004 00000001')), (e: unknown) =>
    e instanceof BmpDecodeError && /count 3 cannot fit in 8 octets/.test(e.message) && e.offset === 48)
  assert.throws(() => decodeStatisticsReport(withBody('00000001 0007 0004 00000001')), (e: unknown) =>
    e instanceof BmpDecodeError && /type 7: length 4, expected 8/.test(e.message) && e.offset === 56)
  assert.throws(() => decodeStatisticsReport(withBody('00000001 0000 0008 00000001')), /stat 0 \(type 0\) value: needs 8 octets, 4 left/)
  assert.throws(() => decodeStatisticsReport(withBody('00000001 0000 0004 00000001 ff')), (e: unknown) =>
    e instanceof BmpDecodeError && /1 octets after the 1 stats/.test(e.message) && e.offset === 60)
  assert.throws(() => decodeStatisticsReport(withBody('00000002 0000 0004 00000001 0000')), /stat 1 header: needs 4 octets, 2 left/)
})
