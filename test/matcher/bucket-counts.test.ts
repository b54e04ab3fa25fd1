import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BucketCounts } from '../../src/matcher/bucket-counts.ts'
import { parsePrefix } from '../../src/matcher/prefix-bits.ts'
import type { PrefixBits } from '../../src/matcher/prefix-bits.ts'
import { PrefixTrie } from '../../src/matcher/prefix-trie.ts'

function bits (text: string): PrefixBits {
  const b = parsePrefix(text)
  if (b === null) throw new Error('bad test prefix ' + text)
  return b
}

/** The queries of `texts` the index lets through to the walk. */
function passed (counts: BucketCounts, texts: string[]): string[] {
  return texts.filter((t) => counts.mayCover(bits(t)))
}

test('IPv4: a /16 bucket passes queries in it and nothing else, until its prefix goes', () => {
  const counts = new BucketCounts(16)
  const queries = ['192.0.2.0/24', '192.0.0.0/16', '192.1.0.0/24', '10.0.0.0/8', '203.0.113.7/32']
  assert.deepEqual(passed(counts, queries), ['10.0.0.0/8'], 'a query shorter than a bucket always walks')
  counts.change(bits('192.0.2.0/24'), 1)
  assert.deepEqual(passed(counts, queries), ['192.0.2.0/24', '192.0.0.0/16', '10.0.0.0/8'])
  counts.change(bits('192.0.2.0/24'), -1)
  assert.deepEqual(passed(counts, queries), ['10.0.0.0/8'])
})

test('IPv4: a prefix shorter than /16 counts in every /16 it covers, and leaves them all', () => {
  const counts = new BucketCounts(16)
  counts.change(bits('198.18.0.0/15'), 1)
  assert.deepEqual(passed(counts, ['198.18.5.0/24', '198.19.255.0/24', '198.17.0.0/24', '198.20.0.0/24']), ['198.18.5.0/24', '198.19.255.0/24'])
  counts.change(bits('0.0.0.0/0'), 1)
  assert.deepEqual(passed(counts, ['1.2.3.0/24', '255.255.255.255/32']), ['1.2.3.0/24', '255.255.255.255/32'])
  counts.change(bits('0.0.0.0/0'), -1)
  counts.change(bits('198.18.0.0/15'), -1)
  assert.deepEqual(passed(counts, ['198.18.5.0/24', '198.19.255.0/24', '1.2.3.0/24']), [])
})

test('IPv6: /32 buckets, spread from /16, and shorter prefixes turn the index off while stored', () => {
  const counts = new BucketCounts(32)
  counts.change(bits('2001:db8:1234::/48'), 1)
  counts.change(bits('2001:db8:1234::/48'), 1)
  assert.deepEqual(passed(counts, ['2001:db8::/32', '2001:db8:ffff::/48', '2001:db9::/48']), ['2001:db8::/32', '2001:db8:ffff::/48'])
  counts.change(bits('2001:db8:1234::/48'), -1)
  assert.deepEqual(passed(counts, ['2001:db8:ffff::/48']), ['2001:db8:ffff::/48'], 'one of two stored is left')
  counts.change(bits('2001:db8:1234::/48'), -1)
  assert.deepEqual(passed(counts, ['2001:db8:ffff::/48']), [])

  counts.change(bits('2a00::/19'), 1)
  assert.deepEqual(passed(counts, ['2a00:1fff::/32', '2a00:2000::/32']), ['2a00:1fff::/32'])
  counts.change(bits('2a00::/19'), -1)
  counts.change(bits('2000::/8'), 1)
  assert.deepEqual(passed(counts, ['3fff::/48', '2001:db9::/48']), ['3fff::/48', '2001:db9::/48'])
  counts.change(bits('2000::/8'), -1)
  assert.deepEqual(passed(counts, ['3fff::/48', '2001:db9::/48']), [])
})

test('clear forgets every prefix', () => {
  for (const [len, stored, query] of [[16, '192.0.2.0/24', '192.0.2.0/25'], [32, '2001:db8::/48', '2001:db8::/48'], [32, '::/0', '2001:db8::/48']] as const) {
    const counts = new BucketCounts(len)
    counts.change(bits(stored), 1)
    assert.equal(counts.mayCover(bits(query)), true)
    counts.clear()
    assert.equal(counts.mayCover(bits(query)), false, stored)
  }
})

test('a trie answers from its buckets: an emptied bucket matches nothing, a short prefix still matches', () => {
  const trie = new PrefixTrie<string>(32)
  trie.insert(bits('192.0.2.0/24'), 'a')
  trie.insert(bits('10.0.0.0/8'), 'b')
  const out: string[] = []
  assert.equal(trie.collect(bits('192.0.2.128/25'), out), 1)
  assert.equal(trie.collect(bits('10.200.0.0/16'), out), 1)
  assert.deepEqual(out, ['a', 'b'])
  trie.remove(bits('192.0.2.0/24'), 'a')
  assert.equal(trie.collect(bits('192.0.2.128/25'), []), 0)
  assert.equal(trie.covers(bits('10.200.1.0/24')), true)
})

test('a short prefix given with host bits set counts from its first bucket, as the trie stores it', () => {
  const trie = new PrefixTrie<string>(32)
  // 10.1.2.3/8: the trie keeps 10.0.0.0/8.
  const unmasked: PrefixBits = { v6: false, len: 8, w0: 0x0a010203, w1: 0, w2: 0, w3: 0 }
  trie.insert(unmasked, 'ten')
  assert.deepEqual(['10.0.0.0/16', '10.200.0.0/16', '10.255.255.0/24'].map((t) => trie.collect(bits(t), [])), [1, 1, 1])
  assert.equal(trie.remove(unmasked, 'ten'), true)
  assert.equal(trie.collect(bits('10.0.0.0/16'), []), 0)
})
