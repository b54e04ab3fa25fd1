import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { RateLimiter } from '../../src/api/rate-limiter.ts'

describe('RateLimiter', () => {
  it('lets a client burst its per-minute allowance, then says how long to wait', () => {
    const limiter = new RateLimiter({ perMinute: 3 })
    assert.deepEqual([0, 1, 2, 3].map(() => limiter.take('a', 0)), [0, 0, 0, 20])
    assert.equal(limiter.take('b', 0), 0, 'each client has its own bucket')
  })

  it('refills at the per-minute rate, never beyond a full bucket', () => {
    const limiter = new RateLimiter({ perMinute: 60 })
    for (let i = 0; i < 60; i++) assert.equal(limiter.take('a', 0), 0)
    assert.equal(limiter.take('a', 0), 1)
    assert.equal(limiter.take('a', 999), 1)
    assert.equal(limiter.take('a', 1000), 0)
    // An hour of quiet gives back one minute's worth, not sixty.
    const later = 3_600_000
    for (let i = 0; i < 60; i++) assert.equal(limiter.take('a', later), 0)
    assert.equal(limiter.take('a', later), 1)
  })

  it('rounds the wait up to whole seconds, at least 1', () => {
    const limiter = new RateLimiter({ perMinute: 7 })
    for (let i = 0; i < 7; i++) limiter.take('a', 0)
    assert.equal(limiter.take('a', 0), 9) // 60/7 = 8.57 s per token
    assert.equal(limiter.take('a', 8_500), 1)
  })

  it('refills nothing when the clock goes back', () => {
    const limiter = new RateLimiter({ perMinute: 1 })
    assert.equal(limiter.take('a', 120_000), 0)
    assert.equal(limiter.take('a', 0), 60)
    assert.equal(limiter.take('a', 120_000), 0)
  })

  it('remembers at most maxEntries clients, forgetting the least recently seen', () => {
    const limiter = new RateLimiter({ perMinute: 1, maxEntries: 2 })
    limiter.take('a', 0)
    limiter.take('b', 0)
    assert.ok(limiter.take('a', 0) > 0, 'a is limited, and now the most recently seen')
    limiter.take('c', 0)
    assert.equal(limiter.size, 2)
    assert.ok(limiter.take('a', 0) > 0, 'a was kept')
    assert.equal(limiter.take('b', 0), 0, 'b was forgotten, so it starts again with a full bucket')
  })

  it('refuses limits that are not positive', () => {
    assert.throws(() => new RateLimiter({ perMinute: 0 }), RangeError)
    assert.throws(() => new RateLimiter({ perMinute: Number.NaN }), RangeError)
    assert.throws(() => new RateLimiter({ perMinute: 1, maxEntries: 0 }), RangeError)
  })
})
