import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PeerFlag, PeerType } from '../../../src/codec/bmp/constants.ts'
import { BmpDecodeError } from '../../../src/codec/bmp/errors.ts'
import {
  decodePerPeerHeader, encodePerPeerHeader, formatDistinguisher, isFilteredLocRib, peerView
} from '../../../src/codec/bmp/per-peer-header.ts'
import { hex, peerHeader, toHex } from './fixtures.ts'

// Per-peer header of an IOS XR Statistics Report (netgauze capture): V flag, IPv6 peer.
const IOS_XR = hex('00 80 0000000000000000 fc000000000000000000000000000003 0000fc00 0a000003 633b29ed 0009cc09')

test('per-peer header: IPv6 peer (V flag), AS, BGP ID, timestamp (RFC 7854 §4.2)', () => {
  assert.deepEqual(decodePerPeerHeader(IOS_XR, 0), {
    peerType: 0,
    flags: 0x80,
    distinguisher: new Uint8Array(8),
    address: 'fc00::3',
    asn: 64512,
    bgpId: '10.0.0.3',
    timestampSeconds: 0x633b29ed,
    timestampMicros: 0x9cc09
  })
  assert.equal(toHex(encodePerPeerHeader(decodePerPeerHeader(IOS_XR, 0))), toHex(IOS_XR))
})

test('per-peer header: IPv4 peer sits in the last 4 octets; RD instance distinguisher', () => {
  const buf = hex('01 40 0000fbf30000005e 000000000000000000000000c0002115 0000fbf0 c0000201 00000000 00000000')
  const h = decodePerPeerHeader(buf.subarray(0, 42), 0)
  assert.equal(h.address, '192.0.33.21')
  assert.equal(formatDistinguisher(h.distinguisher), '64499:94')
  assert.equal(peerView(h), 'adj-rib-in-post')
  assert.equal(toHex(encodePerPeerHeader(h)), toHex(buf.subarray(0, 42)))
})

test('per-peer header: Loc-RIB (RFC 9069) has no V flag; F flag; zero address', () => {
  const h = decodePerPeerHeader(hex('03 80 0000fbf30000000b' + '00'.repeat(16) + '0000fbf3 c0000206 00000000 00000000'), 0)
  assert.equal(h.address, '0.0.0.0')
  assert.equal(peerView(h), 'loc-rib')
  assert.equal(isFilteredLocRib(h), true)
  // The same bit on an Adj-RIB-In peer is V, not F.
  assert.equal(isFilteredLocRib(peerHeader({ flags: 0x80, address: '::1' })), false)
  // A non-zero Loc-RIB address (not what RFC 9069 says, but seen) is shown as IPv6.
  const odd = decodePerPeerHeader(hex('03 00 0000000000000000 20010db8000000000000000000000001 00000001 00000001 00000000 00000000'), 0)
  assert.equal(odd.address, '2001:db8::1')
})

test('per-peer header: views from the L and O flags (RFC 8671 §4)', () => {
  assert.equal(peerView(peerHeader()), 'adj-rib-in-pre')
  assert.equal(peerView(peerHeader({ flags: PeerFlag.ADJ_RIB_OUT })), 'adj-rib-out-pre')
  assert.equal(peerView(peerHeader({ flags: PeerFlag.ADJ_RIB_OUT | PeerFlag.POST_POLICY })), 'adj-rib-out-post')
  assert.equal(peerView(peerHeader({ peerType: PeerType.LOCAL_INSTANCE, flags: PeerFlag.POST_POLICY })), 'adj-rib-in-post')
})

test('per-peer header: distinguisher text forms (RFC 4364 §4.2)', () => {
  assert.equal(formatDistinguisher(hex('0001 c0000201 0007')), '192.0.2.1:7')
  assert.equal(formatDistinguisher(hex('0002 00010000 0009')), '65536:9')
  assert.equal(formatDistinguisher(hex('0009 000000000001')), '0009000000000001')
  assert.throws(() => formatDistinguisher(hex('00')), BmpDecodeError)
})

test('per-peer header: truncated header and bad encoder input', () => {
  assert.throws(() => decodePerPeerHeader(IOS_XR.subarray(0, 41), 0, 1), (e: unknown) =>
    e instanceof BmpDecodeError && /per-peer header: needs 42 octets, 41 left/.test(e.message) && e.messageType === 1)
  assert.throws(() => encodePerPeerHeader(peerHeader({ address: 'nope' })), TypeError)
  assert.throws(() => encodePerPeerHeader(peerHeader({ bgpId: '::1' })), TypeError)
  assert.throws(() => encodePerPeerHeader(peerHeader({ distinguisher: new Uint8Array(4) })), TypeError)
})
