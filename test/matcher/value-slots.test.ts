import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ValueSlots } from '../../src/matcher/value-slots.ts'
import { rng } from './helpers.ts'

test('slots hold sets of values through random adds and removes, small and indexed', () => {
  const random = rng(21)
  const slots = new ValueSlots<number>()
  const reference = new Map<number, Set<number>>()
  for (let step = 0; step < 20_000; step++) {
    const open = [...reference.keys()]
    if (open.length === 0 || random() < 0.02) {
      const v = Math.floor(random() * 64)
      reference.set(slots.open(v), new Set([v]))
      continue
    }
    const slot = open[Math.floor(random() * open.length)]
    const set = reference.get(slot) as Set<number>
    const v = Math.floor(random() * 64)
    if (random() < 0.55) {
      assert.equal(slots.add(slot, v), !set.has(v))
      set.add(v)
    } else {
      const outcome = slots.remove(slot, v)
      if (!set.has(v)) assert.equal(outcome, 'absent')
      else {
        set.delete(v)
        assert.equal(outcome, set.size === 0 ? 'emptied' : 'removed')
        if (set.size === 0) reference.delete(slot)
      }
    }
    if (reference.has(slot)) {
      const got: number[] = []
      assert.equal(slots.collect(slot, got), set.size)
      assert.deepEqual(got.sort((a, b) => a - b), [...set].sort((a, b) => a - b))
    }
  }
  // Large sets were reached, so the index was used.
  assert.ok([...reference.values()].some((s) => s.size > 16))
})

test('an emptied slot is reused', () => {
  const slots = new ValueSlots<string>()
  const a = slots.open('a')
  slots.open('b')
  assert.equal(slots.remove(a, 'a'), 'emptied')
  assert.equal(slots.open('c'), a)
  assert.deepEqual(slots.values(a), ['c'])
})
