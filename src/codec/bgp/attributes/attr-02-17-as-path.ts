// AS_PATH, type code 2 (RFC 4271 §4.3 (b), §5.1.2; RFC 5065 confederation segments; RFC 6793
// 4-octet ASNs) and AS4_PATH, type code 17 (RFC 6793 §3). Both are a list of segments:
// type (1 octet), number of ASNs (1 octet), then the ASNs, 2 or 4 octets each.

import { AsPathSegmentType, AttrType, UpdateErrorSubcode } from '../constants.ts'
import { ErrorAction } from '../errors.ts'
import type { BgpDecodeError, ErrorActionValue } from '../errors.ts'
import type { AsPathAttribute, AsPathSegment } from '../types.ts'
import { attributeError, writeU32 } from './attribute-error.ts'

/** RFC 7606 §7.2: a malformed AS_PATH is treat-as-withdraw. */
export function decodeAsPath (buf: Uint8Array, start: number, end: number, flags: number, asn4: boolean): AsPathAttribute {
  const asnSize = asn4 ? 4 : 2
  const segments = decodeSegments(buf, start, end, asnSize, ErrorAction.TREAT_AS_WITHDRAW, 'AS_PATH')
  return { kind: 'as-path', code: AttrType.AS_PATH, flags, segments, asnSize }
}

/** RFC 6793 §6 (and RFC 7606 §7.12): a malformed AS4_PATH is discarded. ASNs are always 4 octets. */
export function decodeAs4Path (buf: Uint8Array, start: number, end: number, flags: number): AsPathAttribute {
  const segments = decodeSegments(buf, start, end, 4, ErrorAction.ATTRIBUTE_DISCARD, 'AS4_PATH')
  return { kind: 'as4-path', code: AttrType.AS4_PATH, flags, segments, asnSize: 4 }
}

function decodeSegments (
  buf: Uint8Array, start: number, end: number, asnSize: 2 | 4, action: ErrorActionValue, name: string
): AsPathSegment[] {
  const segments: AsPathSegment[] = []
  let i = start
  while (i < end) {
    // RFC 7606 §7.2: an unknown segment type, a zero-length segment or an overrun is malformed.
    if (end - i < 2) throw malformed(name, 'truncated segment header', action)
    const type = buf[i]
    const count = buf[i + 1]
    if (type < AsPathSegmentType.AS_SET || type > AsPathSegmentType.AS_CONFED_SET) {
      throw malformed(name, `undefined segment type ${type}`, action)
    }
    if (count === 0) throw malformed(name, 'empty segment', action)
    i += 2
    if (i + count * asnSize > end) throw malformed(name, 'segment overruns the attribute', action)
    const asns = new Array<number>(count)
    if (asnSize === 4) {
      for (let k = 0; k < count; k++, i += 4) asns[k] = ((buf[i] << 24) | (buf[i + 1] << 16) | (buf[i + 2] << 8) | buf[i + 3]) >>> 0
    } else {
      for (let k = 0; k < count; k++, i += 2) asns[k] = (buf[i] << 8) | buf[i + 1]
    }
    segments.push({ type, asns })
  }
  return segments
}

function malformed (name: string, detail: string, action: ErrorActionValue): BgpDecodeError {
  return attributeError(UpdateErrorSubcode.MALFORMED_AS_PATH, action, `${name}: ${detail}`)
}

/** Encode the segments with the attribute's own ASN size. A segment longer than 255 ASNs is a RangeError. */
export function encodeAsPath (attr: AsPathAttribute): Uint8Array {
  let length = 0
  for (const segment of attr.segments) length += 2 + segment.asns.length * attr.asnSize
  const out = new Uint8Array(length)
  let i = 0
  for (const segment of attr.segments) {
    if (segment.asns.length > 255) throw new RangeError('an AS_PATH segment holds at most 255 ASNs')
    out[i++] = segment.type
    out[i++] = segment.asns.length
    for (const asn of segment.asns) {
      if (attr.asnSize === 4) {
        writeU32(out, i, asn)
        i += 4
      } else {
        out[i++] = asn >>> 8
        out[i++] = asn
      }
    }
  }
  return out
}
