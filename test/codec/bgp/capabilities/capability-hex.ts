// Shared by the capability tests: decode a capability list from hex, and check that encoding
// it gives back the same octets.
import assert from 'node:assert/strict'
import { ByteWriter } from '../../../../src/codec/bgp/byte-writer.ts'
import { decodeCapabilities, writeCapabilities } from '../../../../src/codec/bgp/capabilities/index.ts'
import type { Capability } from '../../../../src/codec/bgp/types.ts'
import { hex, toHex } from '../hex.ts'

export function decode (body: string): Capability[] {
  const value = hex(body)
  return decodeCapabilities(value, 0, value.length)
}

export function roundTrip (body: string): Capability[] {
  const capabilities = decode(body)
  const out = new ByteWriter()
  writeCapabilities(out, capabilities)
  assert.equal(toHex(out.finish()), body.replace(/\s+/g, ''))
  return capabilities
}
