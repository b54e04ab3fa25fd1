import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ByteWriter } from '../../../src/codec/bgp/byte-writer.ts'
import { toHex } from './hex.ts'

test('big-endian fields, growth past the initial capacity, patching', () => {
  const out = new ByteWriter(2)
  out.u8(0x01)
  out.u16(0)
  out.u32(0xfffffffe)
  out.bytes(Uint8Array.of(0xab, 0xcd))
  out.patchU16(1, 0x1234)
  assert.equal(toHex(out.finish()), '011234fffffffeabcd')
  assert.equal(out.length, 9)
})
