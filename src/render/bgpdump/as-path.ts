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
// The text is written as bytes (writeAsPath); asPathText is the same as a string.

import { writeAscii, writeDecimal } from './write-bytes.ts'

export const AS_PATH_ERROR = '! Error !'
const MAX_TEXT = 8000
/** Room writeAsPath may need: the text, cut past MAX_TEXT - 100, one more ASN and "...". */
export const AS_PATH_ROOM = MAX_TEXT + 16

// Brackets by segment type ({ } sets, ( ) confed sequences, [ ] confed sets); 0 for none.
const OPEN = new Uint8Array([0, 123, 0, 40, 91])
const CLOSE = new Uint8Array([0, 125, 0, 41, 93])

/** The AS count of the latest asPathText() / writeAsPath() call (0 after an error). */
export let asPathCount = 0

const scratch = Buffer.allocUnsafeSlow(AS_PATH_ROOM)

/** Text of the AS path segments in `buf[start, end)`, ASNs of `asnSize` octets, at `out[q]`; returns its end. */
export function writeAsPath (out: Uint8Array, q: number, buf: Uint8Array, start: number, end: number, asnSize: number): number {
  const q0 = q
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
      return writeAscii(out, q0, AS_PATH_ERROR)
    }
    if (prevType !== 2) out[q++] = CLOSE[prevType]
    if (space) out[q++] = 32
    if (type !== 2) out[q++] = OPEN[type]
    space = false
    const set = type === 1 || type === 4
    count += set ? 1 : length
    const sep = set ? 44 : 32
    let r = p + 2
    for (let i = 0; i < length; i++, r += asnSize) {
      if (space) out[q++] = sep
      else space = true
      q = writeDecimal(out, q, asnSize === 4 ? ((buf[r] << 24) | (buf[r + 1] << 16) | (buf[r + 2] << 8) | buf[r + 3]) >>> 0 : (buf[r] << 8) | buf[r + 1])
      if (q - q0 > MAX_TEXT - 100) {
        asPathCount = count
        out[q] = 46
        out[q + 1] = 46
        out[q + 2] = 46
        return q + 3
      }
    }
    prevType = type
    lastType = type
    p = r
  }
  if (lastType !== 0 && lastType !== 2) out[q++] = CLOSE[lastType]
  asPathCount = count
  return q
}

/** Text of the AS path segments in `buf[start, end)`, ASNs of `asnSize` octets. */
export function asPathText (buf: Uint8Array, start: number, end: number, asnSize: number): string {
  return scratch.toString('latin1', 0, writeAsPath(scratch, 0, buf, start, end, asnSize))
}

/**
 * bgpdump's merge of a 2-octet AS_PATH (`path`, `pathCount` ASes) with AS4_PATH (`newPath`,
 * `newCount`), its text written at `out[q]`; returns its end, or -1 (nothing written) when
 * bgpdump keeps AS_PATH unchanged.
 */
export function writeMergedAsPath (
  out: Uint8Array, q: number,
  path: Uint8Array, pathStart: number, pathEnd: number, pathCount: number,
  newPath: Uint8Array, newStart: number, newEnd: number, newCount: number
): number {
  if (pathCount < newCount) return -1
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
      const r = pathStart + 2 + 2 * i
      parts.push(0, 0, r < pathEnd ? path[r] : 0, r + 1 < pathEnd ? path[r + 1] : 0)
    }
  }
  const merged = new Uint8Array(parts.length + (newEnd - newStart))
  merged.set(parts, 0)
  merged.set(newPath.subarray(newStart, newEnd), parts.length)
  return writeAsPath(out, q, merged, 0, merged.length, 4)
}

/** writeMergedAsPath as a string; null when bgpdump keeps AS_PATH unchanged. */
export function mergedAsPathText (
  path: Uint8Array, pathStart: number, pathEnd: number, pathCount: number,
  newPath: Uint8Array, newStart: number, newEnd: number, newCount: number
): string | null {
  const end = writeMergedAsPath(scratch, 0, path, pathStart, pathEnd, pathCount, newPath, newStart, newEnd, newCount)
  return end < 0 ? null : scratch.toString('latin1', 0, end)
}
