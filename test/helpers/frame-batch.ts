// The frames of an ingest thread's batch as (key, JSON text), for assertions.
import type { FrameBatch } from '../../src/service/ingest/frame-batch.ts'

export function frameBatchTexts (batch: FrameBatch): Array<[string, string]> {
  const octets = Buffer.from(batch.octets)
  return batch.keys.map((keyId, i) => [keyId, octets.toString('utf8', i === 0 ? 0 : batch.ends[i - 1], batch.ends[i])])
}
