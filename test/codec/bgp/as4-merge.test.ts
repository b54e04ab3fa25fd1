import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mergeAggregator, mergeAsPath, pathLength, shouldUseAs4Path } from '../../../src/codec/bgp/as4-merge.ts'
import type { AggregatorAttribute, AsPathSegment } from '../../../src/codec/bgp/types.ts'

const SEQ = 2
const SET = 1
const CONFED_SEQ = 3
const seq = (...asns: number[]): AsPathSegment => ({ type: SEQ, asns })

test('leading ASNs of AS_PATH, then AS4_PATH, in one sequence (RFC 6793 §4.2.3)', () => {
  assert.deepEqual(mergeAsPath([seq(701, 23456, 23456, 3356)], [seq(204346, 396982, 3356)]), [seq(701, 204346, 396982, 3356)])
})

test('AS4_PATH longer than AS_PATH is ignored', () => {
  const asPath = [seq(701, 23456)]
  const merged = mergeAsPath(asPath, [seq(1, 2, 3)])
  assert.deepEqual(merged, asPath)
  assert.notEqual(merged[0], asPath[0], 'a copy, not the input')
})

test('equal lengths: AS4_PATH replaces everything', () => {
  assert.deepEqual(mergeAsPath([seq(23456, 23456)], [seq(204346, 396982)]), [seq(204346, 396982)])
})

test('an AS_SET counts as one ASN', () => {
  const asPath = [seq(701), { type: SET, asns: [23456, 3356] }, seq(65001)]
  assert.deepEqual(mergeAsPath(asPath, [{ type: SET, asns: [204346, 3356] }, seq(65001)]), [seq(701), { type: SET, asns: [204346, 3356] }, seq(65001)])
  assert.equal(pathLength(asPath), 3)
  const leadingSet = [{ type: SET, asns: [23456, 1] }, seq(23456, 701)]
  assert.deepEqual(mergeAsPath(leadingSet, [seq(204346, 701)]), [{ type: SET, asns: [23456, 1] }, seq(204346, 701)])
})

test('confederation segments: dropped from AS4_PATH (§6), kept in front from AS_PATH', () => {
  const asPath = [{ type: CONFED_SEQ, asns: [65000] }, seq(701, 23456)]
  const as4Path = [{ type: CONFED_SEQ, asns: [65000] }, seq(204346)]
  assert.deepEqual(mergeAsPath(asPath, as4Path), [{ type: CONFED_SEQ, asns: [65000] }, seq(701, 204346)])
})

test('the inputs are not changed', () => {
  const asPath = [seq(701, 23456)]
  const as4Path = [seq(204346)]
  mergeAsPath(asPath, as4Path)
  assert.deepEqual(asPath, [seq(701, 23456)])
  assert.deepEqual(as4Path, [seq(204346)])
})

const aggregator = (asn: number, asnSize: 2 | 4 = 2): AggregatorAttribute => ({ kind: 'aggregator', code: 7, flags: 0xc0, asn, address: '192.0.2.1', asnSize })
const as4Aggregator: AggregatorAttribute = { kind: 'as4-aggregator', code: 18, flags: 0xc0, asn: 204346, address: '192.0.2.9', asnSize: 4 }

test('AS4_AGGREGATOR replaces AGGREGATOR only when its AS is AS_TRANS', () => {
  assert.deepEqual(mergeAggregator(aggregator(23456), as4Aggregator), { asn: 204346, address: '192.0.2.9' })
  assert.deepEqual(mergeAggregator(aggregator(701), as4Aggregator), { asn: 701, address: '192.0.2.1' })
  assert.deepEqual(mergeAggregator(aggregator(23456, 4), as4Aggregator), { asn: 23456, address: '192.0.2.1' })
  assert.deepEqual(mergeAggregator(aggregator(23456), undefined), { asn: 23456, address: '192.0.2.1' })
})

test('AS4_PATH counts only on 2-octet sessions and not beside a real AGGREGATOR AS', () => {
  assert.equal(shouldUseAs4Path(2, undefined), true)
  assert.equal(shouldUseAs4Path(4, undefined), false)
  assert.equal(shouldUseAs4Path(2, aggregator(701)), false)
  assert.equal(shouldUseAs4Path(2, aggregator(23456)), true)
})
