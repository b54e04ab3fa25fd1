import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { BmpPeerHeader } from '../../src/codec/bmp/types.ts'
import { bmpMeta, bmpView, formatRouteDistinguisher, peerDownToRecord, peerUpToRecord } from '../../src/record/from-bmp.ts'
import { updateToRecord } from '../../src/record/from-update.ts'
import { attr, update, validateRecord } from './helpers.ts'

function peer (opts: Partial<BmpPeerHeader> = {}): BmpPeerHeader {
  return {
    peerType: 0,
    flags: 0,
    distinguisher: new Uint8Array(8),
    address: '192.0.2.1',
    asn: 64500,
    bgpId: '192.0.2.1',
    timestampSeconds: 1_672_531_200,
    timestampMicros: 123_456,
    ...opts
  }
}

const STATION = { source: 'bmp-station-1', router: { ip: '198.51.100.9', asn: 64999, name: 'edge-1' } }

test('views from peer type and the L and O flags', () => {
  assert.equal(bmpView(0, 0), 'adj-rib-in-pre')
  assert.equal(bmpView(0, 0x40), 'adj-rib-in-post')
  assert.equal(bmpView(1, 0x10), 'adj-rib-out-pre')
  assert.equal(bmpView(2, 0x50), 'adj-rib-out-post')
  assert.equal(bmpView(3, 0x80), 'loc-rib')
})

test('route distinguishers of the three RFC 4364 types', () => {
  assert.equal(formatRouteDistinguisher(Uint8Array.of(0, 0, 0xfb, 0xf4, 0, 0, 0, 100)), '64500:100')
  assert.equal(formatRouteDistinguisher(Uint8Array.of(0, 1, 192, 0, 2, 1, 0, 7)), '192.0.2.1:7')
  assert.equal(formatRouteDistinguisher(Uint8Array.of(0, 2, 0xfa, 0x56, 0xea, 0x01, 0, 7)), '4200000001:7')
  assert.equal(formatRouteDistinguisher(Uint8Array.of(0, 9, 1, 2, 3, 4, 5, 6)), '0009010203040506')
})

test('a Route Monitoring UPDATE becomes a record with the router, in canonical order', () => {
  const meta = bmpMeta(peer({ flags: 0x40 }), STATION, 0)
  const record = updateToRecord(update([attr.origin(0), attr.asPath([[2, [64500, 64501]]]), attr.nextHop('192.0.2.1')], ['203.0.113.0/24']), meta)
  assert.deepEqual(record, {
    type: 'update',
    time_us: 1_672_531_200_123_456,
    source: 'bmp-station-1',
    vp: { ip: '192.0.2.1', asn: 64500 },
    router: { ip: '198.51.100.9', asn: 64999, name: 'edge-1', view: 'adj-rib-in-post' },
    announce: [{ next_hop: '192.0.2.1', prefixes: ['203.0.113.0/24'] }],
    withdraw: [],
    attrs: { origin: 'IGP', as_path: [{ type: 'AS_SEQUENCE', asns: [64500, 64501] }] }
  })
  assert.ok(validateRecord()(record))
})

test('RD-instance peers carry the distinguisher; Loc-RIB routes are the router\'s own; no timestamp uses the receive time', () => {
  const rd = bmpMeta(peer({ peerType: 1, distinguisher: Uint8Array.of(0, 0, 0xfb, 0xf4, 0, 0, 0, 1) }), { source: 's', router: { ip: '198.51.100.9' } }, 5)
  assert.deepEqual(rd.router, { ip: '198.51.100.9', view: 'adj-rib-in-pre', rd: '64500:1' })
  const loc = bmpMeta(peer({ peerType: 3, address: '0.0.0.0', asn: 64999, timestampSeconds: 0, timestampMicros: 0 }), STATION, 42)
  assert.deepEqual(loc.vp, { ip: '198.51.100.9', asn: 64999 })
  assert.equal(loc.time_us, 42)
  assert.equal(loc.router?.view, 'loc-rib')
})

test('Peer Up and Peer Down become peer_state records', () => {
  const up = peerUpToRecord({ kind: 'peer-up', peer: peer() } as Parameters<typeof peerUpToRecord>[0], STATION, 0)
  assert.equal(up.old_state, 'Idle')
  assert.equal(up.new_state, 'Established')
  const down = peerDownToRecord({
    kind: 'peer-down',
    peer: peer(),
    reason: 3,
    data: new Uint8Array(0),
    notification: { type: 'notification', code: 6, subcode: 2, data: new Uint8Array(0) }
  }, STATION, 0)
  assert.deepEqual([down.old_state, down.new_state, down.reason], ['Established', 'Idle', 'remote system closed the session with a NOTIFICATION (code 6, subcode 2)'])
  const validate = validateRecord()
  assert.ok(validate(up), JSON.stringify(validate.errors))
  assert.ok(validate(down), JSON.stringify(validate.errors))
})
