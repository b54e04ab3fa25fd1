// multiprotocol.ts, through the capability list decoder that dispatches to it.
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

test('multiprotocol (RFC 4760 §8)', () => {
  assert.deepEqual(roundTrip('0104 00020001'), [{ kind: 'multiprotocol', afi: 2, reserved: 0, safi: 1 }])
})
