// ATOMIC_AGGREGATE, type code 6 (RFC 4271 §4.3 (f), §5.1.6): no value.

import { AttrType } from '../constants.ts'
import { ErrorAction } from '../errors.ts'
import type { AtomicAggregateAttribute } from '../types.ts'
import { lengthError } from './attribute-error.ts'

/** RFC 7606 §7.6: a length other than 0 is attribute discard. */
export function decodeAtomicAggregate (_buf: Uint8Array, start: number, end: number, flags: number): AtomicAggregateAttribute {
  if (end !== start) throw lengthError('ATOMIC_AGGREGATE', end - start, ErrorAction.ATTRIBUTE_DISCARD)
  return { kind: 'atomic-aggregate', code: AttrType.ATOMIC_AGGREGATE, flags }
}

export function encodeAtomicAggregate (_attr: AtomicAggregateAttribute): Uint8Array {
  return new Uint8Array(0)
}
