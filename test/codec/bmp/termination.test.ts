import { test } from 'node:test'
import assert from 'node:assert/strict'
import { TerminationReason, TerminationTlvType } from '../../../src/codec/bmp/constants.ts'
import { BmpDecodeError } from '../../../src/codec/bmp/errors.ts'
import { decodeTermination, encodeTermination, terminationReason } from '../../../src/codec/bmp/termination.ts'
import { textTlv, tlvText } from '../../../src/codec/bmp/tlv.ts'
import { hex, toHex } from './fixtures.ts'

// No capture has a Termination message: this one is written from RFC 7854 §4.5.
const FIXTURE = hex('03 00000016 05  0000 0006 626f6f74696e  0001 0002 0003')

test('termination: string and reason TLVs (RFC 7854 §4.5)', () => {
  const msg = decodeTermination(FIXTURE)
  assert.equal(tlvText(msg.tlvs, TerminationTlvType.STRING), 'bootin')
  assert.equal(terminationReason(msg), TerminationReason.REDUNDANT_CONNECTION)
  assert.equal(toHex(encodeTermination(msg)), toHex(FIXTURE))
  assert.equal(terminationReason({ kind: 'termination', tlvs: [textTlv(0, 'x')] }), undefined)
})

test('termination: a reason TLV that is not 2 octets is an error', () => {
  assert.throws(() => decodeTermination(hex('03 0000000d 05 0000 0000 0001 0001 03')), (e: unknown) =>
    e instanceof BmpDecodeError && e.offset === 10 && /reason TLV of 1 octets/.test(e.message) && toHex(e.bytes) === '0001000103')
})
