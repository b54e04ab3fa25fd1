// Exponential backoff with full jitter, bounded; sleep stops on abort.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { backoffDelay, sleep } from '../src/backoff.ts'

it('grows exponentially up to the ceiling, jittered, never under the minimum', () => {
  const top = (attempt: number): number => backoffDelay(attempt, { baseMs: 100, maxMs: 5000, minMs: 10, random: () => 0.999999 })
  assert.deepEqual([0, 1, 2, 3, 10, 100].map(top), [99, 199, 399, 799, 4999, 4999])
  assert.equal(backoffDelay(5, { baseMs: 100, minMs: 10, random: () => 0 }), 10)
  for (let i = 0; i < 100; i++) {
    const d = backoffDelay(3, { baseMs: 100 })
    assert.ok(d >= 100 && d <= 800, String(d))
  }
})

it('sleep rejects when its signal aborts', async () => {
  const controller = new AbortController()
  const started = Date.now()
  setTimeout(() => { controller.abort() }, 20)
  await assert.rejects(sleep(10_000, controller.signal))
  assert.ok(Date.now() - started < 2000)
})
