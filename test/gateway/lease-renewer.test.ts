// LeaseRenewer over a real SQLite store: renewals asked together share one store call with the
// right answer for each session (renewed, or gone); asked while a call is out, they wait for the
// next one; a failed call fails exactly the renewals it carried.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { LeaseRenewer } from '../../src/gateway/lease-renewer.ts'
import { openSqliteStore } from '../../src/store/sqlite-store.ts'
import type { Store } from '../../src/store/types.ts'

const NOW = new Date('2026-11-27T10:00:00.000Z')
let dir: string
let store: Store

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bgpl-lease-'))
  store = await openSqliteStore(join(dir, 'test.sqlite'), { sessionLeaseMs: 15_000 })
})

after(async () => {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

async function openSessions (n: number): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < n; i++) {
    const key = await store.createKey({ id: randomBytes(6).toString('hex'), hash: randomBytes(32).toString('hex'), now: NOW, prefixes: ['192.0.2.0/24'] })
    ids.push((await store.openSession(key.id, NOW)).sessionId)
  }
  return ids
}

test('renewals asked together share one store call; each gets its own answer', async () => {
  const ids = await openSessions(50)
  await store.closeSession(ids[7], NOW)
  const renewer = new LeaseRenewer({ store, now: () => NOW, delayMs: 20 })
  const results = await Promise.all([...ids, ids[3]].map(async (id) => await renewer.renew(id)))
  assert.equal(renewer.storeCalls, 1)
  const until = new Date(NOW.getTime() + 15_000)
  assert.deepEqual(results, [...ids, ids[3]].map((id) => id === ids[7] ? null : until))
})

test('renewals asked while a call is out go in the next call', async () => {
  const ids = await openSessions(4)
  const seen: string[][] = []
  let release: () => void = () => {}
  const gate = new Promise<void>((resolve) => { release = resolve })
  const slow: Pick<Store, 'renewSessions'> = {
    renewSessions: async (sessionIds, now) => {
      seen.push([...sessionIds])
      if (seen.length === 1) await gate
      return await store.renewSessions(sessionIds, now)
    }
  }
  const renewer = new LeaseRenewer({ store: slow, now: () => NOW, delayMs: 5 })
  const first = renewer.renew(ids[0])
  await new Promise((resolve) => setTimeout(resolve, 30))
  const later = [renewer.renew(ids[1]), renewer.renew(ids[2])]
  await new Promise((resolve) => setTimeout(resolve, 30))
  assert.equal(seen.length, 1, 'one call at a time')
  release()
  assert.ok(await first)
  for (const r of await Promise.all(later)) assert.ok(r)
  assert.deepEqual(seen, [[ids[0]], [ids[1], ids[2]]])
})

test('a failed call fails the renewals it carried, and the next ones go through', async () => {
  const ids = await openSessions(2)
  let fail = true
  const flaky: Pick<Store, 'renewSessions'> = {
    renewSessions: async (sessionIds, now) => {
      if (fail) {
        fail = false
        throw new Error('timeout exceeded when trying to connect')
      }
      return await store.renewSessions(sessionIds, now)
    }
  }
  const renewer = new LeaseRenewer({ store: flaky, now: () => NOW, delayMs: 5 })
  await assert.rejects(renewer.renew(ids[0]), /timeout exceeded/)
  assert.deepEqual(await renewer.renew(ids[1]), new Date(NOW.getTime() + 15_000))
})
