import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BgpDecodeError } from '../../../src/codec/bgp/errors.ts'
import { PeerUpTlvType } from '../../../src/codec/bmp/constants.ts'
import { BmpDecodeError } from '../../../src/codec/bmp/errors.ts'
import { decodePeerUp, encodePeerUp } from '../../../src/codec/bmp/peer-up.ts'
import { tlvText } from '../../../src/codec/bmp/tlv.ts'
import { corpusMessage, hex, openPdu, peerHeader, toHex } from './fixtures.ts'

test('peer up: IOS XR, IPv6 session, both OPENs (RFC 7854 §4.10)', () => {
  const buf = corpusMessage('netgauze-0-2-peer-up')
  const msg = decodePeerUp(buf)
  assert.equal(msg.peer.address, 'fc00::3')
  assert.equal(msg.localAddress, 'fc00::1')
  assert.equal(msg.localPort, 179)
  assert.equal(msg.remotePort, 0xa231)
  assert.equal(msg.sentOpen.bgpId, '10.0.0.1')
  assert.equal(msg.receivedOpen.bgpId, '10.0.0.3')
  assert.equal(msg.sentOpen.myAs, 64512)
  const kinds = msg.receivedOpen.parameters.flatMap(p => p.kind === 'capabilities' ? p.capabilities.map(c => c.kind) : [])
  assert.ok(kinds.includes('four-octet-as') && kinds.includes('multiprotocol'), kinds.join())
  assert.deepEqual(msg.tlvs, [])
  assert.equal(toHex(encodePeerUp(msg)), toHex(buf))
})

test('peer up: Loc-RIB peers (RFC 9069 §5.1): IOS XR names its table, Huawei does not', () => {
  const cisco = corpusMessage('cisco-204-0-6-peer-up')
  const msg = decodePeerUp(cisco)
  assert.equal(msg.peer.peerType, 3)
  assert.equal(msg.localAddress, '0.0.0.0')
  assert.equal(tlvText(msg.tlvs, PeerUpTlvType.VRF_TABLE_NAME), 'global')
  assert.equal(toHex(encodePeerUp(msg)), toHex(cisco))
  const huawei = corpusMessage('huawei-200-0-13-peer-up')
  const msg2 = decodePeerUp(huawei)
  assert.equal(msg2.peer.peerType, 3)
  assert.equal(msg2.peer.flags, 0x80) // F: filtered Loc-RIB
  assert.deepEqual(msg2.tlvs, [])
  assert.equal(toHex(encodePeerUp(msg2)), toHex(huawei))
})

test('peer up: encode from parts, IPv4 session', () => {
  const sent = openPdu(64500, '192.0.2.1', [{ kind: 'four-octet-as', asn: 64500 }])
  const received = openPdu(64501, '192.0.2.2', [{ kind: 'four-octet-as', asn: 64501 }])
  const buf = encodePeerUp({
    peer: peerHeader({ address: '192.0.2.2' }),
    localAddress: '192.0.2.1',
    localPort: 179,
    remotePort: 40000,
    sentOpenBytes: sent,
    receivedOpenBytes: received,
    tlvs: [{ type: 0, value: hex('6869') }]
  })
  const msg = decodePeerUp(buf)
  assert.equal(msg.localAddress, '192.0.2.1')
  assert.equal(msg.remotePort, 40000)
  assert.equal(msg.receivedOpen.myAs, 64501)
  assert.equal(tlvText(msg.tlvs, 0), 'hi')
  assert.equal(toHex(encodePeerUp(msg)), toHex(buf))
})

/** Peer Up with the given bytes after the per-peer header. */
function peerUp (rest: string): Uint8Array {
  const body = hex(rest)
  const buf = new Uint8Array(48 + body.length)
  buf.set(hex('03 00000000 03 00 00 0000000000000000 000000000000000000000000c0000202 0000fbf5 c0000202 00000000 00000000'))
  buf.set(body, 48)
  new DataView(buf.buffer).setUint32(1, buf.length)
  return buf
}

const OPEN = toHex(openPdu(64500, '192.0.2.1', []))

test('peer up: truncations and bad OPENs are BmpDecodeErrors at their offset', () => {
  assert.throws(() => decodePeerUp(peerUp('00'.repeat(19))), (e: unknown) =>
    e instanceof BmpDecodeError && e.offset === 48 && /local address and ports: needs 20/.test(e.message))
  assert.throws(() => decodePeerUp(peerUp('00'.repeat(20) + OPEN)), (e: unknown) =>
    e instanceof BmpDecodeError && e.offset === 68 + OPEN.length / 2 && /received OPEN: BGP header/.test(e.message))
  // The sent OPEN claims more octets than there are.
  const long = OPEN.slice(0, 32) + 'ffff' + OPEN.slice(36)
  assert.throws(() => decodePeerUp(peerUp('00'.repeat(20) + long + OPEN)), (e: unknown) =>
    e instanceof BmpDecodeError && e.offset === 84 && /sent OPEN: BGP message length 65535 does not fit/.test(e.message))
  // Shorter than a BGP header.
  const short = OPEN.slice(0, 32) + '0010' + OPEN.slice(36)
  assert.throws(() => decodePeerUp(peerUp('00'.repeat(20) + short + OPEN)), /BGP message length 16 does not fit/)
  // A KEEPALIVE where the received OPEN should be.
  assert.throws(() => decodePeerUp(peerUp('00'.repeat(20) + OPEN + 'ff'.repeat(16) + '001304')), (e: unknown) =>
    e instanceof BmpDecodeError && /received OPEN is BGP message type 4, not OPEN/.test(e.message))
  // An OPEN the BGP codec rejects (version 3): the BgpDecodeError is the cause.
  const v3 = OPEN.slice(0, 38) + '03' + OPEN.slice(40)
  assert.throws(() => decodePeerUp(peerUp('00'.repeat(20) + v3 + OPEN)), (e: unknown) =>
    e instanceof BmpDecodeError && e.cause instanceof BgpDecodeError && e.bgpError === e.cause && e.offset === 68 && e.messageType === 3)
  // A TLV overrunning the message.
  assert.throws(() => decodePeerUp(peerUp('00'.repeat(20) + OPEN + OPEN + '0000 0009 41')), /TLV type 0 value: needs 9 octets, 1 left/)
})
