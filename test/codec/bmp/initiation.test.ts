import { test } from 'node:test'
import assert from 'node:assert/strict'
import { InitiationTlvType } from '../../../src/codec/bmp/constants.ts'
import { BmpDecodeError } from '../../../src/codec/bmp/errors.ts'
import { decodeInitiation, encodeInitiation } from '../../../src/codec/bmp/initiation.ts'
import { textTlv, tlvText } from '../../../src/codec/bmp/tlv.ts'
import { corpusMessage, hex, toHex } from './fixtures.ts'

test('initiation: IOS XR sysDescr and sysName (RFC 7854 §4.3)', () => {
  const buf = corpusMessage('netgauze-2-0-initiation')
  const msg = decodeInitiation(buf)
  assert.equal(tlvText(msg.tlvs, InitiationTlvType.SYS_DESCR), ' 7.4.1') // sic: IOS XR puts a space first
  assert.equal(tlvText(msg.tlvs, InitiationTlvType.SYS_NAME), 'PE2')
  assert.equal(tlvText(msg.tlvs, InitiationTlvType.STRING), undefined)
  assert.equal(toHex(encodeInitiation(msg)), toHex(buf))
})

test('initiation: FRR and Huawei ones decode and round-trip', () => {
  for (const name of ['frr-205-0-0-initiation', 'huawei-200-0-0-initiation', 'cisco-204-0-0-initiation']) {
    const buf = corpusMessage(name)
    const msg = decodeInitiation(buf)
    assert.ok((tlvText(msg.tlvs, InitiationTlvType.SYS_NAME) ?? '').length > 0, name)
    assert.equal(toHex(encodeInitiation(msg)), toHex(buf))
  }
})

test('initiation: strings lose a trailing NUL; encode builds the message', () => {
  const msg = { kind: 'initiation' as const, tlvs: [textTlv(2, 'r1'), { type: 0, value: hex('61 00') }] }
  const buf = encodeInitiation(msg)
  assert.equal(toHex(buf), '030000001204' + '00020002' + '7231' + '00000002' + '6100')
  assert.equal(tlvText(decodeInitiation(buf).tlvs, 0), 'a')
})

test('initiation: a TLV running past the message is an error at its offset', () => {
  assert.throws(() => decodeInitiation(hex('03 0000000d 04 0002 0005 616263')), (e: unknown) =>
    e instanceof BmpDecodeError && e.offset === 10 && /TLV type 2 value: needs 5 octets, 3 left/.test(e.message))
  assert.throws(() => decodeInitiation(hex('03 00000008 04 0002')), /TLV header: needs 4 octets, 2 left/)
})
