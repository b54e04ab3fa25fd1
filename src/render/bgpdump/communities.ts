// COMMUNITIES text as bgpdump 1.6.2 prints it in -m lines: "a:b" per community, both halves as
// unsigned 16-bit decimals, separated by spaces; 0xFFFFFF01/02/03 as no-export, no-advertise,
// local-AS. bgpdump builds the text in a BUFSIZ (8192) buffer: a name that does not fit is left
// out, a number that does not fit is cut, so very long lists end early; reproduced here.
// A trailing partial community (length not a multiple of 4) is ignored.

import { DECIMAL } from './format-address.ts'
import { writeAscii, writeDecimal } from './write-bytes.ts'

const BUFSIZ = 8192
/** Room writeCommunities may need. */
export const COMMUNITIES_ROOM = BUFSIZ
/** The longest text of one community ("no-advertise"), with its separator. */
const MAX_ONE = 13

function half (n: number): string {
  return n < 256 ? DECIMAL[n] : String(n)
}

function communityText (value: number): string {
  switch (value) {
    case 0xffffff01: return 'no-export'
    case 0xffffff02: return 'no-advertise'
    case 0xffffff03: return 'local-AS'
    default: return half(value >>> 16) + ':' + half(value & 0xffff)
  }
}

/** Text of the communities in `buf[start, end)`, without bgpdump's leading space. */
export function communitiesText (buf: Uint8Array, start: number, end: number): string {
  const count = (end - start) >>> 2
  let out = ''
  for (let i = 0, p = start; i < count; i++, p += 4) {
    const value = ((buf[p] << 24) | (buf[p + 1] << 16) | (buf[p + 2] << 8) | buf[p + 3]) >>> 0
    out += i === 0 ? communityText(value) : ' ' + communityText(value)
  }
  // The leading space bgpdump writes before the first one counts against its buffer.
  return out.length + 1 < BUFSIZ ? out : truncated(buf, start, count)
}

/** communitiesText written at `out[q]`; returns its end. */
export function writeCommunities (out: Uint8Array, q: number, buf: Uint8Array, start: number, end: number): number {
  const count = (end - start) >>> 2
  // A list that may not fit bgpdump's buffer takes the string way, which cuts it as bgpdump does.
  if (count * MAX_ONE + 1 >= BUFSIZ) return writeAscii(out, q, communitiesText(buf, start, end))
  for (let i = 0, p = start; i < count; i++, p += 4) {
    if (i > 0) out[q++] = 32
    const high = (buf[p] << 8) | buf[p + 1]
    const low = (buf[p + 2] << 8) | buf[p + 3]
    if (high === 0xffff && low >= 0xff01 && low <= 0xff03) {
      q = writeAscii(out, q, low === 0xff01 ? 'no-export' : low === 0xff02 ? 'no-advertise' : 'local-AS')
      continue
    }
    q = writeDecimal(out, q, high)
    out[q++] = 58 // ':'
    q = writeDecimal(out, q, low)
  }
  return q
}

function truncated (buf: Uint8Array, start: number, count: number): string {
  let text = ''
  for (let i = 0, p = start; i < count; i++, p += 4) {
    const value = ((buf[p] << 24) | (buf[p + 1] << 16) | (buf[p + 2] << 8) | buf[p + 3]) >>> 0
    const piece = ' ' + communityText(value)
    if (value >= 0xffffff01 && value <= 0xffffff03) {
      if (text.length + piece.length < BUFSIZ) text += piece
    } else {
      text += piece.slice(0, Math.max(0, BUFSIZ - 1 - text.length))
    }
  }
  return text.slice(1)
}
