import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { keyState } from '../../src/api/key-state.ts'
import type { KeyRecord } from '../../src/store/types.ts'

const HOUR = 3_600_000
const T0 = new Date('2026-11-27T00:00:00.000Z')
const at = (ms: number): Date => new Date(T0.getTime() + ms)

function record (overrides: Partial<KeyRecord>): KeyRecord {
  return {
    id: '0123456789ab',
    accountId: 'acct',
    label: 'noc',
    createdAt: T0,
    revokedAt: null,
    lastUsedAt: null,
    limits: { maxPrefixes: 10, maxSessions: 1 },
    prefixes: ['192.0.2.0/24'],
    prefixesUpdatedAt: null,
    ...overrides
  }
}

describe('keyState', () => {
  it('gives the public fields only, with times in ISO 8601', () => {
    assert.deepEqual(keyState(record({ lastUsedAt: at(HOUR), prefixesUpdatedAt: T0 }), 4 * HOUR, 2), {
      keyId: '0123456789ab',
      prefixes: ['192.0.2.0/24'],
      limits: { maxPrefixes: 10, maxSessions: 1 },
      lastUsedAt: at(HOUR).toISOString(),
      prefixesUpdatedAt: T0.toISOString(),
      idleTimeoutSeconds: 4 * 3600,
      expiresAt: at(5 * HOUR).toISOString(),
      openSessions: 2
    })
  })

  it('counts the idle period from the later of the last use and the last prefix change, as the store does', () => {
    assert.equal(keyState(record({ lastUsedAt: T0, prefixesUpdatedAt: at(HOUR) }), 4 * HOUR, 0).expiresAt, at(5 * HOUR).toISOString())
    assert.equal(keyState(record({ lastUsedAt: null, prefixesUpdatedAt: at(HOUR) }), HOUR, 0).expiresAt, at(2 * HOUR).toISOString())
  })

  it('has no expiry without prefixes: nothing lapses', () => {
    assert.equal(keyState(record({ prefixes: [], lastUsedAt: T0, prefixesUpdatedAt: T0 }), HOUR, 0).expiresAt, null)
  })
})
