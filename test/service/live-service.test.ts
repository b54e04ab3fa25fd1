// The live service over a real store with an injected clock: associations loaded at start, the
// 4-hour rule clearing the matcher's copy, an open session (its lease renewed by the gateway)
// keeping the key in use, frames delivered through the bus to registered sinks.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { it } from 'node:test'
import { InProcessBus } from '../../src/bus/in-process-bus.ts'
import { ApiKeys } from '../../src/keys/api-keys.ts'
import { silentLogger } from '../../src/log.ts'
import type { LoggedFrame } from '../../src/matcher/delivery-log.ts'
import { LiveService } from '../../src/service/live-service.ts'
import { openSqliteStore } from '../../src/store/sqlite-store.ts'
import { startGatewayFixture } from '../gateway/gateway-fixture.ts'
import { announce } from '../gateway/records.ts'

const HOUR = 3600_000
const T0 = new Date('2026-11-27T00:00:00.000Z').getTime()

it('loads associations at start, delivers through the bus, and clears keys unused for 4 hours', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bgpl-service-'))
  const store = await openSqliteStore(join(dir, 's.sqlite'))
  let t = T0
  const now = (): Date => new Date(t)
  try {
    const keys = await ApiKeys.open(store, { bytes: Buffer.alloc(32, 1), source: 'test' })
    const a = await keys.create({ prefixes: '10.1.0.0/16', now: now() })
    const b = await keys.create({ prefixes: '10.2.0.0/16', now: now() })
    const bus = new InProcessBus()
    const service = new LiveService({ store, bus, logger: silentLogger(), now, expiryIntervalMs: 0 })
    await service.start()
    assert.deepEqual(service.matcher.keysFor('10.1.2.0/24'), [a.record.id])
    assert.deepEqual(service.matcher.keysFor('10.2.2.0/24'), [b.record.id])

    const got: LoggedFrame[] = []
    const { detach } = service.attach(a.record.id, { deliver: (f) => { got.push(f) } })
    bus.publish(announce(['10.1.2.0/24']))
    bus.publish(announce(['10.2.2.0/24']))
    await bus.flush()
    assert.deepEqual(got.map((f) => [f.seq, (JSON.parse(f.bytes.toString()) as { prefixes: string }).prefixes]), [[1, '10.1.2.0/24']])
    assert.equal(service.deliveryLog.lastSeq(b.record.id), 1)
    detach()
    assert.equal(service.sinkCount(a.record.id), 0)

    // b is used 1 h later (an API call), a never again.
    t = T0 + HOUR
    await keys.authenticate(b.key, now())
    t = T0 + 4 * HOUR - 1
    assert.equal(await service.runExpiry(), 0)
    t = T0 + 4 * HOUR
    assert.equal(await service.runExpiry(), 1)
    assert.deepEqual(service.matcher.keysFor('10.1.2.0/24'), [])
    assert.deepEqual(service.matcher.keysFor('10.2.2.0/24'), [b.record.id])
    t = T0 + 5 * HOUR
    assert.equal(await service.runExpiry(), 1)
    assert.deepEqual([...service.matcher.keyIds()], [])
    assert.deepEqual(await store.listAssociations(), [])
    await service.stop()
    await bus.close()
  } finally {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

it('picks up prefix lists changed by another process (keys CLI, another instance): resync, and at session open', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bgpl-service-'))
  const store = await openSqliteStore(join(dir, 's.sqlite'))
  try {
    const keys = await ApiKeys.open(store, { bytes: Buffer.alloc(32, 1), source: 'test' })
    const a = await keys.create({ prefixes: '10.1.0.0/16', now: new Date() })
    const bus = new InProcessBus()
    const service = new LiveService({ store, bus, logger: silentLogger(), expiryIntervalMs: 0 })
    await service.start()
    // What `keys create`, `keys set-prefixes` and `keys revoke` do from another process: the store only.
    const b = await keys.create({ prefixes: '10.2.0.0/16', now: new Date() })
    await keys.setPrefixes(a.record.id, '10.3.0.0/16', new Date())
    assert.deepEqual(service.matcher.keysFor('10.2.0.0/16'), [])
    assert.equal(await service.resync(), 2)
    assert.deepEqual(service.matcher.keysFor('10.2.0.0/16'), [b.record.id])
    assert.deepEqual(service.matcher.keyPrefixes(a.record.id), ['10.3.0.0/16'])
    await store.revokeKey(b.record.id, new Date())
    assert.equal(await service.resync(), 1)
    assert.deepEqual(service.matcher.keysFor('10.2.0.0/16'), [])
    assert.equal(await service.resync(), 0)
    assert.equal(service.ensureKeyPrefixes(a.record.id, ['10.3.0.0/16']), false)
    assert.equal(service.ensureKeyPrefixes(a.record.id, ['10.4.0.0/16']), true)
    await service.stop()
    await bus.close()
  } finally {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

it('runs the expiry on its timer', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bgpl-service-'))
  const store = await openSqliteStore(join(dir, 's.sqlite'))
  let t = T0
  try {
    const keys = await ApiKeys.open(store, { bytes: Buffer.alloc(32, 1), source: 'test' })
    const a = await keys.create({ prefixes: '10.1.0.0/16', now: new Date(t) })
    const bus = new InProcessBus()
    const service = new LiveService({ store, bus, logger: silentLogger(), now: () => new Date(t), expiryIntervalMs: 20 })
    await service.start()
    assert.deepEqual(service.matcher.keysFor('10.1.0.0/16'), [a.record.id])
    t = T0 + 4 * HOUR
    const deadline = Date.now() + 5000
    while (service.matcher.keysFor('10.1.0.0/16').length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
    assert.deepEqual(service.matcher.keysFor('10.1.0.0/16'), [])
    await service.stop()
    await bus.close()
  } finally {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

it('keeps a key in use while its session is open (the gateway renews the lease), and lets it lapse after', async () => {
  let t = T0
  // A 1-hour lease so that the clock can move in big steps between renewals.
  const fx = await startGatewayFixture({ now: () => new Date(t), store: { sessionLeaseMs: HOUR }, limits: { renewIntervalMs: 20 } })
  try {
    const { key, id } = await fx.makeKey(['10.1.0.0/16'])
    const client = await fx.connect(`?api_key=${key}`)
    for (let step = 1; step <= 10; step++) {
      t = T0 + step * HOUR / 2
      // Let a renewal at the new time happen.
      const before = (await fx.store.getKey(id))?.lastUsedAt?.getTime()
      const deadline = Date.now() + 2000
      while ((await fx.store.getKey(id))?.lastUsedAt?.getTime() === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
      assert.equal((await fx.store.getKey(id))?.lastUsedAt?.getTime(), t)
      assert.equal(await fx.service.runExpiry(), 0)
    }
    // 5 hours on, the key still has its prefixes and the session its frames.
    fx.bus.publish(announce(['10.1.0.0/16']))
    await client.waitFor((f) => f.length === 1, 'a frame')
    client.ws.close(1000)
    await client.closed
    const deadline = Date.now() + 2000
    while (fx.gateway.sessionCount > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
    t += 4 * HOUR - 1
    assert.equal(await fx.service.runExpiry(), 0)
    t += 1
    assert.equal(await fx.service.runExpiry(), 1)
    assert.deepEqual(fx.service.matcher.keysFor('10.1.0.0/16'), [])
    // Without prefixes the key can no longer open a stream.
    const refused = await fx.connect(`?api_key=${key}`)
    assert.equal((await refused.closed).code, 4004)
  } finally {
    await fx.close()
  }
})
