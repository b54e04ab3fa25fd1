// Shared by the matcher tests: a seeded generator, record builders and the frame schema validator.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import type { ValidateFunction } from 'ajv/dist/2020.js'
import { makePeerStateRecord, makeUpdateRecord } from '../../src/record/build.ts'
import type { Announcement, PeerState, PeerStateRecord, RecordAttributes, RecordMeta, UpdateRecord, Withdrawal } from '../../src/record/types.ts'
import { seededRandom as rng } from '../helpers/seeded-random.ts'

export const root = resolve(import.meta.dirname, '../..')
export const dataDir = resolve(root, '../shared/data')

export const META: RecordMeta = { time_us: 1_427_846_400_123_456, source: 'rrc06', vp: { ip: '192.0.2.1', asn: 64500 } }

export const BMP_META: RecordMeta = {
  time_us: 1_672_531_200_000_001,
  source: 'bmp-station-1',
  vp: { ip: '192.0.2.1', asn: 64500 },
  router: { ip: '198.51.100.9', asn: 64999, view: 'adj-rib-in-post' }
}

export function ann (prefixes: string[], nextHop: string | null = '192.0.2.1', extra: Partial<Announcement> = {}): Announcement {
  return { ...extra, next_hop: nextHop, prefixes }
}

export function wd (prefixes: string[], extra: Partial<Withdrawal> = {}): Withdrawal {
  return { ...extra, prefixes }
}

export const ATTRS: RecordAttributes = {
  origin: 'IGP',
  as_path: [{ type: 'AS_SEQUENCE', asns: [64500, 2914] }, { type: 'AS_SET', asns: [64496, 64497] }],
  med: 10,
  local_pref: 100,
  aggregator: { asn: 64497, ip: '203.0.113.1' },
  communities: ['2914:420', '2914:1214'],
  large_communities: ['64500:1:2']
}

export function updateRecord (announce: Announcement[], withdraw: Withdrawal[] = [], attrs: RecordAttributes = ATTRS, meta: RecordMeta = META): UpdateRecord {
  return makeUpdateRecord(meta, announce, withdraw, announce.length === 0 ? {} : attrs)
}

export function peerState (oldState: PeerState, newState: PeerState, meta: RecordMeta = META, reason?: string): PeerStateRecord {
  return makePeerStateRecord(meta, oldState, newState, reason)
}

let validator: ValidateFunction | undefined
/** The frame schema's validator, compiled on first use. */
export function validateFrame (): ValidateFunction {
  validator ??= new Ajv2020({ strict: true, allErrors: true }).compile(
    JSON.parse(readFileSync(resolve(root, 'schema/frame.schema.json'), 'utf8')))
  return validator
}

export { rng }
