import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BgpDecodeError, ErrorAction } from '../../src/codec/bgp/errors.ts'
import { endOfRib, updateToRecord } from '../../src/record/from-update.ts'
import { recordToJson } from '../../src/record/json.ts'
import { META, attr, keyOrderErrors, list, schema, update, validateRecord } from './helpers.ts'

function valid (record: unknown): void {
  const validate = validateRecord()
  assert.ok(validate(record), JSON.stringify(validate.errors))
  assert.deepEqual(keyOrderErrors(record, schema), [])
}

test('IPv4 announcement: NEXT_HOP groups the NLRI, attributes are typed', () => {
  const msg = update([
    attr.origin(0),
    attr.asPath([[2, [64500, 3356]], [1, [65001, 65002]]]),
    attr.nextHop('192.0.2.254'),
    attr.med(10),
    attr.localPref(100),
    attr.atomic(),
    attr.aggregator(3356, '198.51.100.1'),
    attr.communities([(3356 << 16 | 2) >>> 0, 0xffffff01]),
    attr.large([4200000000, 1, 2]),
    attr.ext([Uint8Array.of(0x00, 0x02, 0xfc, 0x00, 0x00, 0x00, 0x00, 0x64)]),
    attr.originatorId('10.0.0.1'),
    attr.clusterList(['10.0.0.2', '10.0.0.3']),
    attr.otc(64500),
    attr.unknown(99, [0xde, 0xad])
  ], ['203.0.113.0/24', '198.51.100.0/25'], ['192.0.2.0/24'])
  const record = updateToRecord(msg, META)
  assert.deepEqual(record, {
    type: 'update',
    time_us: META.time_us,
    source: 'test',
    vp: META.vp,
    announce: [{ next_hop: '192.0.2.254', prefixes: ['203.0.113.0/24', '198.51.100.0/25'] }],
    withdraw: [{ prefixes: ['192.0.2.0/24'] }],
    attrs: {
      origin: 'IGP',
      as_path: [{ type: 'AS_SEQUENCE', asns: [64500, 3356] }, { type: 'AS_SET', asns: [65001, 65002] }],
      med: 10,
      local_pref: 100,
      atomic_aggregate: true,
      aggregator: { asn: 3356, ip: '198.51.100.1' },
      communities: ['3356:2', '65535:65281'],
      large_communities: ['4200000000:1:2'],
      ext_communities: ['0002fc0000000064'],
      originator_id: '10.0.0.1',
      cluster_list: ['10.0.0.2', '10.0.0.3'],
      otc: 64500,
      unknown: [{ code: 99, flags: 0xc0, value: 'dead' }]
    }
  })
  valid(record)
  // The codec's prefix array is reused, not copied.
  assert.equal(record.announce[0].prefixes, msg.nlri.prefixes)
  assert.equal(recordToJson(record), JSON.stringify(record))
})

test('MP_REACH IPv6: global and link-local next hop, path ids, MP_UNREACH withdrawals', () => {
  const msg = update([
    attr.origin(2),
    attr.asPath([[2, [64500]]]),
    attr.mpReach(2, 1, ['2001:db8::1', 'fe80::1'], list(['2001:db8:1::/48', '2001:db8:2::/48'], { afi: 2, pathIds: [1, 2] })),
    attr.mpUnreach(2, 1, list(['2001:db8:3::/48'], { afi: 2, pathIds: [7] }))
  ])
  const record = updateToRecord(msg, META)
  assert.deepEqual(record.announce, [{ next_hop: '2001:db8::1', next_hop_ll: 'fe80::1', prefixes: ['2001:db8:1::/48', '2001:db8:2::/48'], path_ids: [1, 2] }])
  assert.deepEqual(record.withdraw, [{ prefixes: ['2001:db8:3::/48'], path_ids: [7] }])
  assert.deepEqual(record.attrs, { origin: 'INCOMPLETE', as_path: [{ type: 'AS_SEQUENCE', asns: [64500] }] })
  valid(record)
})

test('IPv4 NLRI and MP_REACH IPv4 with the same next hop share one announcement; multicast is tagged', () => {
  const same = updateToRecord(update([
    attr.nextHop('192.0.2.9'),
    attr.mpReach(1, 1, ['192.0.2.9'], list(['10.1.0.0/16']))
  ], ['10.0.0.0/16']), META)
  assert.deepEqual(same.announce, [{ next_hop: '192.0.2.9', prefixes: ['10.0.0.0/16', '10.1.0.0/16'] }])
  const multicast = updateToRecord(update([
    attr.nextHop('192.0.2.9'),
    attr.mpReach(1, 2, ['192.0.2.9'], list(['10.1.0.0/16'], { safi: 2 })),
    attr.mpUnreach(2, 2, list(['2001:db8::/32'], { afi: 2, safi: 2 }))
  ], ['10.0.0.0/16']), META)
  assert.deepEqual(multicast.announce, [
    { next_hop: '192.0.2.9', prefixes: ['10.0.0.0/16'] },
    { family: 'ipv4-multicast', next_hop: '192.0.2.9', prefixes: ['10.1.0.0/16'] }
  ])
  assert.deepEqual(multicast.withdraw, [{ family: 'ipv6-multicast', prefixes: ['2001:db8::/32'] }])
  valid(multicast)
})

test('IPv4 NLRI without NEXT_HOP gets a null next hop', () => {
  const record = updateToRecord(update([attr.origin(0)], ['10.0.0.0/8']), META)
  assert.deepEqual(record.announce, [{ next_hop: null, prefixes: ['10.0.0.0/8'] }])
  valid(record)
})

test('host bits past the prefix length are masked (RFC 4271 §4.3)', () => {
  const msg = update([attr.nextHop('192.0.2.1'), attr.mpReach(2, 1, ['2001:db8::1'], list(['2001:db8:ffff::/33'], { afi: 2, hostBits: true }))], [])
  msg.nlri = list(['10.1.2.3/8', '192.0.2.129/25', '0.0.0.0/0'], { hostBits: true })
  msg.withdrawn = list(['172.16.255.255/12'], { hostBits: true })
  const record = updateToRecord(msg, META)
  assert.deepEqual(record.announce.map((a) => a.prefixes), [['10.0.0.0/8', '192.0.2.128/25', '0.0.0.0/0'], ['2001:db8:8000::/33']])
  assert.deepEqual(record.withdraw[0].prefixes, ['172.16.0.0/12'])
  assert.deepEqual(msg.nlri.prefixes, ['10.1.2.3/8', '192.0.2.129/25', '0.0.0.0/0'], 'the codec arrays are left alone')
  valid(record)
})

test('RFC 6793 §4.2.3: AS4_PATH merges into a 2-octet AS_PATH, AS4_AGGREGATOR replaces AS_TRANS', () => {
  const record = updateToRecord(update([
    attr.asPath([[2, [64500, 23456, 23456, 3356]]], 2),
    attr.nextHop('192.0.2.1'),
    attr.aggregator(23456, '192.0.2.7', 2),
    attr.as4Path([[2, [4200000001, 4200000002, 3356]]]),
    attr.as4Aggregator(4200000002, '192.0.2.8')
  ], ['10.0.0.0/8']), META)
  assert.deepEqual(record.attrs.as_path, [{ type: 'AS_SEQUENCE', asns: [64500, 4200000001, 4200000002, 3356] }])
  assert.deepEqual(record.attrs.aggregator, { asn: 4200000002, ip: '192.0.2.8' })
  assert.equal('unknown' in record.attrs, false)
  valid(record)
})

test('RFC 6793 §4.2.3: an AGGREGATOR without AS_TRANS makes AS4_PATH and AS4_AGGREGATOR ignored', () => {
  const record = updateToRecord(update([
    attr.asPath([[2, [64500, 23456]]], 2),
    attr.aggregator(64501, '192.0.2.7', 2),
    attr.as4Path([[2, [4200000001]]]),
    attr.as4Aggregator(4200000002, '192.0.2.8')
  ], []), META)
  assert.deepEqual(record.attrs.as_path, [{ type: 'AS_SEQUENCE', asns: [64500, 23456] }])
  assert.deepEqual(record.attrs.aggregator, { asn: 64501, ip: '192.0.2.7' })
})

test('RFC 6793 §4.1: AS4_PATH with a 4-octet AS_PATH is ignored', () => {
  const record = updateToRecord(update([
    attr.asPath([[2, [64500, 4200000001]]], 4),
    attr.as4Path([[2, [1, 2, 3]]])
  ], []), META)
  assert.deepEqual(record.attrs.as_path, [{ type: 'AS_SEQUENCE', asns: [64500, 4200000001] }])
})

test('End-of-RIB: empty UPDATE is ipv4-unicast, lone empty MP_UNREACH names its family', () => {
  const v4 = updateToRecord(update([]), META)
  assert.deepEqual(v4, { type: 'update', time_us: META.time_us, source: 'test', vp: META.vp, announce: [], withdraw: [], attrs: {}, eor: 'ipv4-unicast' })
  valid(v4)
  assert.equal(endOfRib(update([attr.mpUnreach(2, 1, list([], { afi: 2 }))])), 'ipv6-unicast')
  assert.equal(endOfRib(update([attr.mpUnreach(25, 70, null)])), 'l2vpn-evpn')
  assert.equal(endOfRib(update([attr.mpUnreach(3, 9, null)])), 'afi-3-safi-9')
  assert.equal(endOfRib(update([attr.mpUnreach(2, 1, list(['2001:db8::/32'], { afi: 2 }))])), undefined)
  assert.equal(endOfRib(update([attr.origin(0)])), undefined)
  assert.equal(endOfRib(update([], [], ['10.0.0.0/8'])), undefined)
})

test('an UPDATE whose fields could not be read is a session reset, never an End-of-RIB', () => {
  const msg = update([])
  msg.error = new BgpDecodeError(3, 10, 'Withdrawn Routes overrun', { action: ErrorAction.SESSION_RESET })
  assert.throws(() => updateToRecord(msg, META), (e: unknown) => e === msg.error)
})

test('RFC 7606 treat-as-withdraw: announced prefixes become withdrawals, attributes dropped', () => {
  const msg = update([
    attr.origin(0),
    attr.nextHop('192.0.2.1'),
    attr.mpReach(2, 1, ['2001:db8::1'], list(['2001:db8:1::/48'], { afi: 2 }))
  ], ['10.0.0.0/8'], ['10.9.0.0/16'])
  msg.error = new BgpDecodeError(3, 11, 'malformed AS_PATH', { action: ErrorAction.TREAT_AS_WITHDRAW, attributeType: 2 })
  const record = updateToRecord(msg, META)
  assert.deepEqual(record.announce, [])
  assert.deepEqual(record.withdraw, [{ prefixes: ['10.9.0.0/16', '10.0.0.0/8', '2001:db8:1::/48'] }])
  assert.deepEqual(record.attrs, {})
  assert.deepEqual(record.error, { action: 'treat-as-withdraw', code: 3, subcode: 11, attr: 2, message: 'malformed AS_PATH' })
  valid(record)
})

test('RFC 7606 attribute discard: the discarded attribute is left out, the route kept', () => {
  const msg = update([
    attr.origin(0),
    attr.nextHop('192.0.2.1'),
    attr.unknown(7, [1, 2, 3]), // a malformed AGGREGATOR, discarded by the codec
    attr.unknown(250, [9])
  ], ['10.0.0.0/8'])
  msg.error = new BgpDecodeError(3, 5, 'AGGREGATOR length 3', { action: ErrorAction.ATTRIBUTE_DISCARD, attributeType: 7 })
  const record = updateToRecord(msg, META)
  assert.deepEqual(record.announce, [{ next_hop: '192.0.2.1', prefixes: ['10.0.0.0/8'] }])
  assert.deepEqual(record.attrs, { origin: 'IGP', unknown: [{ code: 250, flags: 0xc0, value: '09' }] })
  assert.equal(record.error?.action, 'attribute-discard')
  valid(record)
})

test('MP_REACH of a family records do not carry is kept whole as an unknown attribute', () => {
  const record = updateToRecord(update([
    attr.mpReach(1, 128, [], null, { nextHopBytes: [0, 0, 0, 0, 0, 0, 0, 0, 192, 0, 2, 1], nlriBytes: [0x70, 1, 2] }),
    attr.mpUnreach(25, 70, null, [1, 2])
  ]), META)
  assert.deepEqual(record.announce, [])
  assert.deepEqual(record.attrs.unknown, [
    { code: 14, flags: 0x80, value: '0001800c' + '0000000000000000c0000201' + '00' + '700102' },
    { code: 15, flags: 0x80, value: '00194601' + '02' }
  ])
  valid(record)
})

test('BMP router fields pass through in canonical position', () => {
  const record = updateToRecord(update([attr.nextHop('192.0.2.1')], ['10.0.0.0/8']), {
    ...META,
    router: { ip: '198.51.100.9', asn: 64999, name: 'r1', view: 'adj-rib-in-post' }
  })
  assert.deepEqual(Object.keys(record), ['type', 'time_us', 'source', 'vp', 'router', 'announce', 'withdraw', 'attrs'])
  valid(record)
})

test('an UPDATE with a session-reset error makes no record: its error is thrown', () => {
  const msg = update([attr.origin(0), attr.nextHop('192.0.2.1')], ['10.0.0.0/8'])
  const error = new BgpDecodeError(3, 10, 'NLRI field is malformed', { action: ErrorAction.SESSION_RESET })
  msg.error = error
  assert.throws(() => updateToRecord(msg, META), (err: unknown) => err === error)
})
