import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ByteWriter } from '../../../src/codec/bgp/byte-writer.ts'
import { decodeOpenBody, writeOpenBody } from '../../../src/codec/bgp/open.ts'
import type { OpenMessage } from '../../../src/codec/bgp/types.ts'
import { assertBgpError, hex, toHex } from './hex.ts'

function decode (body: string): OpenMessage {
  const value = hex(body)
  return decodeOpenBody(value, 0, value.length)
}

function reencode (open: OpenMessage): string {
  const out = new ByteWriter()
  writeOpenBody(out, open)
  return toHex(out.finish())
}

// Version 4, AS 64512, hold 180, id 192.0.2.1; capabilities MP IPv4 unicast, route refresh, 4-octet AS 204346; an unknown parameter 9.
const BODY = '04 fc00 00b4 c0000201 14  02 0e 0104 00010001 0200 4104 00031e3a  09 02 abcd'

test('fixed fields, capabilities and an unknown parameter, re-encoded exactly', () => {
  const open = decode(BODY)
  assert.equal(open.version, 4)
  assert.equal(open.myAs, 64512)
  assert.equal(open.holdTime, 180)
  assert.equal(open.bgpId, '192.0.2.1')
  assert.equal(open.extendedParameters, false)
  assert.deepEqual(open.parameters[0], {
    kind: 'capabilities',
    capabilities: [{ kind: 'multiprotocol', afi: 1, reserved: 0, safi: 1 }, { kind: 'route-refresh' }, { kind: 'four-octet-as', asn: 204346 }]
  })
  assert.deepEqual(open.parameters[1], { kind: 'unknown', type: 9, value: hex('abcd') })
  assert.equal(reencode(open), BODY.replace(/\s+/g, ''))
})

test('RFC 9072 extended optional parameters length', () => {
  const body = '04 fc00 00b4 c0000201 ff ff 0009  02 0006 0104 00020001'
  const open = decode(body)
  assert.equal(open.extendedParameters, true)
  assert.deepEqual(open.parameters, [{ kind: 'capabilities', capabilities: [{ kind: 'multiprotocol', afi: 2, reserved: 0, safi: 1 }] }])
  assert.equal(reencode(open), body.replace(/\s+/g, ''))
})

test('OPEN errors (RFC 4271 §6.2)', () => {
  const cases: Array<[string, string, number, string?]> = [
    ['version 3', '03 fc00 00b4 c0000201 00', 1, '0004'],
    ['AS 0 (RFC 7607)', '04 0000 00b4 c0000201 00', 2, '0000'],
    ['hold time 2', '04 fc00 0002 c0000201 00', 6, '0002'],
    ['BGP identifier 0 (RFC 6286)', '04 fc00 00b4 00000000 00', 3, '00000000'],
    ['short', '04 fc00 00b4 c0000201', 0],
    ['parameters length too long', '04 fc00 00b4 c0000201 05 0200', 0],
    ['parameters length too short', '04 fc00 00b4 c0000201 00 0200', 0],
    ['parameter overruns', '04 fc00 00b4 c0000201 03 0205 01', 0],
    ['truncated parameter header', '04 fc00 00b4 c0000201 01 02', 0],
    ['truncated extended length', '04 fc00 00b4 c0000201 ff ff 00', 0],
    ['capability overruns', '04 fc00 00b4 c0000201 04 0202 0105', 0],
    ['bad capability length', '04 fc00 00b4 c0000201 05 0203 410100', 0]
  ]
  for (const [name, body, subcode, data] of cases) {
    assert.throws(() => decode(body), e => assertBgpError(e, { code: 2, subcode, data }), name)
  }
})

test('encoding refuses parameters too long for the 1-octet form', () => {
  const open = decode(BODY)
  open.parameters = [{ kind: 'unknown', type: 9, value: new Uint8Array(300) }]
  assert.throws(() => reencode(open), RangeError)
  open.extendedParameters = true
  const wire = hex(reencode(open))
  assert.equal(wire.length, 10 + 3 + 3 + 300)
  assert.deepEqual(decodeOpenBody(wire, 0, wire.length).parameters, open.parameters)
})
