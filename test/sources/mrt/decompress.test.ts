import { test } from 'node:test'
import assert from 'node:assert/strict'
import { detectCompression } from '../../../src/sources/mrt/decompress.ts'

test('detectCompression: gzip and bzip2 magic, plain otherwise', () => {
  assert.equal(detectCompression(Uint8Array.of(0x1f, 0x8b, 0x08)), 'gzip')
  assert.equal(detectCompression(Uint8Array.of(0x42, 0x5a, 0x68, 0x39)), 'bzip2')
  assert.equal(detectCompression(Uint8Array.of(0x42, 0x5a, 0x67)), 'none')
  assert.equal(detectCompression(Uint8Array.of(0x1f)), 'none')
  assert.equal(detectCompression(new Uint8Array(0)), 'none')
  assert.equal(detectCompression(Uint8Array.of(0x55, 0x1b, 0x8c, 0x80, 0x00, 0x10)), 'none')
})
