import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createDecodeContext, familyKey } from '../../../src/codec/bgp/decode-context.ts'
import { BgpDecodeError } from '../../../src/codec/bgp/errors.ts'
import type { Capability } from '../../../src/codec/bgp/types.ts'
import { PeerFlag } from '../../../src/codec/bmp/constants.ts'
import { BmpDecodeError } from '../../../src/codec/bmp/errors.ts'
import { decodeBmpMessage, encodeBmpMessage } from '../../../src/codec/bmp/message.ts'
import { encodePeerDown } from '../../../src/codec/bmp/peer-down.ts'
import { encodePeerUp } from '../../../src/codec/bmp/peer-up.ts'
import { decodeRouteMonitoring, encodeRouteMonitoring } from '../../../src/codec/bmp/route-monitoring.ts'
import { createBmpSession, peerKey } from '../../../src/codec/bmp/session-state.ts'
import type { BmpSession } from '../../../src/codec/bmp/session-state.ts'
import type { BmpPeerHeader } from '../../../src/codec/bmp/types.ts'
import { asPathOf, corpusMessage, hex, openPdu, peerHeader, toHex, updatePdu } from './fixtures.ts'

const PEER = peerHeader({ address: '192.0.2.2', asn: 64500 })
const AS4_PATH = [64500, 65550]
const AS2_PATH = [64500, 23456]

/** Feed a Peer Up for PEER into `session` with these capabilities in the sent / received OPENs. */
function up (session: BmpSession, sent: Capability[], received: Capability[], peer: BmpPeerHeader = PEER): void {
  decodeBmpMessage(encodePeerUp({
    peer,
    localAddress: '192.0.2.1',
    localPort: 179,
    remotePort: 50000,
    tlvs: [],
    sentOpenBytes: openPdu(64501, '192.0.2.1', sent),
    receivedOpenBytes: openPdu(64500, '192.0.2.2', received)
  }), session)
}

function rm (session: BmpSession | undefined, asn4: boolean, pathId: boolean, flags = 0, peer: BmpPeerHeader = PEER) {
  const msg = decodeBmpMessage(encodeRouteMonitoring({ peer: { ...peer, flags: peer.flags | flags }, bgp: updatePdu(asn4, pathId) }), session)
  assert.equal(msg.kind, 'route-monitoring')
  return msg
}

const AS4: Capability = { kind: 'four-octet-as', asn: 64500 }

test('route monitoring: 4-octet AS when both OPENs carry capability 65 (RFC 6793 §3)', () => {
  const session = createBmpSession()
  up(session, [AS4], [AS4])
  const msg = rm(session, true, false)
  assert.equal(msg.peerKnown, true)
  assert.equal(msg.context.asn4, true)
  assert.deepEqual(asPathOf(msg.update), AS4_PATH)
  assert.deepEqual(msg.update?.nlri.prefixes, ['198.51.100.0/24'])
  assert.equal(msg.update?.error, undefined)
  assert.equal(msg.bgpError, undefined)
  assert.deepEqual(session.counters, { unknownPeerRouteMonitoring: 0, bgpErrors: 0, skippedFamilies: 0 })
})

test('route monitoring: the A flag forces the legacy 2-octet AS_PATH (RFC 7854 §4.2)', () => {
  const session = createBmpSession()
  up(session, [AS4], [AS4])
  const msg = rm(session, false, false, PeerFlag.LEGACY_AS_PATH)
  assert.equal(msg.context.asn4, false)
  assert.deepEqual(asPathOf(msg.update), AS2_PATH)
  // Contexts are cached per flag combination, not shared wrongly between them.
  assert.equal(rm(session, true, false).context.asn4, true)
})

test('route monitoring: 2-octet AS when only one OPEN carries capability 65', () => {
  const session = createBmpSession()
  up(session, [AS4], [])
  const msg = rm(session, false, false)
  assert.equal(msg.context.asn4, false)
  assert.deepEqual(asPathOf(msg.update), AS2_PATH)
})

test('route monitoring: ADD-PATH in the Adj-RIB-In direction: peer sends, router receives (RFC 7911 §4)', () => {
  const session = createBmpSession()
  up(session,
    [AS4, { kind: 'add-path', families: [{ afi: 1, safi: 1, sendReceive: 1 }] }],
    [AS4, { kind: 'add-path', families: [{ afi: 1, safi: 1, sendReceive: 2 }] }])
  const state = session.peers.get(peerKey(PEER))
  assert.deepEqual([...state?.addPathIn ?? []], [familyKey(1, 1)])
  assert.deepEqual([...state?.addPathOut ?? []], [])
  const pre = rm(session, true, true)
  assert.deepEqual(pre.update?.nlri.pathIds, [7])
  assert.deepEqual(pre.update?.nlri.prefixes, ['198.51.100.0/24'])
  const post = rm(session, true, true, PeerFlag.POST_POLICY)
  assert.deepEqual(post.update?.nlri.pathIds, [7])
  // Adj-RIB-Out (O flag) goes the other way: the router does not send multiple paths.
  const out = rm(session, true, false, PeerFlag.ADJ_RIB_OUT)
  assert.equal(out.update?.nlri.pathIds, null)
  assert.deepEqual(out.update?.nlri.prefixes, ['198.51.100.0/24'])
})

test('route monitoring: ADD-PATH in the Adj-RIB-Out direction (RFC 8671 §5)', () => {
  const session = createBmpSession()
  up(session,
    [AS4, { kind: 'add-path', families: [{ afi: 1, safi: 1, sendReceive: 3 }] }],
    [AS4, { kind: 'add-path', families: [{ afi: 1, safi: 1, sendReceive: 1 }] }])
  assert.deepEqual(rm(session, true, true, PeerFlag.ADJ_RIB_OUT).update?.nlri.pathIds, [7])
  // The peer only receives, so what it sent to the router has no path identifiers.
  assert.equal(rm(session, true, false).update?.nlri.pathIds, null)
})

test('route monitoring: Loc-RIB takes ADD-PATH from its fabricated OPENs (RFC 9069 §5.1)', () => {
  const session = createBmpSession()
  const locRib = peerHeader({ peerType: 3, address: '0.0.0.0', flags: 0 })
  const caps: Capability[] = [AS4, { kind: 'add-path', families: [{ afi: 1, safi: 1, sendReceive: 1 }] }]
  up(session, caps, caps, locRib)
  const msg = rm(session, true, true, 0, locRib)
  assert.equal(msg.peerKnown, true)
  assert.deepEqual(msg.update?.nlri.pathIds, [7])
})

test('route monitoring: with no Peer Up, a fallback context from the A flag, counted', () => {
  const session = createBmpSession()
  const msg = rm(session, true, false)
  assert.equal(msg.peerKnown, false)
  assert.deepEqual(asPathOf(msg.update), AS4_PATH)
  assert.deepEqual(asPathOf(rm(session, false, false, PeerFlag.LEGACY_AS_PATH).update), AS2_PATH)
  assert.equal(session.counters.unknownPeerRouteMonitoring, 2)
  // Without any session at all, the same.
  assert.deepEqual(asPathOf(rm(undefined, true, false).update), AS4_PATH)
  // An explicit context wins.
  const forced = decodeRouteMonitoring(encodeRouteMonitoring({ peer: PEER, bgp: updatePdu(false, false) }), session, createDecodeContext({ asn4: false }))
  assert.deepEqual(asPathOf(forced.update), AS2_PATH)
})

test('route monitoring: Peer Down forgets the peer (RFC 7854 §4.9)', () => {
  const session = createBmpSession()
  up(session, [AS4], [AS4])
  assert.equal(session.peers.size, 1)
  decodeBmpMessage(encodePeerDown({ kind: 'peer-down', peer: PEER, reason: 4, data: new Uint8Array(0) }), session)
  assert.equal(session.peers.size, 0)
  assert.equal(rm(session, true, false).peerKnown, false)
})

test('route monitoring: a BGP error is reported on the message, not thrown', () => {
  const session = createBmpSession()
  up(session, [AS4], [AS4])
  // 2-octet AS_PATH under a 4-octet context: RFC 7606 outcome on the update.
  const soft = rm(session, false, false)
  assert.ok(soft.update?.error instanceof BgpDecodeError)
  // A Total Path Attribute Length overrunning the UPDATE: the BGP codec gives up.
  const pdu = updatePdu(true, false)
  pdu[21] = 0xff
  const hard = decodeBmpMessage(encodeRouteMonitoring({ peer: PEER, bgp: pdu }), session)
  assert.equal(hard.kind, 'route-monitoring')
  if (hard.kind !== 'route-monitoring') return
  assert.equal(hard.update, null)
  assert.ok(hard.bgpError instanceof BgpDecodeError)
  assert.equal(toHex(hard.bgp), toHex(pdu))
  assert.equal(session.counters.bgpErrors, 1)
  // And the session goes on.
  assert.deepEqual(asPathOf(rm(session, true, false).update), AS4_PATH)
})

test('route monitoring: families the BGP codec keeps raw are listed, not errors (VPNv4, IOS XR)', () => {
  const session = createBmpSession()
  const reach = decodeBmpMessage(corpusMessage('netgauze-0-3-route-monitoring'), session)
  assert.equal(reach.kind, 'route-monitoring')
  if (reach.kind !== 'route-monitoring') return
  assert.deepEqual(reach.skippedFamilies, [{ afi: 1, safi: 128, direction: 'reach' }])
  assert.equal(reach.update?.error, undefined)
  // An MP_UNREACH of VPNv4 (hand-made from the same peer header).
  const unreach = decodeBmpMessage(encodeRouteMonitoring({ peer: reach.peer, bgp: hex('ffffffffffffffffffffffffffffffff 001d 02 0000 0006 800f03000180') }), session)
  assert.equal(unreach.kind, 'route-monitoring')
  if (unreach.kind !== 'route-monitoring') return
  assert.deepEqual(unreach.skippedFamilies, [{ afi: 1, safi: 128, direction: 'unreach' }])
  assert.equal(session.counters.skippedFamilies, 2)
})

test('route monitoring: envelope errors throw BmpDecodeError', () => {
  const good = encodeRouteMonitoring({ peer: PEER, bgp: updatePdu(true, false) })
  // One octet after the UPDATE.
  const trailing = encodeRouteMonitoring({ peer: PEER, bgp: new Uint8Array([...updatePdu(true, false), 0]) })
  assert.throws(() => decodeRouteMonitoring(trailing), (e: unknown) =>
    e instanceof BmpDecodeError && /1 octets after the UPDATE/.test(e.message) && e.offset === good.length)
  // A KEEPALIVE instead of an UPDATE.
  assert.throws(() => decodeRouteMonitoring(encodeRouteMonitoring({ peer: PEER, bgp: hex('ff'.repeat(16) + '001304') })),
    (e: unknown) => e instanceof BmpDecodeError && /type 4, not UPDATE/.test(e.message) && e.offset === 66)
  // UPDATE cut short: the BGP length points past the BMP message.
  assert.throws(() => decodeRouteMonitoring(good.subarray(0, good.length - 1)), /does not fit/)
  // No BGP message at all.
  assert.throws(() => decodeRouteMonitoring(encodeRouteMonitoring({ peer: PEER, bgp: new Uint8Array(0) })), /BGP header: needs 19 octets, 0 left/)
  // decode → encode gives the same bytes.
  assert.equal(toHex(encodeBmpMessage(decodeBmpMessage(good))), toHex(good))
})

test('route monitoring: an UPDATE over 4096 octets decodes though the OPENs lack RFC 8654', () => {
  const session = createBmpSession()
  up(session, [AS4], [AS4])
  // 1500 withdrawn /24s: 6000 octets of Withdrawn Routes.
  const withdrawn = new Uint8Array(1500 * 4)
  for (let i = 0; i < 1500; i++) withdrawn.set([24, 10, i >> 8, i & 0xff], i * 4)
  const pdu = new Uint8Array(19 + 4 + withdrawn.length)
  pdu.fill(0xff, 0, 16)
  new DataView(pdu.buffer).setUint16(16, pdu.length)
  pdu[18] = 2
  new DataView(pdu.buffer).setUint16(19, withdrawn.length)
  pdu.set(withdrawn, 21)
  const msg = decodeBmpMessage(encodeRouteMonitoring({ peer: PEER, bgp: pdu }), session)
  assert.ok(msg.kind === 'route-monitoring' && msg.bgpError === undefined)
  assert.equal(msg.kind === 'route-monitoring' ? msg.update?.withdrawn.prefixes.length : 0, 1500)
})
