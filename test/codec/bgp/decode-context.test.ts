import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createDecodeContext, familyKey, hasAddPath } from '../../../src/codec/bgp/decode-context.ts'

test('defaults and ADD-PATH lookup per family', () => {
  assert.deepEqual({ ...createDecodeContext(), addPath: [] }, { asn4: false, addPath: [], extendedMessage: false, mrtRibEntry: false })
  const ctx = createDecodeContext({ asn4: true, addPath: new Set([familyKey(2, 1)]) })
  assert.equal(familyKey(2, 1), 0x201)
  assert.equal(hasAddPath(ctx, 2, 1), true)
  assert.equal(hasAddPath(ctx, 1, 1), false)
  assert.equal(hasAddPath(createDecodeContext(), 2, 1), false)
})
