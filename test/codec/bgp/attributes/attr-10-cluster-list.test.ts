import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeClusterList, encodeClusterList } from '../../../../src/codec/bgp/attributes/attr-10-cluster-list.ts'
import { ErrorAction } from '../../../../src/codec/bgp/errors.ts'
import { assertBgpError, hex, toHex } from '../hex.ts'

test('CLUSTER_LIST is a list of cluster IDs', () => {
  const attr = decodeClusterList(hex('0a000001 0a000002'), 0, 8, 0x80)
  assert.deepEqual(attr.clusterIds, ['10.0.0.1', '10.0.0.2'])
  assert.equal(toHex(encodeClusterList(attr)), '0a0000010a000002')
})

test('CLUSTER_LIST not a non-zero multiple of 4 is treat-as-withdraw (RFC 7606 §7.10)', () => {
  for (const body of ['', '0a0000']) {
    const value = hex(body)
    assert.throws(() => decodeClusterList(value, 0, value.length, 0x80), e => assertBgpError(e, { code: 3, subcode: 5, action: ErrorAction.TREAT_AS_WITHDRAW }))
  }
})
