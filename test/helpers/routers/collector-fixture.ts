// A collector on an ephemeral loopback port for tests, with every record it emits collected.
import { Collector } from '../../../src/sources/bgp/collector.ts'
import { resolveConfig } from '../../../src/sources/bgp/collector-config.ts'
import type { BgpRecord, PeerStateRecord, UpdateRecord } from '../../../src/record/types.ts'
import { createLogger, silentLogger } from '../../../src/log.ts'

export interface CollectorFixture {
  collector: Collector
  port: number
  records: BgpRecord[]
  /** Wait until `test` holds for the records collected so far; returns them. */
  waitFor: (test: (records: BgpRecord[]) => boolean, timeoutMs?: number, what?: string) => Promise<BgpRecord[]>
  stop: () => Promise<void>
}

export async function startCollector (config: Record<string, unknown> = {}): Promise<CollectorFixture> {
  const logger = process.env.TEST_LOG === '1' ? createLogger({ level: 'debug' }) : silentLogger()
  const collector = new Collector({ config: resolveConfig({ listen: ['127.0.0.1:0'], routerId: '10.255.255.1', localAs: 65000, ...config }), logger })
  await collector.start()
  const records: BgpRecord[] = []
  const wakers = new Set<() => void>()
  let stopped = false
  const pump = (async () => {
    for await (const r of collector.queue) {
      records.push(r)
      for (const w of [...wakers]) w()
    }
  })()
  const waitFor = async (test: (records: BgpRecord[]) => boolean, timeoutMs = 10_000, what = 'records'): Promise<BgpRecord[]> => {
    const deadline = Date.now() + timeoutMs
    while (!test(records)) {
      const left = deadline - Date.now()
      if (left <= 0 || stopped) throw new Error(`timed out waiting for ${what}; got ${records.length} records:\n${records.map((r) => JSON.stringify(r)).join('\n')}`)
      await new Promise<void>((resolve) => {
        const done = (): void => { clearTimeout(t); wakers.delete(done); resolve() }
        const t = setTimeout(done, Math.min(left, 200))
        wakers.add(done)
      })
    }
    return records
  }
  return {
    collector,
    port: collector.listening()[0].port,
    records,
    waitFor,
    stop: async () => {
      stopped = true
      await collector.stop()
      collector.queue.close()
      await pump
    }
  }
}

export function updates (records: readonly BgpRecord[], ip?: string): UpdateRecord[] {
  return records.filter((r): r is UpdateRecord => r.type === 'update' && (ip === undefined || r.vp.ip === ip))
}

export function peerStates (records: readonly BgpRecord[], ip?: string): PeerStateRecord[] {
  return records.filter((r): r is PeerStateRecord => r.type === 'peer_state' && (ip === undefined || r.vp.ip === ip))
}

/** A record without the fields that change from run to run (time), for exact comparison. */
export function stable (record: BgpRecord): Record<string, unknown> {
  const { time_us: _t, ...rest } = record
  if (rest.type === 'peer_state') delete (rest as { reason?: string }).reason
  return rest
}
