// One whole BMP message, common header included: check the header (RFC 7854 §4.1) and dispatch
// on the message type. With a session, Peer Up, Peer Down, Initiation and Termination messages
// update it and Route Monitoring / Route Mirroring are decoded with what it remembers.

import { BmpMessageType, COMMON_HEADER_LENGTH } from './constants.ts'
import { decodeCommonHeader, withCommonHeader } from './common-header.ts'
import { BmpDecodeError } from './errors.ts'
import { decodeInitiation, encodeInitiation } from './initiation.ts'
import { decodePeerDown, encodePeerDown } from './peer-down.ts'
import { decodePeerUp, encodePeerUp } from './peer-up.ts'
import { decodeRouteMirroring, encodeRouteMirroring } from './route-mirroring.ts'
import { decodeRouteMonitoring, encodeRouteMonitoring } from './route-monitoring.ts'
import { notePeerDown, notePeerUp } from './session-state.ts'
import type { BmpSession } from './session-state.ts'
import { decodeStatisticsReport, encodeStatisticsReport } from './statistics.ts'
import { decodeTermination, encodeTermination } from './termination.ts'
import type { BmpMessage } from './types.ts'

/**
 * Decode one BMP message; `buf` holds exactly that message (as the splitter in framing.ts hands
 * them out). Byte arrays in the result are copies, so `buf` may be reused.
 *
 * Throws BmpDecodeError, and nothing else, on malformed input; the error names the offset from
 * the start of `buf`. BGP errors inside a Route Monitoring or Route Mirroring message do not
 * throw (see `bgpError`); inside Peer Up and Peer Down they throw a BmpDecodeError whose `cause`
 * is the BgpDecodeError. After any error the next message of the stream can still be decoded.
 *
 * `session` (see session-state.ts) is read for Route Monitoring / Mirroring and updated by Peer
 * Up (remember the peer), Peer Down (forget it), Initiation and Termination.
 */
export function decodeBmpMessage (buf: Uint8Array, session?: BmpSession): BmpMessage {
  const header = decodeCommonHeader(buf, 0)
  if (header.length !== buf.length) {
    throw new BmpDecodeError(`BMP length field ${header.length} but ${buf.length} octets given`, {
      offset: 1, bytes: buf.subarray(0, COMMON_HEADER_LENGTH), messageType: header.type
    })
  }
  switch (header.type) {
    case BmpMessageType.ROUTE_MONITORING: {
      const msg = decodeRouteMonitoring(buf, session)
      if (session !== undefined) {
        if (!msg.peerKnown) session.counters.unknownPeerRouteMonitoring++
        if (msg.bgpError !== undefined) session.counters.bgpErrors++
        session.counters.skippedFamilies += msg.skippedFamilies.length
      }
      return msg
    }
    case BmpMessageType.STATISTICS_REPORT: return decodeStatisticsReport(buf)
    case BmpMessageType.PEER_DOWN: {
      const msg = decodePeerDown(buf)
      if (session !== undefined) notePeerDown(session, msg.peer)
      return msg
    }
    case BmpMessageType.PEER_UP: {
      const msg = decodePeerUp(buf)
      if (session !== undefined) notePeerUp(session, msg)
      return msg
    }
    case BmpMessageType.INITIATION: {
      const msg = decodeInitiation(buf)
      if (session !== undefined) session.initiation = msg.tlvs
      return msg
    }
    case BmpMessageType.TERMINATION: {
      const msg = decodeTermination(buf)
      if (session !== undefined) session.terminated = true
      return msg
    }
    case BmpMessageType.ROUTE_MIRRORING: return decodeRouteMirroring(buf, session)
    default: return { kind: 'unknown', type: header.type, body: buf.slice(COMMON_HEADER_LENGTH) }
  }
}

/**
 * Encode one BMP message. Embedded BGP messages are taken from their raw bytes (`bgp`,
 * `sentOpenBytes`, ...), never re-encoded, so decode → encode gives back the same bytes.
 * Throws TypeError or RangeError for values that do not fit the wire format.
 */
export function encodeBmpMessage (msg: BmpMessage): Uint8Array {
  switch (msg.kind) {
    case 'route-monitoring': return encodeRouteMonitoring(msg)
    case 'statistics-report': return encodeStatisticsReport(msg)
    case 'peer-down': return encodePeerDown(msg)
    case 'peer-up': return encodePeerUp(msg)
    case 'initiation': return encodeInitiation(msg)
    case 'termination': return encodeTermination(msg)
    case 'route-mirroring': return encodeRouteMirroring(msg)
    case 'unknown': return withCommonHeader(msg.type, msg.body)
  }
}
