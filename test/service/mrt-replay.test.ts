// MRT replay through the bus and the live service: every record of the file, in order, as the
// matcher makes frames of it directly; at speed N the file's own pace divided by N.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { it } from 'node:test'
import { InProcessBus } from '../../src/bus/in-process-bus.ts'
import { silentLogger } from '../../src/log.ts'
import type { BgpRecord } from '../../src/record/types.ts'
import { LiveService } from '../../src/service/live-service.ts'
import { replayMrtFiles } from '../../src/service/mrt-replay.ts'
import { openSqliteStore } from '../../src/store/sqlite-store.ts'
import { RRC06, RRC06_PREFIXES, expectedFrames } from './rrc06.ts'

it('replays an MRT file through the pipeline: the frames the matcher makes of it, in order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bgpl-replay-'))
  const store = await openSqliteStore(join(dir, 's.sqlite'))
  try {
    const bus = new InProcessBus({ maxQueued: 16 })
    const service = new LiveService({ store, bus, logger: silentLogger(), expiryIntervalMs: 0 })
    await service.start()
    service.setKeyPrefixes('k', RRC06_PREFIXES)
    const seen: BgpRecord[] = []
    bus.subscribe((d) => { seen.push(d.record) })
    const frames: string[] = []
    service.attach('k', { deliver: (f) => { frames.push(f.bytes.toString()) } })
    const result = await replayMrtFiles({ files: [RRC06], speed: 'max', bus, logger: silentLogger() })
    await bus.flush()
    assert.deepEqual(result, { files: 1, records: 765, errors: 0, aborted: false })
    // A small bus queue and never a drop: the replay waits for room.
    assert.equal(bus.stats.dropped, 0)
    assert.equal(seen.length, 765)
    assert.ok(seen.every((r) => r.source === 'mrt:ris.rrc06.updates.1427846400.gz'))
    const expected = await expectedFrames(RRC06, RRC06_PREFIXES)
    assert.ok(expected.length > 50)
    assert.deepEqual(frames.map((t) => t.replace(/^\{"seq":\d+,/, '{')), expected)
    assert.deepEqual(frames.map((t) => Number(/^\{"seq":(\d+),/.exec(t)?.[1])), expected.map((_t, i) => i + 1))
    await service.stop()
    await bus.close()
  } finally {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

it('keeps the file\'s pace divided by the speed, and stops when aborted', async () => {
  const bus = new InProcessBus()
  const times: number[] = []
  bus.subscribe(() => { times.push(Date.now()) })
  // The file spans 295 s: at 600x that is about half a second.
  const started = Date.now()
  await replayMrtFiles({ files: [RRC06], speed: 600, bus, logger: silentLogger() })
  const elapsed = Date.now() - started
  assert.ok(elapsed >= 400 && elapsed < 5000, `took ${elapsed} ms`)
  const abort = new AbortController()
  const stopping = replayMrtFiles({ files: [RRC06], speed: 1, bus, logger: silentLogger(), signal: abort.signal })
  setTimeout(() => { abort.abort() }, 100)
  const result = await stopping
  assert.equal(result.aborted, true)
  assert.ok(result.records < 765)
  await bus.close()
})
