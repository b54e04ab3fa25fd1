// The JSON form of a record. The in-memory record is its JSON form already (types.ts), and the
// converters build every object with its keys in the order of schema/record.schema.json, so the
// text is JSON.stringify's: one line, V8's native serialiser, stable key order.
import type { BgpRecord } from './types.ts'

/** One line of JSON, no trailing newline. */
export function recordToJson (record: BgpRecord): string {
  return JSON.stringify(record)
}

/**
 * A record from its JSON text, without validation (validate against schema/record.schema.json
 * where the text is not trusted). Throws SyntaxError on text that is not JSON, TypeError on JSON
 * that is not an object with a record `type`.
 */
export function parseRecord (json: string): BgpRecord {
  const value: unknown = JSON.parse(json)
  if (typeof value !== 'object' || value === null) throw new TypeError('record JSON is not an object')
  const type = (value as { type?: unknown }).type
  if (type !== 'update' && type !== 'peer_state') throw new TypeError('record JSON has no record type')
  return value as BgpRecord
}
