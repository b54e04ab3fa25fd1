// fqdn.ts, through the capability list decoder that dispatches to it.
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

test('FQDN (draft-walton-bgp-hostname-capability); non-ASCII names kept raw', () => {
  assert.deepEqual(roundTrip('490d 05726f757465 06 6578616d706c'), [{ kind: 'fqdn', hostname: 'route', domainName: 'exampl' }])
  assert.deepEqual(roundTrip('4904 01 72 01 00'), [{ kind: 'fqdn', hostname: 'r', domainName: '\u0000' }])
  assert.equal(roundTrip('4904 01 e9 01 61')[0].kind, 'unknown')
})
