import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BgpDecodeError } from '../../../src/codec/bgp/errors.ts'
import { PeerDownReason } from '../../../src/codec/bmp/constants.ts'
import { BmpDecodeError } from '../../../src/codec/bmp/errors.ts'
import { decodePeerDown, encodePeerDown } from '../../../src/codec/bmp/peer-down.ts'
import { encodeTlvs, textTlv, tlvText } from '../../../src/codec/bmp/tlv.ts'
import { corpusMessage, hex, peerHeader, toHex } from './fixtures.ts'

const PEER = peerHeader()

function peerDown (reason: number, data: string): Uint8Array {
  return encodePeerDown({ kind: 'peer-down', peer: PEER, reason, data: hex(data) })
}

const CEASE_ADMIN_RESET = 'ffffffffffffffffffffffffffffffff 0015 03 06 04'

test('peer down: reason 2 with an FSM event code (IOS XR)', () => {
  const buf = corpusMessage('netgauze-0-1-peer-down')
  const msg = decodePeerDown(buf)
  assert.equal(msg.reason, PeerDownReason.LOCAL_NO_NOTIFICATION)
  assert.equal(msg.fsmEvent, 0x12)
  assert.equal(msg.peer.address, 'fc00::3')
  assert.equal(toHex(encodePeerDown(msg)), toHex(buf))
})

test('peer down: reason 3 with the remote NOTIFICATION (FRR), reason 4 with no data (IOS XR)', () => {
  const frr = corpusMessage('frr-205-0-295-peer-down')
  const msg = decodePeerDown(frr)
  assert.equal(msg.reason, PeerDownReason.REMOTE_NOTIFICATION)
  assert.deepEqual(msg.notification && { code: msg.notification.code, subcode: msg.notification.subcode }, { code: 6, subcode: 4 })
  assert.equal(toHex(encodePeerDown(msg)), toHex(frr))
  const xr = decodePeerDown(corpusMessage('cisco-204-0-212-peer-down'))
  assert.equal(xr.reason, PeerDownReason.REMOTE_NO_NOTIFICATION)
  assert.equal(xr.data.length, 0)
  assert.equal(xr.notification, undefined)
})

test('peer down: reason 1, 5, 6 (RFC 9069 §5.4) and an unknown reason', () => {
  const local = decodePeerDown(peerDown(1, CEASE_ADMIN_RESET))
  assert.equal(local.notification?.code, 6)
  assert.deepEqual(decodePeerDown(peerDown(5, '')).data, new Uint8Array(0))
  const tlvs = decodePeerDown(peerDown(6, toHex(encodeTlvs([textTlv(3, 'vrf-a')]))))
  assert.equal(tlvs.tlvs && tlvText(tlvs.tlvs, 3), 'vrf-a')
  const unknown = decodePeerDown(peerDown(99, 'abcd'))
  assert.equal(unknown.reason, 99)
  assert.equal(toHex(unknown.data), 'abcd')
  assert.equal(unknown.notification, undefined)
  assert.equal(unknown.fsmEvent, undefined)
})

test('peer down: errors', () => {
  assert.throws(() => decodePeerDown(peerDown(0, '').subarray(0, 48).map((b, i) => i === 4 ? 48 : b)), (e: unknown) =>
    e instanceof BmpDecodeError && /peer down: reason: needs 1 octets, 0 left/.test(e.message) && e.offset === 48)
  assert.throws(() => decodePeerDown(peerDown(2, '00')), (e: unknown) =>
    e instanceof BmpDecodeError && /1 octets of data, expected a 2-octet FSM event code/.test(e.message) && e.offset === 49)
  assert.throws(() => decodePeerDown(peerDown(3, CEASE_ADMIN_RESET + '00')), /1 octets after the NOTIFICATION/)
  assert.throws(() => decodePeerDown(peerDown(3, 'ffffffffffffffffffffffffffffffff 0013 04')), /type 4, not NOTIFICATION/)
  assert.throws(() => decodePeerDown(peerDown(1, 'ffff')), /NOTIFICATION: BGP header: needs 19 octets/)
  // A NOTIFICATION whose marker is broken: the BGP codec's error is the cause.
  assert.throws(() => decodePeerDown(peerDown(3, '00' + CEASE_ADMIN_RESET.slice(2))), (e: unknown) =>
    e instanceof BmpDecodeError && e.cause instanceof BgpDecodeError && e.cause.code === 1 && e.offset === 49)
})
