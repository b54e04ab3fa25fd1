// The hand-written frame types against schema/frame.schema.json and control-frame.schema.json:
// every field and which are required (checked by tsc against the types, and at run time against
// the schemas), and every enumeration.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { it } from 'node:test'
import type { ErrorCode } from '../src/errors.ts'
import type { Announcement, BmpView, ErrorFrame, ErrorFrameCode, GapFrame, PeerState, UpdateType, Withdrawal } from '../src/frames.ts'
import { ROOT } from './helpers/serve.ts'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T]
type Keys<T extends readonly string[]> = T[number]

const ANNOUNCEMENT = ['seq', 'record_type', 'vp', 'bmp_peer', 'sec', 'Usec', 'prefixes', 'path_ids', 'as-path', 'communities', 'nexthop', 'origin', 'nexthop_ll', 'large_communities', 'ext_communities', 'med', 'local_pref', 'aggregator', 'atomic_aggregate', 'otc', 'collector', 'bmp_view', 'rib'] as const
const ANNOUNCEMENT_REQUIRED = ['seq', 'record_type', 'vp', 'sec', 'Usec', 'prefixes', 'collector'] as const
const WITHDRAWAL = ['seq', 'record_type', 'vp', 'bmp_peer', 'sec', 'Usec', 'withdrawn', 'path_ids', 'collector', 'bmp_view', 'rib'] as const
const WITHDRAWAL_REQUIRED = ['seq', 'record_type', 'vp', 'sec', 'Usec', 'withdrawn', 'collector'] as const
const PEER_STATE = ['seq', 'record_type', 'vp', 'bmp_peer', 'sec', 'Usec', 'state', 'old_state', 'new_state', 'reason', 'collector', 'bmp_view'] as const
const PEER_STATE_REQUIRED = ['seq', 'record_type', 'vp', 'sec', 'Usec', 'state', 'old_state', 'new_state', 'collector'] as const
const GAP = ['record_type', 'reason', 'since', 'first_seq', 'last_seq'] as const
const ERROR = ['error', 'code', 'details', 'last_seq'] as const
const ERROR_REQUIRED = ['error', 'code'] as const

const UPDATE_TYPES = ['update', 'bmp_update'] as const
const PEER_STATE_TYPES = ['peer_state', 'bmp_peer_state'] as const
const BMP_VIEWS = ['adj-rib-in-pre', 'adj-rib-in-post', 'loc-rib', 'adj-rib-out-pre', 'adj-rib-out-post'] as const
const ORIGINS = ['IGP', 'EGP', 'INCOMPLETE'] as const
const STATES = ['up', 'down'] as const
const GAP_REASONS = ['too_old', 'reset'] as const
const CODES = ['BAD_REQUEST', 'UNKNOWN_KEY', 'KEY_REVOKED', 'NO_PREFIXES', 'SESSION_ALREADY_OPEN', 'PREFIX_MALFORMED', 'PREFIX_HOST_BITS', 'PREFIX_TOO_SHORT', 'TOO_MANY_PREFIXES', 'RATE_LIMITED', 'SLOW_CONSUMER', 'INTERNAL'] as const

// Compile-time: the lists above are exactly the fields (and required fields) of the types.
export const typeChecks: true[] = [
  true satisfies Equal<keyof Announcement, Keys<typeof ANNOUNCEMENT>>,
  true satisfies Equal<RequiredKeys<Announcement>, Keys<typeof ANNOUNCEMENT_REQUIRED>>,
  true satisfies Equal<keyof Withdrawal, Keys<typeof WITHDRAWAL>>,
  true satisfies Equal<RequiredKeys<Withdrawal>, Keys<typeof WITHDRAWAL_REQUIRED>>,
  true satisfies Equal<keyof PeerState, Keys<typeof PEER_STATE>>,
  true satisfies Equal<RequiredKeys<PeerState>, Keys<typeof PEER_STATE_REQUIRED>>,
  true satisfies Equal<keyof GapFrame, Keys<typeof GAP>>,
  true satisfies Equal<RequiredKeys<GapFrame>, Keys<typeof GAP>>,
  true satisfies Equal<keyof ErrorFrame, Keys<typeof ERROR>>,
  true satisfies Equal<RequiredKeys<ErrorFrame>, Keys<typeof ERROR_REQUIRED>>,
  true satisfies Equal<UpdateType, Keys<typeof UPDATE_TYPES>>,
  true satisfies Equal<PeerState['record_type'], Keys<typeof PEER_STATE_TYPES>>,
  true satisfies Equal<BmpView, Keys<typeof BMP_VIEWS>>,
  true satisfies Equal<NonNullable<Announcement['origin']>, Keys<typeof ORIGINS>>,
  true satisfies Equal<PeerState['state'], Keys<typeof STATES>>,
  true satisfies Equal<GapFrame['reason'], Keys<typeof GAP_REASONS>>,
  true satisfies Equal<ErrorFrameCode, Keys<typeof CODES>>,
  true satisfies Equal<ErrorCode, Keys<typeof CODES>>
]

interface ObjectSchema { properties: Record<string, { enum?: string[], const?: unknown, $ref?: string }>, required: string[] }
const schema = (name: string): { $defs: Record<string, ObjectSchema & { enum?: string[] }> } =>
  JSON.parse(readFileSync(join(ROOT, 'schema', name), 'utf8'))
const frame = schema('frame.schema.json')
const control = schema('control-frame.schema.json')

const sorted = (list: readonly string[]): string[] => [...list].sort()

it('every data frame type has exactly the schema\'s fields, and the same required ones', () => {
  for (const [name, all, required] of [
    ['announcement', ANNOUNCEMENT, ANNOUNCEMENT_REQUIRED],
    ['withdrawal', WITHDRAWAL, WITHDRAWAL_REQUIRED],
    ['peer_state', PEER_STATE, PEER_STATE_REQUIRED]
  ] as const) {
    const def = frame.$defs[name] as ObjectSchema
    assert.deepEqual(Object.keys(def.properties), [...all], `${name}: fields (in the frame's order)`)
    assert.deepEqual(sorted(def.required), sorted(required), `${name}: required`)
  }
})

it('the gap and error frame types have exactly the control schema\'s fields', () => {
  const gap = control.$defs.gap as ObjectSchema
  assert.deepEqual(sorted(Object.keys(gap.properties)), sorted(GAP))
  assert.deepEqual(sorted(gap.required), sorted(GAP))
  assert.equal(gap.properties.record_type?.const, 'gap')
  assert.deepEqual(gap.properties.reason?.enum, [...GAP_REASONS])
  const error = control.$defs.error as ObjectSchema
  assert.deepEqual(sorted(Object.keys(error.properties)), sorted(ERROR))
  assert.deepEqual(sorted(error.required), sorted(ERROR_REQUIRED))
  assert.deepEqual(error.properties.code?.enum, [...CODES])
})

it('the enumerations match the schema', () => {
  assert.deepEqual(frame.$defs.update_type?.enum, [...UPDATE_TYPES])
  assert.deepEqual(frame.$defs.bmp_view?.enum, [...BMP_VIEWS])
  assert.deepEqual(frame.$defs.announcement?.properties.origin?.enum, [...ORIGINS])
  assert.deepEqual(frame.$defs.peer_state?.properties.record_type?.enum, [...PEER_STATE_TYPES])
  assert.deepEqual(frame.$defs.peer_state?.properties.state?.enum, [...STATES])
  assert.equal(frame.$defs.announcement?.properties.atomic_aggregate?.const, true)
  assert.equal(frame.$defs.announcement?.properties.rib?.const, true)
})
