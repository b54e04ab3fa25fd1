// The typed-array route table and the prefix keys it is addressed by.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { NO_PATH_ID, RouteTable } from '../../../src/sources/bgp/route-table.ts'
import { formatPrefixKey, parsePrefixText, readWireIpv4, readWirePrefix } from '../../../src/sources/bgp/prefix-key.ts'

/** Counts references released per value, as the attribute interner would. */
function owner (): { release: (v: number) => void, released: Map<number, number> } {
  const released = new Map<number, number>()
  return { release: (v) => { released.set(v, (released.get(v) ?? 0) + 1) }, released }
}

function at (table: RouteTable, prefix: string): number {
  return parsePrefixText(prefix, table.key)
}

test('prefix keys: text and wire octets give the same key, host bits cleared, canonical text back', () => {
  const key = new Uint32Array(4)
  assert.equal(parsePrefixText('10.1.2.3/8', key), 8)
  assert.equal(formatPrefixKey(key, 0, 1, 8), '10.0.0.0/8')
  assert.equal(readWireIpv4(Uint8Array.of(10, 1), 0, 9), parsePrefixText('10.0.0.0/9', key) === 9 ? key[0] : -1)
  assert.equal(readWireIpv4(Uint8Array.of(192, 0, 2, 255), 0, 25), (192 << 24 >>> 0) + (0 << 16) + (2 << 8) + 128)
  assert.equal(readWireIpv4(new Uint8Array(0), 0, 0), 0)
  for (const text of ['0.0.0.0/0', '255.255.255.255/32', '192.0.2.0/24', '2001:db8::/32', '::/0', '2001:db8:1:2:3:4:5:6/128', '::ffff:192.0.2.0/120', 'fe80::/10']) {
    const ipv6 = text.includes(':')
    const bits = parsePrefixText(text, key)
    assert.ok(bits >= 0, text)
    assert.equal(formatPrefixKey(key, 0, ipv6 ? 4 : 1, bits), text)
  }
  assert.equal(parsePrefixText('2001:db8:ffff::1/33', key), 33)
  assert.equal(formatPrefixKey(key, 0, 4, 33), '2001:db8:8000::/33')
  const wire = new Uint32Array(4)
  readWirePrefix(Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, 0xff), 0, 33, 4, wire)
  assert.deepEqual([...wire], [...key])
  for (const bad of ['10.0.0.0', '10.0.0.0/33', '10.0.0/8', '256.0.0.0/8', 'x/1', '2001:db8::/129', '/8', '10.0.0.0/']) {
    assert.equal(parsePrefixText(bad, key), -1, bad)
  }
})

test('set, replace, remove; references taken and released', () => {
  const o = owner()
  const t = new RouteTable(1, o)
  assert.equal(t.set(at(t, '10.0.0.0/8'), NO_PATH_ID, 1), 1)
  assert.equal(t.set(at(t, '10.0.0.0/8'), NO_PATH_ID, 1), 0, 'same route, same set: no new reference')
  assert.equal(t.set(at(t, '10.0.0.0/8'), NO_PATH_ID, 2), 1)
  assert.deepEqual([...o.released], [[1, 1]])
  assert.equal(t.set(at(t, '10.0.0.0/9'), NO_PATH_ID, 2), 1, 'another length is another prefix')
  assert.equal(t.size, 2)
  assert.equal(t.remove(at(t, '10.0.0.0/8'), NO_PATH_ID), 1)
  assert.equal(t.remove(at(t, '10.0.0.0/8'), NO_PATH_ID), 0)
  assert.deepEqual(t.find(at(t, '10.0.0.0/9')).map((s) => t.valueAt(s)), [2])
  assert.equal(t.size, 1)
})

test('ADD-PATH: paths by id; without an id a route replaces every path, with one it replaces a route without', () => {
  const o = owner()
  const t = new RouteTable(4, o)
  const bits = at(t, '2001:db8::/32')
  t.set(bits, 1, 10)
  t.set(bits, 2, 20)
  t.set(bits, 1, 11)
  assert.deepEqual(t.find(bits).map((s) => [t.pathIdAt(s), t.valueAt(s)]), [[1, 11], [2, 20]])
  assert.equal(t.set(bits, NO_PATH_ID, 30), 1)
  assert.deepEqual(t.find(bits).map((s) => [t.pathIdAt(s), t.valueAt(s)]), [[undefined, 30]])
  assert.equal(t.size, 1)
  t.set(bits, 7, 70)
  assert.deepEqual(t.find(bits).map((s) => [t.pathIdAt(s), t.valueAt(s)]), [[7, 70]])
  assert.deepEqual([...o.released].sort(), [[10, 1], [20, 1], [30, 1], [11, 1]].sort())
  // A withdrawal with a path id also takes a route without one; without an id, every path.
  t.set(bits, 8, 80)
  assert.equal(t.remove(bits, 8), 1)
  assert.equal(t.remove(bits, NO_PATH_ID), 1)
  assert.equal(t.size, 0)
})

test('stale flags: set un-stales, removeWhere takes the stale ones only', () => {
  const t = new RouteTable(1, owner())
  for (let i = 0; i < 100; i++) t.set(at(t, `10.${i}.0.0/16`), NO_PATH_ID, i)
  t.markAllStale()
  assert.equal(t.staleCount, 100)
  for (let i = 0; i < 100; i += 2) t.set(at(t, `10.${i}.0.0/16`), NO_PATH_ID, i)
  assert.equal(t.staleCount, 50)
  const gone: string[] = []
  t.removeWhere((s) => { gone.push(t.prefixAt(s)) }, (s) => t.isStaleAt(s))
  assert.equal(gone.length, 50)
  assert.ok(gone.every((p) => Number(p.split('.')[1]) % 2 === 1))
  assert.deepEqual([t.size, t.staleCount], [50, 0])
})

test('random operations against a Map: growth, shrinking and backward-shift deletion keep every route reachable', () => {
  let seed = 12345
  const random = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
    return (seed >>> 8) % n
  }
  for (const words of [1, 4]) {
    const o = owner()
    const t = new RouteTable(words, o)
    const model = new Map<string, number>()
    const text = (i: number): string => words === 1 ? `10.${i >> 8}.${i & 0xff}.0/${random(3) + 22}` : `2001:db8:${(i >> 4).toString(16)}:${(i & 15).toString(16)}::/64`
    for (let step = 0; step < 60000; step++) {
      const prefix = text(random(3000))
      const bits = at(t, prefix)
      const canonical = formatPrefixKey(t.key, 0, words, bits)
      if (step < 30000 ? random(4) > 0 : random(4) === 0) {
        const value = random(50)
        t.set(bits, NO_PATH_ID, value)
        model.set(canonical, value)
      } else {
        assert.equal(t.remove(bits, NO_PATH_ID), model.delete(canonical) ? 1 : 0)
      }
    }
    assert.equal(t.size, model.size)
    for (const [prefix, value] of model) assert.deepEqual(t.find(at(t, prefix)).map((s) => t.valueAt(s)), [value], prefix)
    const seen = new Map<string, number>()
    for (let s = 0; s < t.slots; s++) if (t.isUsed(s)) seen.set(t.prefixAt(s), t.valueAt(s))
    assert.deepEqual(seen, model)
  }
})
