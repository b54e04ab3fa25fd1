import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BgpDecodeError } from '../../../src/codec/bgp/errors.ts'
import { MirroringInformationCode } from '../../../src/codec/bmp/constants.ts'
import { BmpDecodeError } from '../../../src/codec/bmp/errors.ts'
import { decodeRouteMirroring, encodeRouteMirroring } from '../../../src/codec/bmp/route-mirroring.ts'
import { createBmpSession } from '../../../src/codec/bmp/session-state.ts'
import { encodeTlvs } from '../../../src/codec/bmp/tlv.ts'
import { asPathOf, hex, peerHeader, toHex, updatePdu } from './fixtures.ts'

// No capture has Route Mirroring: these are written from RFC 7854 §4.7.
const PEER = peerHeader()

function mirroring (tlvs: string): Uint8Array {
  const body = hex(tlvs)
  const head = encodeRouteMirroring({ kind: 'route-mirroring', peer: PEER, tlvs: [] })
  const buf = new Uint8Array(head.length + body.length)
  buf.set(head)
  buf.set(body, head.length)
  new DataView(buf.buffer).setUint32(1, buf.length)
  return buf
}

test('route mirroring: a BGP message TLV and an information TLV (RFC 7854 §4.7)', () => {
  const update = updatePdu(true, false)
  const buf = mirroring(toHex(encodeTlvs([{ type: 0, value: update }, { type: 1, value: hex('0001') }])))
  const msg = decodeRouteMirroring(buf, createBmpSession())
  assert.equal(msg.tlvs.length, 2)
  const [bgp, info] = msg.tlvs
  assert.ok(bgp.kind === 'bgp-message' && bgp.message?.type === 'update')
  assert.deepEqual(bgp.kind === 'bgp-message' && bgp.message?.type === 'update' ? asPathOf(bgp.message) : null, [64500, 65550])
  assert.deepEqual(info, { kind: 'information', code: MirroringInformationCode.MESSAGES_LOST })
  assert.equal(toHex(encodeRouteMirroring(msg)), toHex(buf))
})

test('route mirroring: an errored PDU stays raw with its BGP error; unknown TLVs raw', () => {
  const broken = updatePdu(true, false)
  broken[21] = 0xff // Total Path Attribute Length overruns
  const buf = mirroring(toHex(encodeTlvs([{ type: 0, value: broken }, { type: 1, value: hex('0000') }, { type: 9, value: hex('aa') }])))
  const msg = decodeRouteMirroring(buf)
  const [bgp, info, other] = msg.tlvs
  assert.ok(bgp.kind === 'bgp-message' && bgp.message === null && bgp.bgpError instanceof BgpDecodeError)
  assert.deepEqual(info, { kind: 'information', code: MirroringInformationCode.ERRORED_PDU })
  assert.deepEqual(other, { kind: 'unknown', type: 9, value: hex('aa') })
  assert.equal(toHex(encodeRouteMirroring(msg)), toHex(buf))
})

test('route mirroring: envelope errors', () => {
  const update = updatePdu(true, false)
  assert.throws(() => decodeRouteMirroring(mirroring(toHex(encodeTlvs([{ type: 1, value: hex('01') }])))), (e: unknown) =>
    e instanceof BmpDecodeError && /information TLV of 1 octets/.test(e.message) && e.offset === 48)
  assert.throws(() => decodeRouteMirroring(mirroring(toHex(encodeTlvs([{ type: 1, value: hex('0001') }, { type: 0, value: new Uint8Array([...update, 0]) }])))),
    (e: unknown) => e instanceof BmpDecodeError && /BGP message of \d+ octets in a TLV of/.test(e.message) && e.offset === 54)
  assert.throws(() => decodeRouteMirroring(mirroring(toHex(encodeTlvs([{ type: 0, value: update.subarray(0, 10) }])))), /BGP header: needs 19 octets, 10 left/)
  assert.throws(() => decodeRouteMirroring(mirroring('0000 0010 ff')), /TLV type 0 value: needs 16 octets, 1 left/)
})
