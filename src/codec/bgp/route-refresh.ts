// ROUTE-REFRESH (RFC 2918 §3): AFI (2), Reserved (1), SAFI (1). RFC 7313 §3.2 turns the
// reserved octet into a subtype (0 normal, 1 BoRR, 2 EoRR); RFC 5291 §4 appends ORF entries,
// kept raw in `rest`.

import { ErrorCode, RouteRefreshErrorSubcode } from './constants.ts'
import { BgpDecodeError } from './errors.ts'
import type { ByteWriter } from './byte-writer.ts'
import type { RouteRefreshMessage } from './types.ts'

/** `buf[start, end)` is the body; the header check guarantees at least 4 octets. */
export function decodeRouteRefreshBody (buf: Uint8Array, start: number, end: number): RouteRefreshMessage {
  const subtype = buf[start + 2]
  // RFC 7313 §5: BoRR and EoRR have exactly the 4 fixed octets.
  if ((subtype === 1 || subtype === 2) && end - start !== 4) {
    throw new BgpDecodeError(ErrorCode.ROUTE_REFRESH_MESSAGE, RouteRefreshErrorSubcode.INVALID_MESSAGE_LENGTH,
      `ROUTE-REFRESH subtype ${subtype} with ${end - start} octets`, { data: buf.subarray(start, end) })
  }
  return { type: 'route-refresh', afi: (buf[start] << 8) | buf[start + 1], subtype, safi: buf[start + 3], rest: buf.subarray(start + 4, end) }
}

export function writeRouteRefreshBody (out: ByteWriter, message: RouteRefreshMessage): void {
  out.u16(message.afi)
  out.u8(message.subtype)
  out.u8(message.safi)
  out.bytes(message.rest)
}
