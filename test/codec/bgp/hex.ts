// Hex fixtures for the BGP codec tests.

import assert from 'node:assert/strict'
import { createDecodeContext, familyKey } from '../../../src/codec/bgp/decode-context.ts'
import type { DecodeContext } from '../../../src/codec/bgp/decode-context.ts'
import { BgpDecodeError } from '../../../src/codec/bgp/errors.ts'
import type { ErrorActionValue } from '../../../src/codec/bgp/errors.ts'

/** Bytes from hex digits; spaces and newlines are ignored. */
export function hex (text: string): Uint8Array {
  const digits = text.replace(/\s+/g, '')
  assert.equal(digits.length % 2, 0, 'odd number of hex digits')
  return new Uint8Array(Buffer.from(digits, 'hex'))
}

export function toHex (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

/** A whole message: marker, length, type, then the body. */
export function message (type: number, body: string): Uint8Array {
  const value = hex(body)
  const out = new Uint8Array(19 + value.length)
  out.fill(0xff, 0, 16)
  out[16] = out.length >>> 8
  out[17] = out.length & 0xff
  out[18] = type
  out.set(value, 19)
  return out
}

export const ALL_UNICAST_MULTICAST = new Set([familyKey(1, 1), familyKey(1, 2), familyKey(2, 1), familyKey(2, 2)])

export const CTX_2 = createDecodeContext()
export const CTX_4 = createDecodeContext({ asn4: true })
export const CTX_4_ADDPATH = createDecodeContext({ asn4: true, addPath: ALL_UNICAST_MULTICAST })
export const CTX_RIB = createDecodeContext({ asn4: true, mrtRibEntry: true })
export const CTX_EXTENDED = createDecodeContext({ asn4: true, extendedMessage: true })

export const CONTEXTS: ReadonlyArray<[string, DecodeContext]> = [
  ['2-octet', CTX_2], ['4-octet', CTX_4], ['4-octet add-path', CTX_4_ADDPATH], ['MRT RIB entry', CTX_RIB], ['extended message', CTX_EXTENDED]
]

export interface ExpectedError {
  code: number
  subcode: number
  action?: ErrorActionValue
  data?: string
}

/** Assert that `error` is a BgpDecodeError with these fields. */
export function assertBgpError (error: unknown, expected: ExpectedError): true {
  assert.ok(error instanceof BgpDecodeError, `expected a BgpDecodeError, got ${String(error)}`)
  assert.equal(error.code, expected.code, `code of: ${error.message}`)
  assert.equal(error.subcode, expected.subcode, `subcode of: ${error.message}`)
  if (expected.action !== undefined) assert.equal(error.action, expected.action, `action of: ${error.message}`)
  if (expected.data !== undefined) assert.equal(toHex(error.data), expected.data.replace(/\s+/g, ''), `data of: ${error.message}`)
  return true
}
