import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeAtomicAggregate, encodeAtomicAggregate } from '../../../../src/codec/bgp/attributes/attr-06-atomic-aggregate.ts'
import { ErrorAction } from '../../../../src/codec/bgp/errors.ts'
import { assertBgpError, hex } from '../hex.ts'

test('ATOMIC_AGGREGATE has no value', () => {
  const attr = decodeAtomicAggregate(hex(''), 0, 0, 0x40)
  assert.deepEqual(attr, { kind: 'atomic-aggregate', code: 6, flags: 0x40 })
  assert.equal(encodeAtomicAggregate(attr).length, 0)
})

test('ATOMIC_AGGREGATE with a value is attribute discard (RFC 7606 §7.6)', () => {
  assert.throws(() => decodeAtomicAggregate(hex('00'), 0, 1, 0x40), e => assertBgpError(e, { code: 3, subcode: 5, action: ErrorAction.ATTRIBUTE_DISCARD }))
})
