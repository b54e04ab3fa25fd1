// Every real capture in ../shared/data/bmp (MANIFEST.md) decodes: per TCP flow to port 1790,
// through the splitter, each message with that flow's session state. Counts per message type
// are pinned; those MANIFEST.md lists (from tshark) are a subset of these and agree, and
// tshark 4.0.17 (`-d tcp.port==1790,bmp`) gives exactly these full counts for every file.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { BgpDecodeError } from '../../../src/codec/bgp/errors.ts'
import { BmpDecodeError } from '../../../src/codec/bmp/errors.ts'
import { createBmpSplitter } from '../../../src/codec/bmp/framing.ts'
import { decodeBmpMessage, encodeBmpMessage } from '../../../src/codec/bmp/message.ts'
import { createBmpSession } from '../../../src/codec/bmp/session-state.ts'
import type { BmpSession } from '../../../src/codec/bmp/session-state.ts'
import type { BmpMessage, RouteMonitoringMessage } from '../../../src/codec/bmp/types.ts'
import { readPcapTcpStreams } from '../../helpers/pcap.ts'
import { asPathOf, CAPTURE_DIR, toHex } from './fixtures.ts'
import { createDecodeContext } from '../../../src/codec/bgp/decode-context.ts'
import { decodeRouteMonitoring } from '../../../src/codec/bmp/route-monitoring.ts'

interface Decoded {
  /** Messages per kind, over all flows. */
  counts: Record<string, number>
  /** Index in its flow and error of each message that threw. */
  errors: Array<{ flow: number, index: number, error: BmpDecodeError, bytes: Uint8Array }>
  messages: Array<{ flow: number, index: number, msg: BmpMessage, bytes: Uint8Array }>
  sessions: BmpSession[]
}

function decodeCapture (file: string): Decoded {
  const out: Decoded = { counts: {}, errors: [], messages: [], sessions: [] }
  const streams = readPcapTcpStreams(join(CAPTURE_DIR, file)).filter(s => s.dstPort === 1790)
  assert.ok(streams.length > 0, `${file}: no BMP flow`)
  for (const [flow, stream] of streams.entries()) {
    const splitter = createBmpSplitter()
    const session = createBmpSession()
    out.sessions.push(session)
    for (const [index, bytes] of splitter.push(stream.data).entries()) {
      try {
        const msg = decodeBmpMessage(bytes, session)
        out.counts[msg.kind] = (out.counts[msg.kind] ?? 0) + 1
        out.messages.push({ flow, index, msg, bytes })
      } catch (error) {
        // Only the BMP codec's own error may come out of decodeBmpMessage.
        assert.ok(error instanceof BmpDecodeError, String(error))
        out.errors.push({ flow, index, error, bytes })
      }
    }
    assert.equal(splitter.pending(), 0, `${file} flow ${flow}: the stream ends inside a message`)
  }
  return out
}

function routeMonitoring (d: Decoded): RouteMonitoringMessage[] {
  return d.messages.map(m => m.msg).filter((m): m is RouteMonitoringMessage => m.kind === 'route-monitoring')
}

function summary (d: Decoded) {
  const rms = routeMonitoring(d)
  const skipped: Record<string, number> = {}
  for (const m of rms) for (const f of m.skippedFamilies) skipped[`${f.afi}/${f.safi} ${f.direction}`] = (skipped[`${f.afi}/${f.safi} ${f.direction}`] ?? 0) + 1
  const peers = d.sessions.flatMap(s => [...s.peers.values()])
  return {
    bgpErrors: rms.filter(m => m.bgpError !== undefined).length,
    rfc7606: rms.filter(m => m.update?.error !== undefined).length,
    unknownPeer: rms.filter(m => !m.peerKnown).length,
    skipped,
    peersUp: peers.length,
    asn4Peers: peers.filter(p => p.asn4).length,
    addPathPeers: peers.filter(p => p.addPathIn.size > 0 || p.addPathOut.size > 0).length
  }
}

function assertRoundTrip (d: Decoded): void {
  for (const { msg, bytes, index } of d.messages) assert.equal(toHex(encodeBmpMessage(msg)), toHex(bytes), `message ${index}`)
}

test('capture: NetGauze pcapng, IOS XR 7.4.1, all five common types', () => {
  const d = decodeCapture('netgauze-pcap-reader-bmp.pcapng')
  assert.deepEqual(d.errors, [])
  // MANIFEST.md: INIT 2, PEER_UP 3, RM 3, STATS 2, PEER_DOWN 2.
  assert.deepEqual(d.counts, { initiation: 2, 'peer-up': 3, 'route-monitoring': 3, 'statistics-report': 2, 'peer-down': 2 })
  assert.deepEqual(summary(d), {
    bgpErrors: 0, rfc7606: 0, unknownPeer: 0, skipped: { '1/128 reach': 2, '1/128 unreach': 1 }, peersUp: 2, asn4Peers: 2, addPathPeers: 0
  })
  assertRoundTrip(d)
})

test('capture: pmacct 200, Huawei VRP 8.210, Loc-RIB instance peers', () => {
  const d = decodeCapture('pmacct-200-BMP-HUAWEI-locrib_instance.traffic-00.pcap')
  assert.deepEqual(d.errors, [])
  // MANIFEST.md: RM 84, PEER_UP 18.
  assert.deepEqual(d.counts, { initiation: 1, 'peer-up': 18, 'route-monitoring': 84 })
  assert.deepEqual(summary(d), {
    bgpErrors: 0, rfc7606: 0, unknownPeer: 0, skipped: { '1/128 reach': 12, '2/128 reach': 54, '1/4 reach': 6, '2/4 reach': 5 }, peersUp: 5, asn4Peers: 5, addPathPeers: 0
  })
  assert.equal(routeMonitoring(d).filter(m => m.peer.peerType === 3).length, 18)
  assertRoundTrip(d)
})

test('capture: pmacct 201, IOS XR 7.4.1, RD instance peers', () => {
  const d = decodeCapture('pmacct-201-BMP-CISCO-rd_instance.traffic-00.pcap')
  assert.deepEqual(d.errors, [])
  // MANIFEST.md: RM 251, PEER_UP 42, STATS 42.
  assert.deepEqual(d.counts, { initiation: 1, 'peer-up': 42, 'statistics-report': 42, 'route-monitoring': 251 })
  assert.deepEqual(summary(d), { bgpErrors: 0, rfc7606: 0, unknownPeer: 0, skipped: {}, peersUp: 42, asn4Peers: 42, addPathPeers: 0 })
  assert.ok(routeMonitoring(d).every(m => m.peer.peerType === 1))
  assertRoundTrip(d)
})

test('capture: pmacct 204, IOS XR 7.10.1 over IPv6, Loc-RIB, VPN, peer down', () => {
  const d = decodeCapture('pmacct-204-BMP-CISCO-peer_down.traffic-00.pcap')
  assert.deepEqual(d.errors, [])
  // MANIFEST.md: INIT 1, PEER_UP 10, RM 301, STATS 28, PEER_DOWN 3.
  assert.deepEqual(d.counts, { initiation: 1, 'peer-up': 10, 'route-monitoring': 301, 'statistics-report': 28, 'peer-down': 3 })
  assert.deepEqual(summary(d), {
    bgpErrors: 0,
    rfc7606: 0,
    unknownPeer: 0,
    skipped: { '1/4 reach': 30, '1/4 unreach': 3, '2/128 reach': 79, '2/128 unreach': 5, '1/128 reach': 127, '1/128 unreach': 5 },
    peersUp: 7,
    asn4Peers: 7,
    addPathPeers: 0
  })
  assertRoundTrip(d)
})

test('capture: pmacct 205, FRR 8.0.1 (6WIND), with its known-invalid BMP data', () => {
  const d = decodeCapture('pmacct-205-BMP-6wind-FRR-peer_down.traffic-00.pcap')
  // MANIFEST.md: RM 451, STATS 48. One Peer Up (message 1) fails, every other message decodes.
  assert.deepEqual(d.counts, { initiation: 1, 'peer-up': 6, 'route-monitoring': 451, 'statistics-report': 48, 'peer-down': 2 })

  // 1. Message 1 is a Peer Up with an all-zero per-peer header (peer type 0, global instance;
  //    address 0.0.0.0, AS 0, BGP ID 0.0.0.0) whose fabricated OPENs have My Autonomous System
  //    0 (RFC 7607: Bad Peer AS) and BGP Identifier 0.0.0.0, a 4-octet AS capability saying AS 0,
  //    and a VRF/Table Name TLV "global" (RFC 9069 §5.3): a Loc-RIB Peer Up sent with the wrong
  //    peer type. An error for that message only.
  assert.equal(d.errors.length, 1)
  const [bad] = d.errors
  assert.equal(bad.index, 1)
  assert.equal(bad.bytes[5], 3) // Peer Up
  assert.equal(toHex(bad.bytes.subarray(6, 40)), '00'.repeat(34)) // type, flags, RD, address, AS, BGP ID
  assert.match(bad.error.message, /^peer up: sent OPEN: My Autonomous System is 0/)
  assert.ok(bad.error.cause instanceof BgpDecodeError)
  assert.equal(bad.error.cause.code, 2)
  assert.equal(bad.error.cause.subcode, 2)
  assert.equal(bad.error.offset, 68)
  assert.equal(toHex(bad.bytes.subarray(-10)), '00030006' + toHex(new TextEncoder().encode('global')))

  const rms = routeMonitoring(d)
  // No Peer Up ever comes for the Loc-RIB peer (type 3), so its 90 Route Monitoring messages
  // use the fallback context (4-octet AS, as the clear A flag says), as do the 3 of the bogus
  // all-zero peer of message 1.
  assert.equal(rms.filter(m => !m.peerKnown).length, 93)
  assert.equal(rms.filter(m => !m.peerKnown && m.peer.peerType === 3).length, 90)
  assert.equal(rms.filter(m => !m.peerKnown && m.peer.peerType === 0 && m.peer.address === '0.0.0.0').length, 3)

  // 2. 140 UPDATEs (post-policy of 198.51.100.22 and .86, and Loc-RIB) announce IPv4 NLRI with
  //    no NEXT_HOP: RFC 7606 §3 (d) treat-as-withdraw, reported on the message.
  const noNextHop = rms.filter(m => m.update?.error?.code === 3 && m.update.error.subcode === 3)
  assert.equal(noNextHop.length, 140)
  assert.ok(noNextHop.every(m => m.update?.error?.action === 2 && m.update.error.attributeType === 3))
  assert.deepEqual(new Set(noNextHop.map(m => `${m.peer.peerType}/${m.peer.flags}/${m.peer.address}`)),
    new Set(['0/64/198.51.100.22', '0/64/198.51.100.86', '3/0/0.0.0.0']))

  // 3. Messages 199 (Loc-RIB) and 200 (the all-zero peer of message 1) carry an AS_PATH in the 2-octet form while the A flag is clear, which
  //    RFC 7854 §4.2 says means 4-octet: malformed AS_PATH, reported on the message.
  const badPath = d.messages.filter(m => m.msg.kind === 'route-monitoring' && m.msg.update?.error?.code === 3 && m.msg.update.error.subcode === 11)
  assert.deepEqual(badPath.map(m => m.index), [199, 200])
  for (const { bytes } of badPath) {
    assert.equal(bytes[7] & 0x20, 0) // A flag clear
    const as2 = decodeRouteMonitoring(bytes, undefined, createDecodeContext({ asn4: false }))
    assert.equal(as2.update?.error, undefined)
    assert.deepEqual(asPathOf(as2.update), [65000])
  }
  const bogus = badPath[1].msg
  assert.ok(bogus.kind === 'route-monitoring' && bogus.peer.address === '0.0.0.0' && bogus.peer.asn === 0 && bogus.peer.bgpId === '0.0.0.0')

  // 4. Not invalid: each of the 48 Statistics Reports ends with type 65531 (IANA "Experimental"),
  //    4 octets. tshark flags 4 frames holding them as malformed; RFC 7854 §4.8 says to skip
  //    unknown types, and they decode here as a 32-bit counter. (tshark's fifth flagged frame,
  //    frame 2, holds message 1 above.)
  const experimental = d.messages.flatMap(m => m.msg.kind === 'statistics-report' ? m.msg.stats.filter(s => s.type === 65531) : [])
  assert.equal(experimental.length, 48)
  assert.ok(experimental.every(s => s.form === 'counter32'))

  assert.equal(rms.filter(m => m.update?.error !== undefined).length, 142)
  assert.equal(rms.filter(m => m.bgpError !== undefined).length, 0)
  assert.deepEqual(summary(d).skipped, { '1/128 reach': 138, '1/128 unreach': 54, '2/128 reach': 45, '2/128 unreach': 72 })
  // The four global-instance peers that did come up all use 4-octet AS, none ADD-PATH.
  assert.deepEqual([summary(d).peersUp, summary(d).asn4Peers, summary(d).addPathPeers], [4, 4, 0])
  assertRoundTrip(d)
})
