// Shared by the Kafka tests: settings for a test's own topic prefix on a real broker, records of
// chosen vantage points, and a bounded wait.
import { randomBytes } from 'node:crypto'
import { kafkaSettingsFromEnv } from '../../src/kafka/kafka-settings.ts'
import type { KafkaSettings } from '../../src/kafka/kafka-settings.ts'
import type { BgpRecord } from '../../src/record/types.ts'
import { ann, ATTRS, META, updateRecord } from '../matcher/helpers.ts'

/** A topic prefix no other test case uses. */
export function uniquePrefix (name: string): string {
  return 'bgpl-test-' + name + '-' + randomBytes(4).toString('hex')
}

export function settingsFor (bootstrap: readonly string[], prefix: string, extra: Record<string, string> = {}): KafkaSettings {
  return kafkaSettingsFromEnv({ BGPL_KAFKA_BROKERS: bootstrap.join(','), BGPL_KAFKA_TOPIC_PREFIX: prefix, ...extra })
}

/** An update record numbered `n` (its time_us) from vantage point 192.0.2.`vp`, announcing `prefixes`. */
export function rec (n: number, vp = 1, prefixes = ['10.0.0.0/8']): BgpRecord {
  return updateRecord([ann(prefixes)], [], ATTRS, { ...META, time_us: n, vp: { ip: '192.0.2.' + String(vp), asn: 64500 } })
}

/** Resolves once `cond()` holds; rejects naming `what` after `timeoutMs`. */
export async function waitFor (cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

export async function sleep (ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms))
}

/** 'done' when `promise` settles within `ms`, else 'timeout' (the timer does not hold the process). */
export async function within (promise: Promise<unknown>, ms: number): Promise<'done' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => { resolve('timeout') }, ms); timer.unref() })
  try {
    return await Promise.race([promise.then(() => 'done' as const, () => 'done' as const), timeout])
  } finally {
    clearTimeout(timer)
  }
}
