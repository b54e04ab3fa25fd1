// ADD-PATH in Route Monitoring (RFC 7854 §4.6, RFC 7911): the codec decodes an UPDATE with path
// identifiers when the Peer Up's OPENs negotiated ADD-PATH for its family (session-state.ts).
// That holds for what the router received as it was received (pre-policy Adj-RIB-In), but
// RFC 7854 does not say how a router encodes the UPDATEs it builds itself, and some build them
// without path identifiers: GoBGP 3.10 does so for post-policy Adj-RIB-In (checked against a
// real gobgpd in test/sources/bmp/gobgp.test.ts). Read with path identifiers, such an UPDATE is
// malformed NLRI or withdrawn routes (a session reset, RFC 7606 §5.3), so when that happens
// the message is read again without them, and kept only if it then decodes cleanly.

import { createDecodeContext } from '../../codec/bgp/decode-context.ts'
import type { DecodeContext } from '../../codec/bgp/decode-context.ts'
import { ErrorAction } from '../../codec/bgp/errors.ts'
import { decodeRouteMonitoring } from '../../codec/bmp/route-monitoring.ts'
import type { RouteMonitoringMessage } from '../../codec/bmp/types.ts'

const WITHOUT_ADD_PATH_AS4 = createDecodeContext({ asn4: true, extendedMessage: true })
const WITHOUT_ADD_PATH_AS2 = createDecodeContext({ asn4: false, extendedMessage: true })

function unreadable (msg: RouteMonitoringMessage): boolean {
  return msg.update === null || msg.update.error?.action === ErrorAction.SESSION_RESET
}

/**
 * The message read again without path identifiers when it was unreadable with them and is
 * readable without; otherwise null. `bytes` is the whole BMP message `msg` was decoded from.
 */
export function withoutAddPath (bytes: Uint8Array, msg: RouteMonitoringMessage): RouteMonitoringMessage | null {
  if (msg.context.addPath.size === 0 || !unreadable(msg)) return null
  const context: DecodeContext = msg.context.asn4 ? WITHOUT_ADD_PATH_AS4 : WITHOUT_ADD_PATH_AS2
  const again = decodeRouteMonitoring(bytes, undefined, context)
  if (unreadable(again)) return null
  return { ...again, peerKnown: msg.peerKnown }
}
