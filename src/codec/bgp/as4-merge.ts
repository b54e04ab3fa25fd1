// RFC 6793 §4.2.3: how a speaker reconstructs the true AS path and aggregator from a session
// without 4-octet AS support, where AS_PATH and AGGREGATOR carry AS_TRANS in place of
// 4-octet ASNs and AS4_PATH / AS4_AGGREGATOR carry the real ones.

import { AS_TRANS, AsPathSegmentType } from './constants.ts'
import type { AggregatorAttribute, AsPathSegment } from './types.ts'

function isConfed (segment: AsPathSegment): boolean {
  return segment.type === AsPathSegmentType.AS_CONFED_SEQUENCE || segment.type === AsPathSegmentType.AS_CONFED_SET
}

/** RFC 4271 §9.1.2.2 (c) and RFC 5065 §5.3: an AS_SET counts as one, confederation segments as none. */
export function pathLength (segments: readonly AsPathSegment[]): number {
  let length = 0
  for (const segment of segments) {
    if (segment.type === AsPathSegmentType.AS_SEQUENCE) length += segment.asns.length
    else if (segment.type === AsPathSegmentType.AS_SET) length += 1
  }
  return length
}

/**
 * Merge AS_PATH with AS4_PATH (RFC 6793 §4.2.3). Confederation segments in AS4_PATH are
 * dropped (§6). When AS_PATH is shorter than AS4_PATH, AS4_PATH is ignored; otherwise the
 * leading ASNs of AS_PATH that AS4_PATH lacks are put in front of AS4_PATH. Leading
 * confederation segments of AS_PATH are kept. Returns new segments; the inputs are not changed.
 */
export function mergeAsPath (asPath: readonly AsPathSegment[], as4Path: readonly AsPathSegment[]): AsPathSegment[] {
  const tail = as4Path.filter(segment => !isConfed(segment))
  let needed = pathLength(asPath) - pathLength(tail)
  if (needed < 0) return asPath.map(copySegment)

  const merged: AsPathSegment[] = []
  for (const segment of asPath) {
    if (needed === 0 && !isConfed(segment)) break
    if (isConfed(segment)) {
      merged.push(copySegment(segment))
    } else if (segment.type === AsPathSegmentType.AS_SET) {
      merged.push(copySegment(segment))
      needed -= 1
    } else {
      const take = Math.min(needed, segment.asns.length)
      merged.push({ type: segment.type, asns: segment.asns.slice(0, take) })
      needed -= take
    }
  }
  tail.forEach((segment, k) => {
    const last = merged[merged.length - 1]
    // Join the two halves of an AS_SEQUENCE cut where AS4_PATH begins.
    if (k === 0 && last !== undefined && last.type === AsPathSegmentType.AS_SEQUENCE && segment.type === AsPathSegmentType.AS_SEQUENCE) {
      last.asns.push(...segment.asns)
    } else {
      merged.push(copySegment(segment))
    }
  })
  return merged
}

function copySegment (segment: AsPathSegment): AsPathSegment {
  return { type: segment.type, asns: segment.asns.slice() }
}

/**
 * RFC 6793 §4.2.3: AS4_AGGREGATOR replaces AGGREGATOR only when AGGREGATOR's AS is AS_TRANS.
 * (When it is not, AS4_PATH is to be ignored as well: see `shouldUseAs4Path`.)
 */
export function mergeAggregator (aggregator: AggregatorAttribute, as4Aggregator: AggregatorAttribute | undefined): { asn: number, address: string } {
  if (as4Aggregator !== undefined && aggregator.asnSize === 2 && aggregator.asn === AS_TRANS) {
    return { asn: as4Aggregator.asn, address: as4Aggregator.address }
  }
  return { asn: aggregator.asn, address: aggregator.address }
}

/**
 * RFC 6793 §4.1 and §4.2.3: AS4_PATH counts only on a session without 4-octet ASNs, and not
 * when an AGGREGATOR with a real (non-AS_TRANS) AS is present.
 */
export function shouldUseAs4Path (asPathAsnSize: 2 | 4, aggregator: AggregatorAttribute | undefined): boolean {
  if (asPathAsnSize === 4) return false
  return aggregator === undefined || aggregator.asn === AS_TRANS
}
