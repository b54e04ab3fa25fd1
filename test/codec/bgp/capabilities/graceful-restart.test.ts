// graceful-restart.ts, through the capability list decoder that dispatches to it.
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

test('graceful restart (RFC 4724 §3)', () => {
  assert.deepEqual(roundTrip('4006 8078 00010180'), [{ kind: 'graceful-restart', flags: 8, restartTime: 120, families: [{ afi: 1, safi: 1, flags: 0x80 }] }])
  assert.deepEqual(roundTrip('4002 0078'), [{ kind: 'graceful-restart', flags: 0, restartTime: 120, families: [] }])
})
