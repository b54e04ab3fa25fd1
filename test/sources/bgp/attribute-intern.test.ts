import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AttributeInterner } from '../../../src/sources/bgp/attribute-intern.ts'
import { seededRandom } from '../../helpers/seeded-random.ts'

/** Random octets, 1 to 300 long (attribute keys are tens to hundreds of octets). */
function randomKey (random: () => number): Uint8Array {
  const key = new Uint8Array(1 + Math.floor(random() * 300))
  for (let i = 0; i < key.length; i++) key[i] = Math.floor(random() * 256)
  return key
}

const hex = (key: Uint8Array): string => Buffer.from(key).toString('hex')

test('octet sets survive the arena\'s compactions: each live set is found again under its number, the dead are gone', () => {
  const random = seededRandom(7)
  const interner = new AttributeInterner()
  // The model: key (hex) -> [set number, octets, asn4] of every live set.
  const live = new Map<string, [number, Uint8Array, boolean]>()
  for (let round = 0; round < 40; round++) {
    // Churn: ~2,000 new sets, then about half of all live sets released, as a table transfer
    // followed by updates does; the arena (64 KiB at first) fills and is compacted many times.
    for (let i = 0; i < 2000; i++) {
      const key = randomKey(random)
      const asn4 = random() < 0.5
      const id = interner.acquireOctets(key, key.length, asn4, false)
      const k = hex(key) + (asn4 ? '/4' : '/2')
      const known = live.get(k)
      if (known !== undefined) {
        assert.equal(id, known[0])
      } else {
        live.set(k, [id, key, asn4])
      }
      interner.retain(id, 1)
    }
    for (const [k, [id]] of live) {
      if (random() < 0.5) continue
      while (interner.references(id) > 0) interner.release(id)
      live.delete(k)
    }
    // Every live set is found again (its octets intact at their new place), with its number.
    for (const [, [id, key, asn4]] of live) {
      assert.equal(interner.acquireOctets(key, key.length, asn4, false), id)
      assert.ok(interner.references(id) > 0)
    }
    assert.equal(interner.size, live.size)
    // Dead sets' octets are reclaimed: the arena stays within a small multiple of the live ones.
    let liveBytes = 0
    for (const [, [, key]] of live) liveBytes += 8 + key.length
    const arena = interner.arenaBytes
    assert.equal(arena.live, liveBytes)
    assert.ok(arena.allocated <= 4 * liveBytes + 65_536, `arena ${arena.allocated} octets for ${liveBytes} live`)
  }
  assert.ok(live.size > 1000, `${live.size} live sets`)
  // The same octets under another kind (2- vs 4-octet ASNs, NLRI vs MP_REACH) are another set.
  const [[, [id, key, asn4]]] = [...live]
  const other = interner.acquireOctets(key, key.length, !asn4, false)
  assert.notEqual(other, id)
  assert.notEqual(interner.acquireOctets(key, key.length, asn4, true), id)
  interner.releaseIfUnused(other)
})
