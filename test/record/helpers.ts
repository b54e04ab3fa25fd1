// Builders of decoded BGP values for the record tests, and the schema validator (compiled once).
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import type { ValidateFunction } from 'ajv/dist/2020.js'
import { AttrFlag } from '../../src/codec/bgp/constants.ts'
import type { PathAttribute, PrefixList, UpdateMessage } from '../../src/codec/bgp/types.ts'
import type { RecordMeta } from '../../src/record/types.ts'

export const root = resolve(import.meta.dirname, '../..')
export const dataDir = resolve(root, '../shared/data')

export const schema = JSON.parse(readFileSync(resolve(root, 'schema/record.schema.json'), 'utf8'))

let validator: ValidateFunction | undefined
/** The schema's validator, compiled on first use. */
export function validateRecord (): ValidateFunction {
  validator ??= new Ajv2020({ strict: true, allErrors: false }).compile(schema)
  return validator
}

export const META: RecordMeta = { time_us: 1_427_846_400_000_000, source: 'test', vp: { ip: '192.0.2.1', asn: 64500 } }

export function list (prefixes: string[], opts: { afi?: number, safi?: number, pathIds?: number[], hostBits?: boolean } = {}): PrefixList {
  const out: PrefixList = { afi: opts.afi ?? 1, safi: opts.safi ?? 1, prefixes, pathIds: opts.pathIds ?? null }
  if (opts.hostBits === true) out.hostBits = true
  return out
}

export function update (attributes: PathAttribute[], nlri: string[] = [], withdrawn: string[] = []): UpdateMessage {
  return { type: 'update', withdrawn: list(withdrawn), attributes, nlri: list(nlri) }
}

const WK = AttrFlag.TRANSITIVE
const OPT = AttrFlag.OPTIONAL
const OPT_T = AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE

export const attr = {
  origin: (origin: number): PathAttribute => ({ kind: 'origin', code: 1, flags: WK, origin }),
  asPath: (segments: Array<[number, number[]]>, asnSize: 2 | 4 = 4): PathAttribute =>
    ({ kind: 'as-path', code: 2, flags: WK, asnSize, segments: segments.map(([type, asns]) => ({ type, asns })) }),
  as4Path: (segments: Array<[number, number[]]>): PathAttribute =>
    ({ kind: 'as4-path', code: 17, flags: OPT_T, asnSize: 4, segments: segments.map(([type, asns]) => ({ type, asns })) }),
  nextHop: (nextHop: string): PathAttribute => ({ kind: 'next-hop', code: 3, flags: WK, nextHop }),
  med: (med: number): PathAttribute => ({ kind: 'med', code: 4, flags: OPT, med }),
  localPref: (localPref: number): PathAttribute => ({ kind: 'local-pref', code: 5, flags: WK, localPref }),
  atomic: (): PathAttribute => ({ kind: 'atomic-aggregate', code: 6, flags: WK }),
  aggregator: (asn: number, address: string, asnSize: 2 | 4 = 4): PathAttribute =>
    ({ kind: 'aggregator', code: 7, flags: OPT_T, asn, address, asnSize }),
  as4Aggregator: (asn: number, address: string): PathAttribute =>
    ({ kind: 'as4-aggregator', code: 18, flags: OPT_T, asn, address, asnSize: 4 }),
  communities: (communities: number[]): PathAttribute => ({ kind: 'communities', code: 8, flags: OPT_T, communities }),
  large: (values: number[]): PathAttribute => ({ kind: 'large-communities', code: 32, flags: OPT_T, values }),
  ext: (communities: Uint8Array[]): PathAttribute => ({ kind: 'extended-communities', code: 16, flags: OPT_T, communities }),
  originatorId: (originatorId: string): PathAttribute => ({ kind: 'originator-id', code: 9, flags: OPT, originatorId }),
  clusterList: (clusterIds: string[]): PathAttribute => ({ kind: 'cluster-list', code: 10, flags: OPT, clusterIds }),
  otc: (asn: number): PathAttribute => ({ kind: 'only-to-customer', code: 35, flags: OPT_T, asn }),
  unknown: (code: number, value: number[], flags = OPT_T): PathAttribute => ({ kind: 'unknown', code, flags, value: Uint8Array.from(value) }),
  mpReach: (afi: number, safi: number, nextHops: string[], nlri: PrefixList | null, extra: { nextHopBytes?: number[], nlriBytes?: number[], abbreviated?: boolean } = {}): PathAttribute => ({
    kind: 'mp-reach',
    code: 14,
    flags: OPT,
    afi,
    safi,
    nextHops,
    nextHopBytes: Uint8Array.from(extra.nextHopBytes ?? []),
    reserved: 0,
    nlri,
    nlriBytes: Uint8Array.from(extra.nlriBytes ?? []),
    abbreviated: extra.abbreviated ?? false
  }),
  mpUnreach: (afi: number, safi: number, withdrawn: PrefixList | null, withdrawnBytes: number[] = []): PathAttribute =>
    ({ kind: 'mp-unreach', code: 15, flags: OPT, afi, safi, withdrawn, withdrawnBytes: Uint8Array.from(withdrawnBytes) })
}

/** Top-level and nested key orders must follow the schema's property order. */
export function keyOrderErrors (value: unknown, schemaNode: Record<string, unknown>, path = '$'): string[] {
  const defs = schema.$defs as Record<string, Record<string, unknown>>
  const resolveRef = (node: Record<string, unknown>): Record<string, unknown> => {
    let n = node
    while (typeof n.$ref === 'string') n = defs[n.$ref.replace('#/$defs/', '')]
    return n
  }
  const node = resolveRef(schemaNode)
  const errors: string[] = []
  if (Array.isArray(value)) {
    const items = node.items as Record<string, unknown> | undefined
    if (items !== undefined) value.forEach((v, i) => errors.push(...keyOrderErrors(v, items, `${path}[${i}]`)))
    return errors
  }
  if (typeof value !== 'object' || value === null) return errors
  const props = node.properties as Record<string, Record<string, unknown>> | undefined
  if (props === undefined) return errors
  const order = Object.keys(props)
  const keys = Object.keys(value)
  const positions = keys.map((k) => order.indexOf(k))
  for (let i = 1; i < positions.length; i++) {
    if (positions[i] < positions[i - 1]) errors.push(`${path}: key ${keys[i]} out of order in ${keys.join(',')}`)
  }
  for (const k of keys) if (props[k] !== undefined) errors.push(...keyOrderErrors((value as Record<string, unknown>)[k], props[k], `${path}.${k}`))
  return errors
}
