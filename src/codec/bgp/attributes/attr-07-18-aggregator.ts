// AGGREGATOR, type code 7 (RFC 4271 §4.3 (g), §5.1.7; 4-octet AS per RFC 6793 §4.1) and
// AS4_AGGREGATOR, type code 18 (RFC 6793 §3): the aggregating AS, then its BGP identifier.

import { formatIpv4, parseIpv4 } from '../../address.ts'
import { AttrType } from '../constants.ts'
import { ErrorAction } from '../errors.ts'
import type { AggregatorAttribute } from '../types.ts'
import { lengthError, readU32, writeU32 } from './attribute-error.ts'

/** RFC 7606 §7.7: a length other than 6 (8 with 4-octet ASNs) is attribute discard. */
export function decodeAggregator (buf: Uint8Array, start: number, end: number, flags: number, asn4: boolean): AggregatorAttribute {
  const asnSize = asn4 ? 4 : 2
  if (end - start !== asnSize + 4) throw lengthError('AGGREGATOR', end - start, ErrorAction.ATTRIBUTE_DISCARD)
  const asn = asn4 ? readU32(buf, start) : (buf[start] << 8) | buf[start + 1]
  return { kind: 'aggregator', code: AttrType.AGGREGATOR, flags, asn, address: formatIpv4(buf, start + asnSize), asnSize }
}

/** RFC 6793 §6: a malformed AS4_AGGREGATOR is discarded. */
export function decodeAs4Aggregator (buf: Uint8Array, start: number, end: number, flags: number): AggregatorAttribute {
  if (end - start !== 8) throw lengthError('AS4_AGGREGATOR', end - start, ErrorAction.ATTRIBUTE_DISCARD)
  return { kind: 'as4-aggregator', code: AttrType.AS4_AGGREGATOR, flags, asn: readU32(buf, start), address: formatIpv4(buf, start + 4), asnSize: 4 }
}

export function encodeAggregator (attr: AggregatorAttribute): Uint8Array {
  const address = parseIpv4(attr.address)
  if (address === null) throw new RangeError(`aggregator address is not IPv4: ${attr.address}`)
  const out = new Uint8Array(attr.asnSize + 4)
  if (attr.asnSize === 4) {
    writeU32(out, 0, attr.asn)
  } else {
    out[0] = attr.asn >>> 8
    out[1] = attr.asn
  }
  out.set(address, attr.asnSize)
  return out
}
