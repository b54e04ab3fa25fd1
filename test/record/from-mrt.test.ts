import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MrtDecodeError } from '../../src/codec/mrt/errors.ts'
import type { Bgp4mpMessage, MrtHeader, MrtRecord, PeerIndexEntry, RibRecord } from '../../src/codec/mrt/types.ts'
import { BgpDecodeError } from '../../src/codec/bgp/errors.ts'
import { MrtRecordNormaliser, peerStateName } from '../../src/record/from-mrt.ts'
import { schema, keyOrderErrors, validateRecord } from './helpers.ts'

function header (offset = 0, microseconds = 0): MrtHeader {
  return { timestamp: 1_600_000_000, microseconds, type: 16, subtype: 4, length: 0, offset }
}

const u16 = (n: number): number[] => [n >> 8, n & 0xff]
const u32 = (n: number): number[] => [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]

/** One path attribute: flags, code, 1-octet length, value (RFC 4271 §4.3). */
function pa (flags: number, code: number, value: number[]): number[] {
  return [flags, code, value.length, ...value]
}

/** A whole BGP message: marker, length, type (RFC 4271 §4.1). */
function bgp (type: number, body: number[]): Uint8Array {
  return Uint8Array.from([...new Array(16).fill(0xff), ...u16(19 + body.length), type, ...body])
}

function updateBody (withdrawn: number[], attrs: number[], nlri: number[]): number[] {
  return [...u16(withdrawn.length), ...withdrawn, ...u16(attrs.length), ...attrs, ...nlri]
}

function message (msg: Uint8Array, opts: Partial<Bgp4mpMessage> = {}): Bgp4mpMessage {
  return {
    kind: 'bgp4mp-message',
    header: header(opts.header?.offset ?? 0, 250),
    peerAs: 64500,
    localAs: 65000,
    interfaceIndex: 0,
    afi: 1,
    peerIp: '192.0.2.1',
    localIp: '192.0.2.2',
    message: msg,
    asn4: false,
    addPath: false,
    local: false,
    ...opts
  }
}

function valid (record: unknown): void {
  const validate = validateRecord()
  assert.ok(validate(record), JSON.stringify(validate.errors))
  assert.deepEqual(keyOrderErrors(record, schema), [])
}

const ORIGIN_IGP = pa(0x40, 1, [0])
const NEXT_HOP = pa(0x40, 3, [192, 0, 2, 1])

test('BGP4MP_MESSAGE with 2-octet ASNs: AS4_PATH is merged (RFC 6793 §4.2.3)', () => {
  const attrs = [
    ...ORIGIN_IGP,
    ...pa(0x40, 2, [2, 2, ...u16(64500), ...u16(23456)]),
    ...NEXT_HOP,
    ...pa(0xc0, 17, [2, 1, ...u32(4200000001)])
  ]
  const rec = message(bgp(2, updateBody([], attrs, [24, 198, 51, 100])))
  const records = new MrtRecordNormaliser().toRecords(rec, 'mrt:test')
  assert.deepEqual(records, [{
    type: 'update',
    time_us: 1_600_000_000_000_250,
    source: 'mrt:test',
    vp: { ip: '192.0.2.1', asn: 64500 },
    announce: [{ next_hop: '192.0.2.1', prefixes: ['198.51.100.0/24'] }],
    withdraw: [],
    attrs: { origin: 'IGP', as_path: [{ type: 'AS_SEQUENCE', asns: [64500, 4200000001] }] }
  }])
  valid(records[0])
})

test('BGP4MP_MESSAGE_AS4_ADDPATH: 4-octet ASNs and path identifiers in IPv4 NLRI and withdrawals', () => {
  const attrs = [...ORIGIN_IGP, ...pa(0x40, 2, [2, 1, ...u32(4200000001)]), ...NEXT_HOP]
  const rec = message(bgp(2, updateBody([...u32(9), 16, 10, 1], attrs, [...u32(7), 24, 198, 51, 100])), { asn4: true, addPath: true })
  const [record] = new MrtRecordNormaliser().toRecords(rec, 's')
  assert.equal(record.type, 'update')
  if (record.type !== 'update') return
  assert.deepEqual(record.announce, [{ next_hop: '192.0.2.1', prefixes: ['198.51.100.0/24'], path_ids: [7] }])
  assert.deepEqual(record.withdraw, [{ prefixes: ['10.1.0.0/16'], path_ids: [9] }])
  assert.deepEqual(record.attrs.as_path, [{ type: 'AS_SEQUENCE', asns: [4200000001] }])
})

test('NLRI with bits past the prefix length: the record has the canonical prefix (RFC 4271 §4.3)', () => {
  // 11.13.0.0/13 as on the wire in bgpdump's test_data/updates.nlri_mask_trailing_bits.
  const attrs = [...ORIGIN_IGP, ...pa(0x40, 2, []), ...NEXT_HOP]
  const [record] = new MrtRecordNormaliser().toRecords(message(bgp(2, updateBody([13, 11, 13], attrs, [13, 11, 13, 32, 10, 0, 0, 1]))), 's')
  if (record.type !== 'update') return assert.fail('not an update')
  assert.deepEqual(record.announce, [{ next_hop: '192.0.2.1', prefixes: ['11.8.0.0/13', '10.0.0.1/32'] }])
  assert.deepEqual(record.withdraw, [{ prefixes: ['11.8.0.0/13'] }])
})

test('*_LOCAL messages: the vantage point is the local speaker that sent them', () => {
  const attrs = [...ORIGIN_IGP, ...pa(0x40, 2, []), ...NEXT_HOP]
  const [record] = new MrtRecordNormaliser().toRecords(message(bgp(2, updateBody([], attrs, [8, 10])), { local: true }), 's')
  assert.deepEqual(record.vp, { ip: '192.0.2.2', asn: 65000 })
})

test('OPEN, KEEPALIVE and NOTIFICATION make no record and are counted', () => {
  const n = new MrtRecordNormaliser()
  assert.deepEqual(n.toRecords(message(bgp(4, [])), 's'), [])
  assert.deepEqual(n.toRecords(message(bgp(3, [6, 2])), 's'), [])
  assert.deepEqual(n.toRecords(message(bgp(1, [4, ...u16(64500), 0, 90, 192, 0, 2, 1, 0])), 's'), [])
  assert.equal(n.stats.nonUpdate, 3)
})

test('an UPDATE a session would reset on throws MrtDecodeError with the record offset', () => {
  // NLRI prefix length 33: not an IPv4 prefix (RFC 7606 §5.3).
  const rec = message(bgp(2, updateBody([], [...ORIGIN_IGP, ...pa(0x40, 2, []), ...NEXT_HOP], [33, 1, 2, 3, 4, 5])), { header: header(4242) })
  const n = new MrtRecordNormaliser()
  assert.throws(() => n.toRecords(rec, 's'), (err: unknown) => {
    assert.ok(err instanceof MrtDecodeError)
    assert.equal(err.offset, 4242)
    assert.equal(err.kind, 'malformed')
    assert.ok(err.cause instanceof BgpDecodeError)
    return true
  })
  // The normaliser goes on.
  assert.equal(n.toRecords(message(bgp(2, updateBody([], [], []))), 's').length, 1)
})

test('a missing ORIGIN is treat-as-withdraw: the record withdraws and says why', () => {
  const rec = message(bgp(2, updateBody([], [...pa(0x40, 2, []), ...NEXT_HOP], [24, 198, 51, 100])))
  const [record] = new MrtRecordNormaliser().toRecords(rec, 's')
  assert.equal(record.type, 'update')
  if (record.type !== 'update') return
  assert.deepEqual(record.announce, [])
  assert.deepEqual(record.withdraw, [{ prefixes: ['198.51.100.0/24'] }])
  assert.deepEqual(record.attrs, {})
  assert.equal(record.error?.action, 'treat-as-withdraw')
  assert.equal(record.error?.attr, 1)
  valid(record)
})

test('STATE_CHANGE becomes a peer_state record with RFC 4271 state names', () => {
  const rec: MrtRecord = { kind: 'bgp4mp-state-change', header: header(), peerAs: 64500, localAs: 65000, interfaceIndex: 0, afi: 2, peerIp: '2001:db8::1', localIp: '2001:db8::2', oldState: 6, newState: 1 }
  const records = new MrtRecordNormaliser().toRecords(rec, 's')
  assert.deepEqual(records, [{ type: 'peer_state', time_us: 1_600_000_000_000_000, source: 's', vp: { ip: '2001:db8::1', asn: 64500 }, old_state: 'Established', new_state: 'Idle' }])
  valid(records[0])
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 0, 42].map(peerStateName),
    ['Idle', 'Connect', 'Active', 'OpenSent', 'OpenConfirm', 'Established', 'Clearing', 'Deleted', 'state-0', 'state-42'])
})

const PEERS: PeerIndexEntry[] = [
  { peerType: 2, bgpId: '10.0.0.1', ip: '192.0.2.1', asn: 64500 },
  { peerType: 3, bgpId: '10.0.0.2', ip: '2001:db8::2', asn: 4200000002 }
]

function rib (prefix: string, afi: number, entries: RibRecord['entries'], addPath = false): RibRecord {
  return { kind: 'rib', header: { ...header(), type: 13, subtype: afi === 1 ? 2 : 4 }, sequence: 1, afi, safi: 1, prefix, addPath, entries }
}

test('TABLE_DUMP_V2: one record per RIB entry, peer from the PEER_INDEX_TABLE, abbreviated MP_REACH next hop', () => {
  const n = new MrtRecordNormaliser()
  assert.deepEqual(n.toRecords({ kind: 'peer-index-table', header: header(), collectorBgpId: '10.0.0.9', viewName: '', peers: PEERS }, 's'), [])
  const v6Attrs = Uint8Array.from([
    ...ORIGIN_IGP,
    ...pa(0x40, 2, [2, 1, ...u32(4200000002)]),
    // RFC 6396 §4.3.4: MP_REACH_NLRI holds only the next hop length and the next hops.
    ...pa(0x80, 14, [32, 0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 2, 0xfe, 0x80, ...new Array(13).fill(0), 2])
  ])
  const records = n.toRecords(rib('2001:db8:1::/48', 2, [
    { peerIndex: 1, peer: null, originatedTime: 1_599_999_000, pathId: null, attributes: v6Attrs },
    { peerIndex: 5, peer: null, originatedTime: 1_599_999_000, pathId: null, attributes: v6Attrs }
  ]), 'mrt:rib')
  assert.deepEqual(records, [{
    type: 'update',
    time_us: 1_600_000_000_000_000,
    source: 'mrt:rib',
    vp: { ip: '2001:db8::2', asn: 4200000002 },
    announce: [{ next_hop: '2001:db8::2', next_hop_ll: 'fe80::2', prefixes: ['2001:db8:1::/48'] }],
    withdraw: [],
    attrs: { origin: 'IGP', as_path: [{ type: 'AS_SEQUENCE', asns: [4200000002] }] },
    rib: { originated_us: 1_599_999_000_000_000 }
  }])
  assert.equal(n.stats.unknownPeer, 1, 'index 5 is past the table: no record, counted')
  valid(records[0])
})

test('TABLE_DUMP_V2 ADDPATH: the path id comes along; a resolved peer wins; host bits are masked', () => {
  const attrs = Uint8Array.from([...ORIGIN_IGP, ...pa(0x40, 2, [2, 1, ...u32(64500)]), ...NEXT_HOP])
  const records = new MrtRecordNormaliser().toRecords(rib('10.1.2.3/8', 1, [
    { peerIndex: 0, peer: PEERS[0], originatedTime: 5, pathId: 77, attributes: attrs }
  ], true), 's')
  assert.equal(records.length, 1)
  const record = records[0]
  if (record.type !== 'update') return assert.fail('not an update')
  assert.deepEqual(record.announce, [{ next_hop: '192.0.2.1', prefixes: ['10.0.0.0/8'], path_ids: [77] }])
  assert.deepEqual(record.rib, { originated_us: 5_000_000 })
})

test('TABLE_DUMP (v1): 2-octet ASNs, peer from the entry', () => {
  const attrs = Uint8Array.from([...ORIGIN_IGP, ...pa(0x40, 2, [2, 2, ...u16(64500), ...u16(3356)]), ...NEXT_HOP])
  const rec: MrtRecord = {
    kind: 'table-dump',
    header: { ...header(), type: 12, subtype: 1 },
    viewNumber: 0,
    sequence: 3,
    prefix: '198.51.100.0/24',
    afi: 1,
    status: 1,
    originatedTime: 1_000,
    peerIp: '192.0.2.1',
    peerAs: 64500,
    attributes: attrs,
    asn4: false
  }
  const [record] = new MrtRecordNormaliser().toRecords(rec, 's')
  if (record.type !== 'update') return assert.fail('not an update')
  assert.deepEqual(record.vp, { ip: '192.0.2.1', asn: 64500 })
  assert.deepEqual(record.attrs.as_path, [{ type: 'AS_SEQUENCE', asns: [64500, 3356] }])
  assert.deepEqual(record.announce, [{ next_hop: '192.0.2.1', prefixes: ['198.51.100.0/24'] }])
  valid(record)
})

test('unsupported records make nothing and are counted', () => {
  const n = new MrtRecordNormaliser()
  assert.deepEqual(n.toRecords({ kind: 'unsupported', header: header(), body: new Uint8Array(0) }, 's'), [])
  assert.equal(n.stats.unsupported, 1)
})
