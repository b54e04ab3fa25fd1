import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Frame, UpdateFrame } from '../../src/matcher/frame.ts'
import { Matcher, PrefixListError } from '../../src/matcher/matcher.ts'
import type { KeyFrame } from '../../src/matcher/matcher.ts'
import { BMP_META, ann, peerState, updateRecord, wd } from './helpers.ts'

/** keyId -> list of [kind, prefixes] in delivery order. */
function summary (frames: KeyFrame[]): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const { keyId, text } of frames) {
    const frame = JSON.parse(text) as Frame
    const f = frame as UpdateFrame
    const line = f.prefixes !== undefined ? 'A ' + f.prefixes : f.withdrawn !== undefined ? 'W ' + f.withdrawn : 'P ' + frame.record_type
    ;(out[keyId] ??= []).push(line)
  }
  return out
}

function matcherWith (keys: Record<string, string[]>): Matcher {
  const m = new Matcher()
  for (const [id, prefixes] of Object.entries(keys)) m.setKeyPrefixes(id, prefixes)
  return m
}

test('each key gets only its own matching prefixes, equal or more specific', () => {
  const m = matcherWith({
    a: ['10.0.0.0/8'],
    b: ['10.1.0.0/16', '2001:db8::/32'],
    c: ['10.1.2.0/24'],
    d: ['192.0.2.0/24']
  })
  const record = updateRecord([ann(['10.1.2.0/24', '10.2.0.0/16', '10.0.0.0/7', '2001:db8:1::/48', '203.0.113.0/24'])])
  assert.deepEqual(summary(m.match(record)), {
    a: ['A 10.1.2.0/24,10.2.0.0/16'],
    b: ['A 10.1.2.0/24,2001:db8:1::/48'],
    c: ['A 10.1.2.0/24']
  })
})

test('an UPDATE that withdraws and announces for a key gives withdrawals first, then one frame per next hop', () => {
  const m = matcherWith({ k: ['10.0.0.0/8'], other: ['10.9.0.0/16'] })
  const record = updateRecord(
    [ann(['10.1.0.0/16', '192.0.2.0/24'], '192.0.2.1'), ann(['10.2.0.0/16'], '192.0.2.2'), ann(['198.51.100.0/24'], '192.0.2.3')],
    [wd(['10.3.0.0/16', '203.0.113.0/24', '10.4.0.0/16'])])
  const frames = m.match(record)
  assert.deepEqual(summary(frames), { k: ['W 10.3.0.0/16,10.4.0.0/16', 'A 10.1.0.0/16', 'A 10.2.0.0/16'] })
  const [w, a1, a2] = frames.map((f) => JSON.parse(f.text) as UpdateFrame)
  assert.equal(w.nexthop, undefined)
  assert.equal(w['as-path'], undefined)
  assert.equal(a1.nexthop, '192.0.2.1')
  assert.equal(a2.nexthop, '192.0.2.2')
  assert.equal(a1['as-path'], '64500 2914 {64496,64497}')
})

test('a prefix covered by two of a key\'s prefixes appears once in its frame', () => {
  const m = matcherWith({ k: ['10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24'] })
  assert.deepEqual(summary(m.match(updateRecord([ann(['10.1.2.0/24', '10.1.3.0/24'])]))), { k: ['A 10.1.2.0/24,10.1.3.0/24'] })
})

test('a key with no matching prefix gets nothing; so does a record with no prefix (End-of-RIB)', () => {
  const m = matcherWith({ k: ['10.0.0.0/8'] })
  assert.deepEqual(m.match(updateRecord([ann(['11.0.0.0/8'])])), [])
  assert.deepEqual(m.match(updateRecord([], [])), [])
  assert.deepEqual(new Matcher().match(updateRecord([ann(['10.0.0.0/8'])])), [])
})

test('multicast groups are not matched', () => {
  const m = matcherWith({ k: ['10.0.0.0/8'] })
  const record = updateRecord([ann(['10.1.0.0/16'], '192.0.2.1', { family: 'ipv4-multicast' }), ann(['10.2.0.0/16'])],
    [wd(['10.3.0.0/16'], { family: 'ipv4-multicast' })])
  assert.deepEqual(summary(m.match(record)), { k: ['A 10.2.0.0/16'] })
  assert.equal(m.stats.multicastGroups, 2)
})

test('ADD-PATH path ids follow their prefixes, and a prefix sent on two paths stays twice', () => {
  const m = matcherWith({ k: ['10.0.0.0/8'] })
  const record = updateRecord([ann(['10.1.0.0/16', '11.0.0.0/8', '10.1.0.0/16'], '192.0.2.1', { path_ids: [1, 2, 3] })],
    [wd(['10.5.0.0/16'], { path_ids: [9] })])
  const frames = m.match(record).map((f) => JSON.parse(f.text) as UpdateFrame)
  assert.equal(frames[0].withdrawn, '10.5.0.0/16')
  assert.equal(frames[0].path_ids, '9')
  assert.equal(frames[1].prefixes, '10.1.0.0/16,10.1.0.0/16')
  assert.equal(frames[1].path_ids, '1,3')
})

test('setKeyPrefixes replaces the list at once; removeKey and an empty list drop the key', () => {
  const m = matcherWith({ k: ['10.0.0.0/8'] })
  const r10 = updateRecord([ann(['10.1.0.0/16'])])
  const r11 = updateRecord([ann(['11.1.0.0/16'])])
  assert.equal(m.match(r10).length, 1)
  assert.deepEqual(m.setKeyPrefixes('k', ['11.0.0.0/8']), ['11.0.0.0/8'])
  assert.equal(m.match(r10).length, 0)
  assert.equal(m.match(r11).length, 1)
  assert.deepEqual(m.setKeyPrefixes('k', []), [])
  assert.equal(m.match(r11).length, 0)
  assert.equal(m.stats.keys, 0)
  m.setKeyPrefixes('k', ['11.0.0.0/8'])
  assert.equal(m.removeKey('k'), true)
  assert.equal(m.removeKey('k'), false)
  assert.equal(m.match(r11).length, 0)
  assert.equal(m.stats.associations, 0)
})

test('key prefixes are canonicalised and deduplicated; bad lists are refused whole', () => {
  const m = new Matcher({ maxPrefixesPerKey: 3 })
  assert.deepEqual(m.setKeyPrefixes('k', ['10.1.2.3/8', '10.0.0.0/8', '2001:DB8:0::/32']), ['10.0.0.0/8', '2001:db8::/32'])
  assert.deepEqual(m.keyPrefixes('k'), ['10.0.0.0/8', '2001:db8::/32'])
  assert.throws(() => m.setKeyPrefixes('k', ['10.0.0.0/8', 'nonsense']), PrefixListError)
  assert.throws(() => m.setKeyPrefixes('k', ['1.0.0.0/8', '2.0.0.0/8', '3.0.0.0/8', '4.0.0.0/8']), /more than the 3 allowed/)
  assert.deepEqual(m.keyPrefixes('k'), ['10.0.0.0/8', '2001:db8::/32'])
  assert.deepEqual(m.keysFor('10.1.0.0/16'), ['k'])
  assert.deepEqual(m.keysFor('2001:db8::/31'), [])
})

test('peer up and down go to every key with prefixes; other state changes to nobody', () => {
  const m = matcherWith({ a: ['10.0.0.0/8'], b: ['2001:db8::/32'] })
  m.setKeyPrefixes('empty', [])
  assert.deepEqual(summary(m.match(peerState('Established', 'Idle'))), { a: ['P peer_state'], b: ['P peer_state'] })
  assert.deepEqual(summary(m.match(peerState('OpenConfirm', 'Established', BMP_META))), { a: ['P bmp_peer_state'], b: ['P bmp_peer_state'] })
  assert.deepEqual(m.match(peerState('Active', 'Connect')), [])
  assert.deepEqual(m.match(peerState('Established', 'Established')), [])
  assert.equal(m.stats.peerStatesIgnored, 2)
})

test('records with unparsable prefixes are counted, not fatal', () => {
  const m = matcherWith({ k: ['10.0.0.0/8'] })
  assert.deepEqual(summary(m.match(updateRecord([ann(['junk', '10.1.0.0/16'])]))), { k: ['A 10.1.0.0/16'] })
  assert.equal(m.stats.badPrefixes, 1)
})

test('many keys on one record: frames stay separate per key, state does not leak between records', () => {
  const m = new Matcher()
  for (let i = 0; i < 300; i++) m.setKeyPrefixes('k' + i, [`10.${i % 256}.0.0/16`, '172.16.0.0/12'])
  const first = m.match(updateRecord([ann(['10.7.1.0/24', '172.16.5.0/24'])]))
  assert.equal(first.length, 300)
  const withTen = first.filter((f) => (JSON.parse(f.text) as UpdateFrame).prefixes === '10.7.1.0/24,172.16.5.0/24').map((f) => f.keyId).sort()
  assert.deepEqual(withTen, ['k263', 'k7'])
  const second = m.match(updateRecord([ann(['10.7.2.0/24'])]))
  assert.deepEqual(second.map((f) => f.keyId).sort(), ['k263', 'k7'])
  assert.equal((JSON.parse(second[0].text) as UpdateFrame).prefixes, '10.7.2.0/24')
})
