// add-path.ts, through the capability list decoder that dispatches to it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ByteWriter } from '../../../../src/codec/bgp/byte-writer.ts'
import { decodeCapabilities, writeCapabilities } from '../../../../src/codec/bgp/capabilities/index.ts'
import type { Capability } from '../../../../src/codec/bgp/types.ts'
import { hex, toHex } from '../hex.ts'

function decode (body: string): Capability[] {
  const value = hex(body)
  return decodeCapabilities(value, 0, value.length)
}

function roundTrip (body: string): Capability[] {
  const capabilities = decode(body)
  const out = new ByteWriter()
  writeCapabilities(out, capabilities)
  assert.equal(toHex(out.finish()), body.replace(/\s+/g, ''))
  return capabilities
}

test('ADD-PATH (RFC 7911 §4)', () => {
  assert.deepEqual(roundTrip('4508 00010103 00020102'), [{ kind: 'add-path', families: [{ afi: 1, safi: 1, sendReceive: 3 }, { afi: 2, safi: 1, sendReceive: 2 }] }])
})
