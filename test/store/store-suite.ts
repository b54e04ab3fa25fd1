// The behaviour every Store implementation must have. Each implementation's test file calls
// storeSuite with a factory that opens a fresh, empty, migrated store.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { isServiceError } from '../../src/errors.ts'
import { StoreConflictError } from '../../src/store/store-errors.ts'
import type { KeyRecord, NewKey, Store, StoreOptions } from '../../src/store/types.ts'

export interface OpenedStore {
  store: Store
  dispose (): Promise<void>
}

export type OpenStore = (options?: StoreOptions) => Promise<OpenedStore>

const HOUR = 60 * 60 * 1000
const T0 = new Date('2026-11-27T00:00:00.000Z')
const at = (ms: number): Date => new Date(T0.getTime() + ms)

function newKey (overrides: Partial<NewKey> = {}): NewKey {
  return { id: randomBytes(6).toString('hex'), hash: randomBytes(32).toString('hex'), now: T0, ...overrides }
}

function rejectsWithCode (promise: Promise<unknown>, code: string): Promise<void> {
  return assert.rejects(promise, (err: unknown) => {
    assert.ok(isServiceError(err), `expected a ServiceError, got ${String(err)}`)
    assert.equal(err.code, code)
    return true
  })
}

export function storeSuite (name: string, open: OpenStore): void {
  describe(`${name} store`, () => {
    let opened: OpenedStore | undefined
    let store: Store
    const useStore = async (options?: StoreOptions): Promise<Store> => {
      if (opened !== undefined) await opened.dispose()
      opened = await open(options)
      store = opened.store
      return store
    }
    beforeEach(async () => { await useStore() })
    afterEach(async () => {
      await opened?.dispose()
      opened = undefined
    })

    describe('settings', () => {
      it('initSetting stores a value once and keeps the first', async () => {
        assert.equal(await store.getSetting('s'), null)
        assert.equal(await store.initSetting('s', 'one'), 'one')
        assert.equal(await store.initSetting('s', 'two'), 'one')
        assert.equal(await store.getSetting('s'), 'one')
      })
    })

    describe('accounts', () => {
      it('creates, gets and finds an account by e-mail, case-insensitively', async () => {
        const a = await store.createAccount({ email: ' Ops@Example.NET ', name: 'Ops', now: T0 })
        assert.equal(a.email, 'ops@example.net')
        assert.deepEqual(await store.getAccount(a.id), a)
        assert.deepEqual(await store.findAccountByEmail('OPS@example.net'), a)
        assert.equal(await store.findAccountByEmail('nobody@example.net'), null)
        assert.equal(await store.getAccount('missing'), null)
      })

      it('refuses a second account with the same e-mail address', async () => {
        await store.createAccount({ email: 'a@example.net', now: T0 })
        await assert.rejects(store.createAccount({ email: 'A@example.net', now: T0 }), StoreConflictError)
      })

      it('refuses something that is not an e-mail address', async () => {
        await rejectsWithCode(store.createAccount({ email: 'not an address', now: T0 }), 'BAD_REQUEST')
      })

      it('lists the keys of one account only', async () => {
        const a = await store.createAccount({ email: 'a@example.net', now: T0 })
        const mine = await store.createKey(newKey({ accountId: a.id }))
        await store.createKey(newKey())
        assert.deepEqual((await store.listKeys({ accountId: a.id })).map(k => k.id), [mine.id])
        assert.equal(mine.accountId, a.id)
      })
    })

    describe('keys', () => {
      it('creates a key with the default limits and no prefixes', async () => {
        const input = newKey({ label: 'noc' })
        const key = await store.createKey(input)
        const expected: KeyRecord = {
          id: input.id,
          accountId: null,
          label: 'noc',
          createdAt: T0,
          revokedAt: null,
          lastUsedAt: null,
          limits: { maxPrefixes: 10, maxSessions: 1 },
          prefixes: [],
          prefixesUpdatedAt: null
        }
        assert.deepEqual(key, expected)
        assert.deepEqual(await store.getKey(input.id), expected)
        assert.deepEqual(await store.findKeyByHash(input.hash), expected)
        assert.equal(await store.findKeyByHash('0'.repeat(64)), null)
        assert.equal(await store.getKey('000000000000'), null)
      })

      it('keeps prefixes in the order given, and their time', async () => {
        const prefixes = ['203.0.113.0/24', '2001:db8::/32', '192.0.2.0/24']
        const key = await store.createKey(newKey({ prefixes, limits: { maxPrefixes: 3, maxSessions: 2 } }))
        assert.deepEqual(key.prefixes, prefixes)
        assert.deepEqual(key.limits, { maxPrefixes: 3, maxSessions: 2 })
        assert.deepEqual(key.prefixesUpdatedAt, T0)
      })

      it('refuses a duplicate id or hash', async () => {
        const first = newKey()
        await store.createKey(first)
        await assert.rejects(store.createKey(newKey({ id: first.id })), StoreConflictError)
        await assert.rejects(store.createKey(newKey({ hash: first.hash })), StoreConflictError)
        assert.equal((await store.listKeys()).length, 1)
      })

      it('refuses more prefixes than the limit, and limits out of bounds', async () => {
        await rejectsWithCode(store.createKey(newKey({ prefixes: ['192.0.2.0/24', '198.51.100.0/24'], limits: { maxPrefixes: 1 } })), 'TOO_MANY_PREFIXES')
        await rejectsWithCode(store.createKey(newKey({ limits: { maxSessions: 0 } })), 'BAD_REQUEST')
        await rejectsWithCode(store.createKey(newKey({ limits: { maxPrefixes: 1.5 } })), 'BAD_REQUEST')
        await rejectsWithCode(store.createKey(newKey({ limits: { maxPrefixes: 100_001 } })), 'BAD_REQUEST')
        assert.deepEqual(await store.listKeys(), [])
      })

      it('lists every key, revoked ones too, oldest first', async () => {
        const b = await store.createKey(newKey({ now: at(2) }))
        const a = await store.createKey(newKey({ now: at(1) }))
        await store.revokeKey(a.id, at(3))
        const list = await store.listKeys()
        assert.deepEqual(list.map(k => k.id), [a.id, b.id])
        assert.deepEqual(list[0].revokedAt, at(3))
      })

      it('changes limits one at a time', async () => {
        const key = await store.createKey(newKey())
        assert.deepEqual((await store.setLimits(key.id, { maxSessions: 3 }))?.limits, { maxPrefixes: 10, maxSessions: 3 })
        assert.deepEqual((await store.setLimits(key.id, { maxPrefixes: 50 }))?.limits, { maxPrefixes: 50, maxSessions: 3 })
        assert.deepEqual((await store.getKey(key.id))?.limits, { maxPrefixes: 50, maxSessions: 3 })
        assert.equal(await store.setLimits('000000000000', { maxSessions: 2 }), null)
        await rejectsWithCode(store.setLimits(key.id, { maxSessions: -1 }), 'BAD_REQUEST')
      })

      it('will not lower max prefixes below the prefixes the key has', async () => {
        const key = await store.createKey(newKey({ prefixes: ['192.0.2.0/24', '198.51.100.0/24'] }))
        await rejectsWithCode(store.setLimits(key.id, { maxPrefixes: 1 }), 'TOO_MANY_PREFIXES')
        assert.equal((await store.getKey(key.id))?.limits.maxPrefixes, 10)
        assert.equal((await store.setLimits(key.id, { maxPrefixes: 2 }))?.limits.maxPrefixes, 2)
      })

      it('replaces and clears the prefix list', async () => {
        const key = await store.createKey(newKey({ prefixes: ['192.0.2.0/24'] }))
        const set = await store.setPrefixes(key.id, ['2001:db8::/32', '198.51.100.0/24', '2001:db8::/32'], at(5))
        assert.deepEqual(set?.prefixes, ['2001:db8::/32', '198.51.100.0/24'])
        assert.deepEqual((await store.getKey(key.id))?.prefixes, ['2001:db8::/32', '198.51.100.0/24'])
        assert.deepEqual((await store.getKey(key.id))?.prefixesUpdatedAt, at(5))
        await store.setPrefixes(key.id, [], at(6))
        assert.deepEqual((await store.getKey(key.id))?.prefixes, [])
        assert.equal(await store.setPrefixes('000000000000', [], at(6)), null)
      })

      it('refuses prefixes over the limit or on a revoked key', async () => {
        const key = await store.createKey(newKey({ limits: { maxPrefixes: 1 } }))
        await rejectsWithCode(store.setPrefixes(key.id, ['192.0.2.0/24', '198.51.100.0/24'], at(1)), 'TOO_MANY_PREFIXES')
        assert.deepEqual((await store.getKey(key.id))?.prefixes, [])
        await store.revokeKey(key.id, at(2))
        await rejectsWithCode(store.setPrefixes(key.id, ['192.0.2.0/24'], at(3)), 'KEY_REVOKED')
      })

      it('revokes: the key stays listed, its prefixes and sessions go; again changes nothing', async () => {
        const key = await store.createKey(newKey({ prefixes: ['192.0.2.0/24'] }))
        const session = await store.openSession(key.id, at(1))
        const revoked = await store.revokeKey(key.id, at(2))
        assert.deepEqual(revoked?.revokedAt, at(2))
        assert.deepEqual(revoked?.prefixes, [])
        assert.deepEqual(await store.getKey(key.id), revoked)
        assert.equal(await store.countOpenSessions(key.id, at(2)), 0)
        assert.equal(await store.renewSession(session.sessionId, at(3)), null)
        assert.deepEqual(await store.listAssociations(), [])
        assert.deepEqual((await store.revokeKey(key.id, at(9)))?.revokedAt, at(2))
        assert.equal(await store.revokeKey('000000000000', at(9)), null)
      })

      it('touch records the latest use and never goes back', async () => {
        const key = await store.createKey(newKey())
        assert.equal(await store.touch(key.id, at(10)), true)
        assert.deepEqual((await store.getKey(key.id))?.lastUsedAt, at(10))
        await store.touch(key.id, at(5))
        assert.deepEqual((await store.getKey(key.id))?.lastUsedAt, at(10))
        assert.equal(await store.touch('000000000000', at(10)), false)
      })

      it('lists the associations of live keys only', async () => {
        const a = await store.createKey(newKey({ prefixes: ['192.0.2.0/24', '2001:db8::/32'] }))
        await store.createKey(newKey())
        const c = await store.createKey(newKey({ prefixes: ['198.51.100.0/24'] }))
        const d = await store.createKey(newKey({ prefixes: ['203.0.113.0/24'] }))
        await store.revokeKey(d.id, at(1))
        const byKey = new Map((await store.listAssociations()).map(x => [x.keyId, x.prefixes]))
        assert.deepEqual(byKey, new Map([[a.id, ['192.0.2.0/24', '2001:db8::/32']], [c.id, ['198.51.100.0/24']]]))
      })
    })

    describe('sessions', () => {
      it('opens one session per key by default and refuses a second', async () => {
        const key = await store.createKey(newKey({ prefixes: ['192.0.2.0/24'] }))
        const s = await store.openSession(key.id, at(1))
        assert.equal(s.keyId, key.id)
        assert.deepEqual(s.openedAt, at(1))
        assert.ok(s.expiresAt > at(1))
        assert.equal(await store.countOpenSessions(key.id, at(1)), 1)
        await rejectsWithCode(store.openSession(key.id, at(2)), 'SESSION_ALREADY_OPEN')
        assert.equal(await store.closeSession(s.sessionId, at(3)), true)
        assert.equal(await store.closeSession(s.sessionId, at(3)), false)
        await store.openSession(key.id, at(4))
      })

      it('honours a higher session limit', async () => {
        const key = await store.createKey(newKey({ prefixes: ['192.0.2.0/24'], limits: { maxSessions: 2 } }))
        const one = await store.openSession(key.id, at(1))
        const two = await store.openSession(key.id, at(1))
        assert.notEqual(one.sessionId, two.sessionId)
        await rejectsWithCode(store.openSession(key.id, at(1)), 'SESSION_ALREADY_OPEN')
      })

      it('lets exactly one of several simultaneous opens through', async () => {
        const key = await store.createKey(newKey({ prefixes: ['192.0.2.0/24'] }))
        // Warm up: with connections already open, the opens really do overlap on PostgreSQL.
        await Promise.all(Array.from({ length: 10 }, () => store.countOpenSessions(key.id, at(0))))
        const results = await Promise.allSettled(Array.from({ length: 10 }, () => store.openSession(key.id, at(1))))
        assert.equal(results.filter(r => r.status === 'fulfilled').length, 1)
        for (const r of results) if (r.status === 'rejected') assert.ok(isServiceError(r.reason, 'SESSION_ALREADY_OPEN'))
      })

      it('renews many sessions in one call: each open one gets the new expiry and uses its key; gone ones map to null', async () => {
        await useStore({ sessionLeaseMs: 1000 })
        const keys = await Promise.all(Array.from({ length: 3 }, async () => await store.createKey(newKey({ prefixes: ['192.0.2.0/24'], limits: { maxSessions: 2 } }))))
        const sessions = [
          await store.openSession(keys[0].id, at(0)),
          await store.openSession(keys[0].id, at(0)),
          await store.openSession(keys[1].id, at(0)),
          await store.openSession(keys[2].id, at(0))
        ]
        await store.closeSession(sessions[3].sessionId, at(100))
        const renewed = await store.renewSessions([...sessions.map((x) => x.sessionId), 'no-such-session'], at(500))
        assert.deepEqual(renewed, new Map([
          [sessions[0].sessionId, at(1500)], [sessions[1].sessionId, at(1500)], [sessions[2].sessionId, at(1500)],
          [sessions[3].sessionId, null], ['no-such-session', null]
        ]))
        assert.deepEqual((await store.getKey(keys[0].id))?.lastUsedAt, at(500))
        assert.deepEqual((await store.getKey(keys[1].id))?.lastUsedAt, at(500))
        assert.deepEqual((await store.getKey(keys[2].id))?.lastUsedAt, at(100), 'its only session was closed before')
        assert.equal(await store.countOpenSessions(keys[0].id, at(1400)), 2)
        assert.deepEqual(await store.renewSessions([], at(600)), new Map())
        // More than one statement's worth of sessions.
        const many = await Promise.all(Array.from({ length: 1200 }, async () => {
          const k = await store.createKey(newKey({ prefixes: ['198.51.100.0/24'] }))
          return (await store.openSession(k.id, at(700))).sessionId
        }))
        const all = await store.renewSessions(many, at(800))
        assert.equal([...all.values()].filter((d) => d?.getTime() === at(1800).getTime()).length, 1200)
      })

      it('refuses a key that is unknown, revoked or without prefixes', async () => {
        await rejectsWithCode(store.openSession('000000000000', at(1)), 'UNKNOWN_KEY')
        const empty = await store.createKey(newKey())
        await rejectsWithCode(store.openSession(empty.id, at(1)), 'NO_PREFIXES')
        const revoked = await store.createKey(newKey({ prefixes: ['192.0.2.0/24'] }))
        await store.revokeKey(revoked.id, at(1))
        await rejectsWithCode(store.openSession(revoked.id, at(2)), 'KEY_REVOKED')
      })

      it('a session not renewed within its lease stops counting (a crashed gateway)', async () => {
        await useStore({ sessionLeaseMs: 1000 })
        const key = await store.createKey(newKey({ prefixes: ['192.0.2.0/24'] }))
        const s = await store.openSession(key.id, at(0))
        assert.deepEqual(s.expiresAt, at(1000))
        await rejectsWithCode(store.openSession(key.id, at(999)), 'SESSION_ALREADY_OPEN')
        assert.equal(await store.countOpenSessions(key.id, at(1000)), 0)
        const next = await store.openSession(key.id, at(1000))
        assert.equal(await store.renewSession(s.sessionId, at(1001)), null, 'the lapsed session was replaced')
        assert.deepEqual(await store.renewSession(next.sessionId, at(1500)), at(2500))
        assert.equal(await store.countOpenSessions(key.id, at(2400)), 1)
        assert.deepEqual((await store.getKey(key.id))?.lastUsedAt, at(1500))
      })

      it('opening and closing count as uses of the key', async () => {
        const key = await store.createKey(newKey({ prefixes: ['192.0.2.0/24'] }))
        const s = await store.openSession(key.id, at(7))
        assert.deepEqual((await store.getKey(key.id))?.lastUsedAt, at(7))
        await store.closeSession(s.sessionId, at(70))
        assert.deepEqual((await store.getKey(key.id))?.lastUsedAt, at(70))
      })
    })

    describe('the 4-hour rule (expireIdle)', () => {
      it('clears the prefixes of a key unused for 4 hours, keeps the key, and says so once', async () => {
        const key = await store.createKey(newKey({ prefixes: ['192.0.2.0/24', '2001:db8::/32'] }))
        await store.touch(key.id, at(HOUR))
        assert.deepEqual(await store.expireIdle(at(5 * HOUR - 1)), [])
        assert.deepEqual(await store.expireIdle(at(5 * HOUR)), [{ keyId: key.id, prefixes: ['192.0.2.0/24', '2001:db8::/32'], idleSince: at(HOUR) }])
        const after = await store.getKey(key.id)
        assert.deepEqual(after?.prefixes, [])
        assert.deepEqual(after?.prefixesUpdatedAt, at(5 * HOUR))
        assert.equal(after?.revokedAt, null)
        assert.deepEqual(await store.expireIdle(at(10 * HOUR)), [])
        await rejectsWithCode(store.openSession(key.id, at(10 * HOUR)), 'NO_PREFIXES')
      })

      it('counts from when the prefixes were set for a key never used', async () => {
        const key = await store.createKey(newKey())
        await store.setPrefixes(key.id, ['192.0.2.0/24'], at(2 * HOUR))
        assert.deepEqual(await store.expireIdle(at(6 * HOUR - 1)), [])
        assert.deepEqual((await store.expireIdle(at(6 * HOUR))).map(x => [x.keyId, x.idleSince]), [[key.id, at(2 * HOUR)]])
      })

      it('a use restarts the clock', async () => {
        const key = await store.createKey(newKey({ prefixes: ['192.0.2.0/24'] }))
        await store.touch(key.id, at(3 * HOUR))
        assert.deepEqual(await store.expireIdle(at(4 * HOUR)), [])
        assert.deepEqual(await store.expireIdle(at(7 * HOUR - 1)), [])
        assert.equal((await store.expireIdle(at(7 * HOUR))).length, 1)
      })

      it('an open session keeps the key in use however long', async () => {
        await useStore({ sessionLeaseMs: HOUR })
        const key = await store.createKey(newKey({ prefixes: ['192.0.2.0/24'] }))
        const s = await store.openSession(key.id, at(0))
        for (let h = 0.5; h <= 12; h += 0.5) {
          // renewSession is a use too: check expiry before renewing at each step
          assert.deepEqual(await store.expireIdle(at(h * HOUR)), [], `expired at ${h} h`)
          assert.ok(await store.renewSession(s.sessionId, at(h * HOUR)))
        }
        assert.deepEqual((await store.getKey(key.id))?.prefixes, ['192.0.2.0/24'])
      })

      it('a session whose lease ran out no longer keeps the key', async () => {
        await useStore({ sessionLeaseMs: 60_000 })
        const key = await store.createKey(newKey({ prefixes: ['192.0.2.0/24'] }))
        await store.openSession(key.id, at(0))
        assert.deepEqual((await store.expireIdle(at(4 * HOUR))).map(x => x.keyId), [key.id])
      })

      it('takes its timeout from the options', async () => {
        await useStore({ idleTimeoutMs: 10 * 60 * 1000 })
        const key = await store.createKey(newKey({ prefixes: ['192.0.2.0/24'] }))
        assert.deepEqual(await store.expireIdle(at(10 * 60 * 1000 - 1)), [])
        assert.deepEqual((await store.expireIdle(at(10 * 60 * 1000))).map(x => x.keyId), [key.id])
      })

      it('leaves keys without prefixes and revoked keys alone, and expires only the idle ones', async () => {
        await store.createKey(newKey())
        const revoked = await store.createKey(newKey({ prefixes: ['192.0.2.0/24'] }))
        await store.revokeKey(revoked.id, at(1))
        const idle = await store.createKey(newKey({ prefixes: ['198.51.100.0/24'] }))
        const busy = await store.createKey(newKey({ prefixes: ['203.0.113.0/24'] }))
        await store.touch(busy.id, at(4 * HOUR))
        assert.deepEqual((await store.expireIdle(at(5 * HOUR))).map(x => x.keyId), [idle.id])
        assert.deepEqual((await store.listAssociations()).map(x => x.keyId), [busy.id])
      })
    })
  })
}
