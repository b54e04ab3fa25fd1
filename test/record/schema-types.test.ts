// The JSON Schema and the TypeScript record types must agree on every object's required and
// optional properties. The lists below are checked against the types by the compiler (tsc runs
// before the tests) and against the schema here, so a change to either side alone fails.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type {
  AggregatorJson,
  Announcement,
  AsPathSegmentJson,
  BmpRouter,
  PeerStateRecord,
  RecordAttributes,
  RecordError,
  RibInfo,
  UnknownAttributeJson,
  UpdateRecord,
  VantagePoint,
  Withdrawal
} from '../../src/record/types.ts'
import { schema } from './helpers.ts'

type RequiredKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? never : K }[keyof T]
type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends (<X>() => X extends B ? 1 : 2) ? true : false

interface Shape { required: readonly string[], all: readonly string[] }

/**
 * Compile-time: `required` and `all` are exactly T's required keys and all its keys; `check`
 * (always `true` at the call) does not compile when they are not.
 */
function shape<T> () {
  return function <const R extends ReadonlyArray<keyof T & string>, const A extends ReadonlyArray<keyof T & string>> (
    required: R,
    all: A,
    check: Equal<RequiredKeys<T>, R[number]> & Equal<keyof T, A[number]>
  ): Shape {
    assert.equal(check, true)
    return { required, all }
  }
}

const SHAPES: Record<string, Shape> = {
  update: shape<UpdateRecord>()(
    ['type', 'time_us', 'source', 'vp', 'announce', 'withdraw', 'attrs'],
    ['type', 'time_us', 'source', 'vp', 'router', 'announce', 'withdraw', 'attrs', 'eor', 'error', 'rib'],
    true),
  peer_state: shape<PeerStateRecord>()(
    ['type', 'time_us', 'source', 'vp', 'old_state', 'new_state'],
    ['type', 'time_us', 'source', 'vp', 'router', 'old_state', 'new_state', 'reason'],
    true),
  vp: shape<VantagePoint>()(['ip', 'asn'], ['ip', 'asn'], true),
  router: shape<BmpRouter>()(['ip', 'view'], ['ip', 'asn', 'name', 'view', 'rd'], true),
  announcement: shape<Announcement>()(['next_hop', 'prefixes'], ['family', 'next_hop', 'next_hop_ll', 'prefixes', 'path_ids'], true),
  withdrawal: shape<Withdrawal>()(['prefixes'], ['family', 'prefixes', 'path_ids'], true),
  attrs: shape<RecordAttributes>()([], [
    'origin', 'as_path', 'med', 'local_pref', 'atomic_aggregate', 'aggregator', 'communities',
    'large_communities', 'ext_communities', 'originator_id', 'cluster_list', 'otc', 'unknown'
  ], true),
  as_path_segment: shape<AsPathSegmentJson>()(['type', 'asns'], ['type', 'asns'], true),
  'attrs.aggregator': shape<AggregatorJson>()(['asn', 'ip'], ['asn', 'ip'], true),
  'attrs.unknown[]': shape<UnknownAttributeJson>()(['code', 'flags', 'value'], ['code', 'flags', 'value'], true),
  'update.error': shape<RecordError>()(['action', 'code', 'subcode', 'message'], ['action', 'code', 'subcode', 'attr', 'message'], true),
  'update.rib': shape<RibInfo>()(['originated_us'], ['originated_us'], true)
}

type Node = { required?: string[], properties?: Record<string, Node>, items?: Node, $ref?: string }

function schemaNode (path: string): Node {
  const defs = schema.$defs as Record<string, Node>
  const deref = (n: Node): Node => n.$ref !== undefined ? deref(defs[n.$ref.replace('#/$defs/', '')]) : n
  const [head, ...rest] = path.split('.')
  let node = deref(defs[head])
  for (const part of rest) {
    const items = part.endsWith('[]')
    node = deref((node.properties ?? {})[items ? part.slice(0, -2) : part])
    if (items) node = deref(node.items ?? {})
  }
  return node
}

for (const [path, expected] of Object.entries(SHAPES)) {
  test(`schema ${path} has the TypeScript type's required and optional properties, in order`, () => {
    const node = schemaNode(path)
    assert.deepEqual([...(node.required ?? [])].sort(), [...expected.required].sort())
    // `all` is written in canonical order: the schema lists properties in that order too.
    assert.deepEqual(Object.keys(node.properties ?? {}), [...expected.all])
  })
}

test('every property in the schema has a description', () => {
  const missing: string[] = []
  const walk = (node: unknown, path: string): void => {
    if (typeof node !== 'object' || node === null) return
    const props = (node as { properties?: Record<string, Record<string, unknown>> }).properties
    if (props !== undefined) {
      for (const [key, prop] of Object.entries(props)) {
        const described = typeof prop.description === 'string' || (typeof prop.$ref === 'string' && typeof (schema.$defs[prop.$ref.replace('#/$defs/', '')] as { description?: unknown }).description === 'string')
        if (!described) missing.push(`${path}.${key}`)
      }
    }
    for (const [key, value] of Object.entries(node)) walk(value, `${path}.${key}`)
  }
  walk(schema, '$')
  assert.deepEqual(missing, [])
})
