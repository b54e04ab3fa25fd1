// AS_PATH text as bgpdump 1.6.2 writes it (process_attr_aspath_string), and its AS4_PATH merge
// (process_asn32_trans / asn32_merge_paths), both reimplemented from the observed rules:
// - segments are joined by a space; AS_SET prints {a,b}, AS_CONFED_SET [a,b],
//   AS_CONFED_SEQUENCE (a b); the closing bracket of a segment is written when the next
//   segment starts (or at the end), so an empty segment still leaves its brackets;
// - an unknown segment type or a segment overrunning the attribute gives "! Error !" and an
//   AS count of 0;
// - past 7900 characters the text ends in "..." and nothing more is added;
// - the AS count (for the merge) adds the length of (confed) sequences and 1 per (confed) set.
// The merge (2-octet sessions only): when AS_PATH counts at least as many ASes as AS4_PATH, the
// result is the FIRST AS_PATH segment, expanded to 4 octets, repeated until the leading
// (count(AS_PATH) - count(AS4_PATH)) ASes are covered (the last copy of a sequence trimmed), then
// AS4_PATH as it is. bgpdump never moves past the first segment, which RFC 6793 §4.2.3 would;
// we reproduce that, as -m output is what is being matched.

import { DECIMAL } from './format-address.ts'

export const AS_PATH_ERROR = '! Error !'
const MAX_TEXT = 8000

const OPEN = ['', '{', ' ', '(', '[']
const CLOSE = ['', '}', ' ', ')', ']']

/** The AS count of the latest asPathText() call (0 after an error). */
export let asPathCount = 0

function asnText (n: number): string {
  return n < 256 ? DECIMAL[n] : String(n)
}

/** Text of the AS path segments in `buf[start, end)`, ASNs of `asnSize` octets. */
export function asPathText (buf: Uint8Array, start: number, end: number, asnSize: number): string {
  let out = ''
  let prevType = 2
  let space = false
  let count = 0
  let p = start
  let lastType = 0
  while (p < end) {
    const type = buf[p]
    const length = p + 1 < end ? buf[p + 1] : 0
    if (type < 1 || type > 4 || p + 2 + length * asnSize > end) {
      asPathCount = 0
      return AS_PATH_ERROR
    }
    if (prevType !== 2) out += CLOSE[prevType]
    if (space) out += ' '
    if (type !== 2) out += OPEN[type]
    space = false
    count += type === 1 || type === 4 ? 1 : length
    const sep = type === 1 || type === 4 ? ',' : ' '
    let q = p + 2
    for (let i = 0; i < length; i++, q += asnSize) {
      if (space) out += sep
      else space = true
      out += asnText(asnSize === 4 ? ((buf[q] << 24) | (buf[q + 1] << 16) | (buf[q + 2] << 8) | buf[q + 3]) >>> 0 : (buf[q] << 8) | buf[q + 1])
      if (out.length > MAX_TEXT - 100) {
        asPathCount = count
        return out + '...'
      }
    }
    prevType = type
    lastType = type
    p = q
  }
  if (lastType !== 0 && lastType !== 2) out += CLOSE[lastType]
  asPathCount = count
  return out
}

/**
 * bgpdump's merge of a 2-octet AS_PATH (`path`, `pathCount` ASes) with AS4_PATH (`newPath`,
 * `newCount`), as the text of the merged path; null when bgpdump keeps AS_PATH unchanged.
 */
export function mergedAsPathText (
  path: Uint8Array, pathStart: number, pathEnd: number, pathCount: number,
  newPath: Uint8Array, newStart: number, newEnd: number, newCount: number
): string | null {
  if (pathCount < newCount) return null
  const leading = pathCount - newCount
  const parts: number[] = []
  let count = 0
  const type = pathEnd - pathStart >= 1 ? path[pathStart] : 0
  const length = pathEnd - pathStart >= 2 ? path[pathStart + 1] : 0
  const isSet = type === 1 || type === 4
  while (count < leading) {
    let take = length
    if (isSet) {
      count += 1
    } else {
      count += length
      if (count > leading) take -= count - leading
      if (length === 0) break // bgpdump would loop forever here
    }
    parts.push(type, take)
    for (let i = 0; i < take; i++) {
      const q = pathStart + 2 + 2 * i
      parts.push(0, 0, q < pathEnd ? path[q] : 0, q + 1 < pathEnd ? path[q + 1] : 0)
    }
  }
  const merged = new Uint8Array(parts.length + (newEnd - newStart))
  merged.set(parts, 0)
  merged.set(newPath.subarray(newStart, newEnd), parts.length)
  return asPathText(merged, 0, merged.length, 4)
}
