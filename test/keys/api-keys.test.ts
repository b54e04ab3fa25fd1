import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { isServiceError } from '../../src/errors.ts'
import type { ErrorCode } from '../../src/errors.ts'
import { apiKeyId } from '../../src/keys/api-key.ts'
import { ApiKeys } from '../../src/keys/api-keys.ts'
import { KeySecretError } from '../../src/keys/secret.ts'
import type { KeySecret } from '../../src/keys/secret.ts'
import { openSqliteStore } from '../../src/store/sqlite-store.ts'
import type { Store } from '../../src/store/types.ts'

const SECRET: KeySecret = { bytes: Buffer.alloc(32, 0x5a), source: 'test' }
const T0 = new Date('2026-11-27T00:00:00.000Z')
const at = (ms: number): Date => new Date(T0.getTime() + ms)

function rejectsWithCode (promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  return assert.rejects(promise, (err: unknown) => isServiceError(err, code) || assert.fail(`expected ${code}, got ${String(err)}`))
}

describe('ApiKeys', () => {
  let dir: string
  let file: string
  let store: Store
  let keys: ApiKeys
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bgpl-keys-'))
    file = join(dir, 'k.sqlite')
    store = await openSqliteStore(file)
    keys = await ApiKeys.open(store, SECRET)
  })
  afterEach(async () => {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('creates a key whose id is derived from it, and stores neither the key nor its bare hash', async () => {
    const { key, record } = await keys.create({ label: 'noc', prefixes: '192.0.2.0/24, 2001:DB8::/32', now: T0 })
    assert.equal(record.id, apiKeyId(key))
    assert.deepEqual(record.prefixes, ['192.0.2.0/24', '2001:db8::/32'])
    await store.close()
    const bytes = Buffer.concat([file, file + '-wal'].filter(existsSync).map(f => readFileSync(f)))
    assert.ok(bytes.includes(Buffer.from(record.id)), 'the id is stored')
    assert.ok(!bytes.includes(Buffer.from(key)), 'the key text is not stored')
    assert.ok(!bytes.includes(Buffer.from(key.slice(5))), 'nor its random part')
    store = await openSqliteStore(file)
  })

  it('authenticates a key, and records the use', async () => {
    const { key, record } = await keys.create({ now: T0 })
    const found = await keys.authenticate(key, at(1000))
    assert.equal(found.id, record.id)
    assert.deepEqual(found.lastUsedAt, at(1000))
    assert.deepEqual((await store.getKey(record.id))?.lastUsedAt, at(1000))
  })

  it('answers UNKNOWN_KEY for a malformed, foreign or differently hashed key', async () => {
    const { key } = await keys.create({ now: T0 })
    await rejectsWithCode(keys.authenticate('nonsense', T0), 'UNKNOWN_KEY')
    await rejectsWithCode(keys.authenticate(key.slice(0, -2) + (key.endsWith('AA') ? 'AQ' : 'AA'), T0), 'UNKNOWN_KEY')
    const other = await openSqliteStore(':memory:')
    const otherKeys = await ApiKeys.open(other, { bytes: Buffer.alloc(32, 1), source: 'other' })
    await rejectsWithCode(otherKeys.authenticate(key, T0), 'UNKNOWN_KEY')
    await other.close()
  })

  it('answers KEY_REVOKED for a revoked key', async () => {
    const { key, record } = await keys.create({ now: T0 })
    await store.revokeKey(record.id, at(1))
    await rejectsWithCode(keys.authenticate(key, at(2)), 'KEY_REVOKED')
  })

  it('checks prefixes against the limit given at creation', async () => {
    await rejectsWithCode(keys.create({ prefixes: '192.0.2.0/24,198.51.100.0/24', limits: { maxPrefixes: 1 }, now: T0 }), 'TOO_MANY_PREFIXES')
    await rejectsWithCode(keys.create({ prefixes: '192.0.2.1/24', now: T0 }), 'PREFIX_HOST_BITS')
    assert.deepEqual(await store.listKeys(), [])
  })

  it('sets prefixes from user input under the key\'s own limit', async () => {
    const { record } = await keys.create({ limits: { maxPrefixes: 2 }, now: T0 })
    assert.deepEqual((await keys.setPrefixes(record.id, ['203.0.113.0/24', '203.0.113.0/24'], at(1)))?.prefixes, ['203.0.113.0/24'])
    await rejectsWithCode(keys.setPrefixes(record.id, '192.0.2.0/24,198.51.100.0/24,203.0.113.0/24', at(2)), 'TOO_MANY_PREFIXES')
    await rejectsWithCode(keys.setPrefixes(record.id, '0.0.0.0/0', at(2)), 'PREFIX_TOO_SHORT')
    assert.equal(await keys.setPrefixes('000000000000', '192.0.2.0/24', at(2)), null)
  })

  it('applies the prefix policy it was opened with', async () => {
    const open = await ApiKeys.open(store, SECRET, { minLengthIpv4: 0, minLengthIpv6: 0 })
    const { record } = await open.create({ prefixes: '0.0.0.0/0,::/0', now: T0 })
    assert.deepEqual(record.prefixes, ['0.0.0.0/0', '::/0'])
  })

  it('refuses a different secret for a store whose keys were made with another', async () => {
    await assert.rejects(ApiKeys.open(store, { bytes: Buffer.alloc(32, 0x5b), source: 'BGPL_KEY_SECRET' }), KeySecretError)
    await ApiKeys.open(store, SECRET)
  })
})
