// Records for the gateway and service tests.
import { makeUpdateRecord } from '../../src/record/build.ts'
import type { UpdateRecord } from '../../src/record/types.ts'

const META = { time_us: 1_764_201_600_000_001, source: 'test-collector', vp: { ip: '192.0.2.1', asn: 64500 } }

export function announce (prefixes: string[], time = 0): UpdateRecord {
  return makeUpdateRecord({ ...META, time_us: META.time_us + time }, [{ next_hop: '192.0.2.1', prefixes }], [], {
    origin: 'IGP',
    as_path: [{ type: 'AS_SEQUENCE', asns: [64500, 2914] }],
    communities: ['2914:420']
  })
}

export function withdraw (prefixes: string[], time = 0): UpdateRecord {
  return makeUpdateRecord({ ...META, time_us: META.time_us + time }, [], [{ prefixes }], {})
}

/** The seqs of the numbered frames (those from the delivery log). */
export function seqs (frames: ReadonlyArray<Record<string, unknown>>): number[] {
  return frames.filter((f) => typeof f.seq === 'number').map((f) => f.seq as number)
}

/** 1, 2, ..., n shifted to start at `from`. */
export function range (from: number, to: number): number[] {
  const out: number[] = []
  for (let i = from; i <= to; i++) out.push(i)
  return out
}
