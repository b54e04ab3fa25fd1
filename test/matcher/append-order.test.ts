import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AppendOrder } from '../../src/matcher/append-order.ts'

function drain (order: AppendOrder<string>): Array<[string, number]> {
  const out: Array<[string, number]> = []
  for (let item = order.peekItem(); item !== undefined; item = order.peekItem()) {
    out.push([item, order.peekValue()])
    order.shift()
  }
  return out
}

test('pairs come out in the order they went in, across many chunks, with pushes between shifts', () => {
  const order = new AppendOrder<string>()
  const expected: Array<[string, number]> = []
  let next = 0
  let got: Array<[string, number]> = []
  // 50,000 pairs (several chunks of 8,192), shifting a third of the way through each round.
  for (let round = 0; round < 5; round++) {
    for (let i = 0; i < 10_000; i++) {
      order.push('k' + String(next % 7), next)
      expected.push(['k' + String(next % 7), next])
      next++
    }
    for (let i = 0; i < 3_000; i++) {
      got.push([order.peekItem() as string, order.peekValue()])
      order.shift()
    }
  }
  assert.equal(order.length, 50_000 - 15_000)
  got = got.concat(drain(order))
  assert.deepEqual(got, expected)
  assert.equal(order.length, 0)
  assert.equal(order.peekItem(), undefined)
  order.shift() // empty: nothing happens
  order.push('again', 1)
  assert.deepEqual(drain(order), [['again', 1]])
})

test('filter keeps the pairs it is true of, in order, from wherever the head is', () => {
  const order = new AppendOrder<string>()
  for (let i = 0; i < 20_000; i++) order.push(i % 2 === 0 ? 'even' : 'odd', i)
  for (let i = 0; i < 9_001; i++) order.shift()
  order.filter((item, value) => item === 'even' && value % 3 === 0)
  const kept = drain(order)
  const expected: Array<[string, number]> = []
  for (let i = 9_001; i < 20_000; i++) if (i % 2 === 0 && i % 3 === 0) expected.push(['even', i])
  assert.deepEqual(kept, expected)
})
