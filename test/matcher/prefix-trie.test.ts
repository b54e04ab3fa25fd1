import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatPrefixBits, parsePrefix, wordMask } from '../../src/matcher/prefix-bits.ts'
import type { PrefixBits } from '../../src/matcher/prefix-bits.ts'
import { PrefixTrie } from '../../src/matcher/prefix-trie.ts'
import { rng } from './helpers.ts'

function bits (text: string): PrefixBits {
  const b = parsePrefix(text)
  if (b === null) throw new Error('bad test prefix ' + text)
  return b
}

/** The trie's counts, without the allocation size. */
function counts<V> (trie: PrefixTrie<V>): { prefixes: number, entries: number, nodes: number } {
  const { prefixes, entries, nodes } = trie.stats
  return { prefixes, entries, nodes }
}

function lookup<V> (trie: PrefixTrie<V>, text: string): V[] {
  const out: V[] = []
  assert.equal(trie.collect(bits(text), out), out.length)
  return out
}

/** Brute force: `key` equals or covers `q`. */
function covers (key: PrefixBits, q: PrefixBits): boolean {
  if (key.v6 !== q.v6 || key.len > q.len) return false
  const words = [[key.w0, q.w0], [key.w1, q.w1], [key.w2, q.w2], [key.w3, q.w3]]
  for (let i = 0; i < 4; i++) {
    const m = wordMask(key.len - 32 * i)
    if (((words[i][0] ^ words[i][1]) & m) !== 0) return false
  }
  return true
}

test('a query finds the equal and the less specific prefixes, not the more specific ones', () => {
  const trie = new PrefixTrie<string>(32)
  trie.insert(bits('10.0.0.0/8'), 'eight')
  trie.insert(bits('10.1.0.0/16'), 'sixteen')
  trie.insert(bits('10.1.2.0/24'), 'twenty-four')
  trie.insert(bits('10.1.3.0/24'), 'other-24')
  trie.insert(bits('11.0.0.0/8'), 'eleven')
  assert.deepEqual(lookup(trie, '10.1.2.0/24'), ['eight', 'sixteen', 'twenty-four'])
  assert.deepEqual(lookup(trie, '10.1.2.128/25'), ['eight', 'sixteen', 'twenty-four'])
  assert.deepEqual(lookup(trie, '10.1.0.0/16'), ['eight', 'sixteen'])
  assert.deepEqual(lookup(trie, '10.0.0.0/7'), [])
  assert.deepEqual(lookup(trie, '10.2.0.0/16'), ['eight'])
  assert.deepEqual(lookup(trie, '12.0.0.0/8'), [])
  assert.deepEqual(lookup(trie, '0.0.0.0/0'), [])
  trie.insert(bits('0.0.0.0/0'), 'default')
  assert.deepEqual(lookup(trie, '12.0.0.0/8'), ['default'])
  assert.deepEqual(lookup(trie, '0.0.0.0/0'), ['default'])
  assert.equal(trie.covers(bits('10.9.9.0/24')), true)
})

test('several values share a prefix; a value is stored once per prefix', () => {
  const trie = new PrefixTrie<number>(128)
  assert.equal(trie.insert(bits('2001:db8::/32'), 1), true)
  assert.equal(trie.insert(bits('2001:db8::/32'), 2), true)
  assert.equal(trie.insert(bits('2001:db8::/32'), 1), false)
  assert.deepEqual(lookup(trie, '2001:db8:1::/48').sort(), [1, 2])
  assert.deepEqual(trie.exact(bits('2001:db8::/32')).sort(), [1, 2])
  assert.deepEqual(counts(trie), { prefixes: 1, entries: 2, nodes: 2 })
  assert.equal(trie.remove(bits('2001:db8::/32'), 3), false)
  assert.equal(trie.remove(bits('2001:db8::/33'), 1), false)
  assert.equal(trie.remove(bits('2001:db8::/32'), 1), true)
  assert.deepEqual(lookup(trie, '2001:db8:1::/48'), [2])
})

test('IPv4 and IPv6 are kept apart: a trie refuses the other family', () => {
  const v4 = new PrefixTrie<string>(32)
  const v6 = new PrefixTrie<string>(128)
  v4.insert(bits('0.0.0.0/0'), 'all-v4')
  v6.insert(bits('::/0'), 'all-v6')
  assert.throws(() => v4.insert(bits('::/0'), 'x'), RangeError)
  assert.throws(() => v6.insert(bits('0.0.0.0/0'), 'x'), RangeError)
  assert.deepEqual(lookup(v4, '192.0.2.0/24'), ['all-v4'])
  assert.deepEqual(lookup(v6, '::ffff:192.0.2.0/120'), ['all-v6'])
  // The same leading bits in the other family match nothing of this one.
  v6.insert(bits('c000::/2'), 'c000')
  assert.deepEqual(lookup(v4, '192.0.0.0/2'), ['all-v4'])
})

test('removing everything leaves only the root; glue nodes are spliced out', () => {
  const trie = new PrefixTrie<number>(32)
  const texts = ['10.0.0.0/8', '10.128.0.0/9', '10.0.0.0/9', '10.64.0.0/10', '10.0.0.0/24', '0.0.0.0/0', '10.0.0.128/25']
  texts.forEach((t, i) => trie.insert(bits(t), i))
  assert.equal(trie.stats.prefixes, texts.length)
  assert.ok(trie.stats.nodes <= 2 * texts.length + 1)
  for (const [i, t] of texts.entries()) {
    assert.equal(trie.remove(bits(t), i), true, t)
    for (const [j, u] of texts.entries()) {
      if (j <= i) continue
      assert.ok(lookup(trie, u).includes(j), `${u} still found after removing ${t}`)
    }
    assert.ok(trie.stats.nodes <= 2 * (texts.length - i - 1) + 1, `nodes bounded after removing ${t}`)
  }
  assert.deepEqual(counts(trie), { prefixes: 0, entries: 0, nodes: 1 })
})

/**
 * A random prefix near one of a few base addresses (a few bits flipped anywhere), so that prefixes
 * nest and part at every depth, in every word.
 */
function randomBits (random: () => number, v6: boolean, bases: number[][]): PrefixBits {
  const max = v6 ? 128 : 32
  const len = Math.floor(random() * (max + 1))
  const words = bases[Math.floor(random() * bases.length)].slice()
  const flips = Math.floor(random() * 3)
  for (let f = 0; f < flips; f++) {
    const pos = Math.floor(random() * max)
    words[pos >>> 5] ^= 1 << (31 - (pos & 31))
  }
  const b = { v6, len, w0: words[0] | 0, w1: v6 ? words[1] | 0 : 0, w2: v6 ? words[2] | 0 : 0, w3: v6 ? words[3] | 0 : 0 }
  return bits(formatPrefixBits(b))
}

for (const v6 of [false, true]) {
  test(`matches a brute-force reference on random ${v6 ? 'IPv6' : 'IPv4'} prefixes, through inserts and removes`, () => {
    const random = rng(v6 ? 6 : 4)
    const trie = new PrefixTrie<number>(v6 ? 128 : 32)
    const bases = Array.from({ length: 4 }, () => Array.from({ length: 4 }, () => Math.floor(random() * 2 ** 32)))
    const stored: Array<{ b: PrefixBits, v: number }> = []
    let nonEmpty = 0
    let deep = 0
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 400; i++) {
        const b = randomBits(random, v6, bases)
        const v = Math.floor(random() * 50)
        const fresh = !stored.some((s) => s.v === v && s.b.len === b.len && covers(s.b, b))
        assert.equal(trie.insert(b, v), fresh)
        if (fresh) stored.push({ b, v })
      }
      // Remove about a third, and some that are not there.
      for (let i = stored.length - 1; i >= 0; i--) {
        if (random() < 0.33) {
          assert.equal(trie.remove(stored[i].b, stored[i].v), true)
          assert.equal(trie.remove(stored[i].b, stored[i].v), false)
          stored.splice(i, 1)
        }
      }
      const distinct = new Set(stored.map((s) => formatPrefixBits(s.b)))
      assert.deepEqual(trie.stats.prefixes, distinct.size)
      assert.deepEqual(trie.stats.entries, stored.length)
      assert.ok(trie.stats.nodes <= 2 * distinct.size + 1)
      for (let i = 0; i < 600; i++) {
        const q = i % 3 === 0 && stored.length > 0 ? stored[Math.floor(random() * stored.length)].b : randomBits(random, v6, bases)
        const expected = stored.filter((s) => covers(s.b, q)).map((s) => s.v).sort((a, b) => a - b)
        const got: number[] = []
        trie.collect(q, got)
        assert.deepEqual(got.sort((a, b) => a - b), expected, formatPrefixBits(q))
        assert.equal(trie.covers(q), expected.length > 0)
        if (expected.length > 0) nonEmpty++
        if (expected.length > 2) deep++
      }
    }
    // The reference must have had something to say: many hits, and nested ones.
    assert.ok(nonEmpty > 1000, `only ${nonEmpty} queries matched`)
    assert.ok(deep > 200, `only ${deep} queries matched 3 or more`)
    for (const s of stored) assert.equal(trie.remove(s.b, s.v), true)
    assert.deepEqual(counts(trie), { prefixes: 0, entries: 0, nodes: 1 })
  })
}

test('results come least specific first', () => {
  const trie = new PrefixTrie<string>(32)
  for (const t of ['10.1.2.0/24', '10.0.0.0/8', '10.1.0.0/16']) trie.insert(bits(t), t)
  assert.deepEqual(lookup(trie, '10.1.2.3/32'), ['10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24'])
})

test('many values on one prefix are removed in any order (indexed past a threshold)', () => {
  const trie = new PrefixTrie<number>(32)
  const p = bits('192.0.2.0/24')
  for (let v = 0; v < 100; v++) trie.insert(p, v)
  const random = rng(3)
  const order = [...Array(100).keys()].sort(() => random() - 0.5)
  for (const [i, v] of order.entries()) {
    assert.equal(trie.insert(p, v), false)
    assert.equal(trie.remove(p, v), true)
    assert.equal(trie.remove(p, v), false)
    assert.deepEqual(lookup(trie, '192.0.2.0/24').sort((a, b) => a - b), order.slice(i + 1).sort((a, b) => a - b))
  }
  assert.deepEqual(counts(trie), { prefixes: 0, entries: 0, nodes: 1 })
})

test('entries() lists every stored prefix and clear() empties the trie', () => {
  const trie = new PrefixTrie<number>(32)
  trie.insert(bits('10.0.0.0/8'), 1)
  trie.insert(bits('10.128.0.0/9'), 2)
  trie.insert(bits('10.0.0.0/9'), 3)
  assert.deepEqual([...trie.entries()].map((e) => formatPrefixBits(e.bits)), ['10.0.0.0/8', '10.0.0.0/9', '10.128.0.0/9'])
  trie.clear()
  assert.deepEqual(counts(trie), { prefixes: 0, entries: 0, nodes: 1 })
  assert.deepEqual(lookup(trie, '10.0.0.0/24'), [])
})
