// The records of single decoded BMP messages (src/sources/bmp/message-records.ts), for the cases
// the real routers and captures do not show on demand.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeBmpMessage, encodeBmpMessage } from '../../../src/codec/bmp/message.ts'
import { createBmpSession } from '../../../src/codec/bmp/session-state.ts'
import { createRouterIdentity, messageRecords } from '../../../src/sources/bmp/message-records.ts'
import { createCounters } from '../../../src/sources/bmp/station-stats.ts'
import { hex, peerHeader } from '../../codec/bmp/fixtures.ts'

/** A BGP UPDATE PDU around `body` (withdrawn length, withdrawn, attributes length, ...). */
function updateWith (body: Uint8Array): Uint8Array {
  const pdu = new Uint8Array(19 + body.length)
  pdu.fill(0xff, 0, 16)
  pdu[16] = pdu.length >> 8
  pdu[17] = pdu.length & 0xff
  pdu[18] = 2
  pdu.set(body, 19)
  return pdu
}

function routeMonitoring (bgp: Uint8Array, peerType = 0) {
  const bytes = encodeBmpMessage({ kind: 'route-monitoring', peer: peerHeader({ peerType }), bgp } as never)
  return decodeBmpMessage(bytes, createBmpSession())
}

test('an UPDATE whose Withdrawn Routes are unreadable (session reset) gives no record, not an End-of-RIB', () => {
  // Withdrawn Routes length 3: a /32 that needs 4 more octets but has 2 (RFC 7606 §5.3).
  const msg = routeMonitoring(updateWith(hex('0003 20 0a00 0000')))
  assert.equal(msg.kind === 'route-monitoring' && msg.update?.error?.action, 4)
  const counters = createCounters()
  assert.deepEqual(messageRecords(msg, createRouterIdentity('s', '192.0.2.9'), counters, 1), [])
  assert.equal(counters.sessionResetUpdates, 1)
})

test('an End-of-RIB of a carried family is a record; of a family records do not carry, skipped', () => {
  const counters = createCounters()
  const id = createRouterIdentity('s', '192.0.2.9')
  // RFC 4724 §2: IPv6 unicast End-of-RIB is an MP_UNREACH_NLRI with no withdrawn routes.
  const ipv6 = messageRecords(routeMonitoring(updateWith(hex('0000 0006 800f 03 0002 01'))), id, counters, 1)
  assert.equal(ipv6.length, 1)
  assert.equal(ipv6[0].type === 'update' && ipv6[0].eor, 'ipv6-unicast')
  // VPNv4 (AFI 1, SAFI 128).
  const vpn = messageRecords(routeMonitoring(updateWith(hex('0000 0006 800f 03 0001 80'))), id, counters, 1)
  assert.deepEqual(vpn, [])
  assert.equal(counters.skippedUpdates, 1)
})

test('the Loc-RIB peer: the router is the vantage point, its AS from the header (RFC 9069 §4.1)', () => {
  const counters = createCounters()
  const id = createRouterIdentity('s', '192.0.2.9')
  const [record] = messageRecords(routeMonitoring(updateWith(hex('0000 0000')), 3), id, counters, 1)
  assert.deepEqual(record.vp, { ip: '192.0.2.9', asn: 64500 })
  assert.deepEqual(record.router, { ip: '192.0.2.9', asn: 64500, view: 'loc-rib' })
  assert.equal(record.type === 'update' && record.eor, 'ipv4-unicast')
  assert.equal(record.time_us, 1700000000123456)
})
