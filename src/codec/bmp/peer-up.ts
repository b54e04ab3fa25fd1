// Peer Up Notification, RFC 7854 §4.10:
//   per-peer header | local address (16) | local port (2) | remote port (2) |
//   sent OPEN message | received OPEN message | information TLVs (optional)
// The two OPENs are whole BGP PDUs (RFC 4271 §4.2), each delimited by its own header length.
// For the Loc-RIB peer (RFC 9069 §5.1) the router fabricates both OPENs and the TLVs include the
// VRF/table name (type 3).

import { MessageType } from '../bgp/constants.ts'
import { createDecodeContext } from '../bgp/decode-context.ts'
import { isBgpDecodeError } from '../bgp/errors.ts'
import type { OpenMessage } from '../bgp/types.ts'
import { bgpPduLength, decodeBgpPdu } from './bgp-pdu.ts'
import { concat, need, putU16, u16 } from './bytes.ts'
import { withCommonHeader } from './common-header.ts'
import { BmpMessageType, COMMON_HEADER_LENGTH, PER_PEER_HEADER_LENGTH } from './constants.ts'
import { BmpDecodeError } from './errors.ts'
import { addressIsIpv6, decodePerPeerHeader, encodePerPeerHeader, formatBmpAddress, writeBmpAddress } from './per-peer-header.ts'
import { decodeTlvs, encodeTlvs } from './tlv.ts'
import type { PeerUpMessage } from './types.ts'

const TYPE = BmpMessageType.PEER_UP
/** An OPEN does not depend on what was negotiated: decode it with the default context. */
const OPEN_CONTEXT = createDecodeContext()

function decodeOpen (pdu: Uint8Array, offset: number, which: string): OpenMessage {
  if (pdu[18] !== MessageType.OPEN) {
    throw new BmpDecodeError(`peer up: ${which} is BGP message type ${pdu[18]}, not OPEN`, {
      offset: offset + 18, bytes: pdu.subarray(0, 19), messageType: TYPE
    })
  }
  try {
    return decodeBgpPdu(pdu, OPEN_CONTEXT) as OpenMessage
  } catch (err) {
    if (!isBgpDecodeError(err)) throw err
    throw new BmpDecodeError(`peer up: ${which}: ${err.message}`, { offset, bytes: pdu, messageType: TYPE, cause: err })
  }
}

/** Decode a whole Peer Up message (common header included, length already checked). */
export function decodePeerUp (buf: Uint8Array): PeerUpMessage {
  const peer = decodePerPeerHeader(buf, COMMON_HEADER_LENGTH, TYPE)
  let offset = COMMON_HEADER_LENGTH + PER_PEER_HEADER_LENGTH
  need(buf, offset, 20, 'peer up: local address and ports', TYPE)
  const localAddress = formatBmpAddress(buf, offset, addressIsIpv6(buf, offset, peer.peerType, peer.flags))
  const localPort = u16(buf, offset + 16)
  const remotePort = u16(buf, offset + 18)
  offset += 20
  const sentLength = bgpPduLength(buf, offset, buf.length, 'peer up: sent OPEN', TYPE)
  const sentOpenBytes = buf.slice(offset, offset + sentLength)
  const sentOpen = decodeOpen(sentOpenBytes, offset, 'sent OPEN')
  offset += sentLength
  const receivedLength = bgpPduLength(buf, offset, buf.length, 'peer up: received OPEN', TYPE)
  const receivedOpenBytes = buf.slice(offset, offset + receivedLength)
  const receivedOpen = decodeOpen(receivedOpenBytes, offset, 'received OPEN')
  offset += receivedLength
  const tlvs = decodeTlvs(buf, offset, buf.length, TYPE)
  return { kind: 'peer-up', peer, localAddress, localPort, remotePort, sentOpenBytes, sentOpen, receivedOpenBytes, receivedOpen, tlvs }
}

/** What encoding a Peer Up needs: the OPENs as raw PDUs (decoded ones are not re-encoded). */
export type PeerUpFields = Pick<PeerUpMessage, 'peer' | 'localAddress' | 'localPort' | 'remotePort' | 'sentOpenBytes' | 'receivedOpenBytes' | 'tlvs'>

/** Encode a Peer Up message from its raw OPENs. */
export function encodePeerUp (msg: PeerUpFields): Uint8Array {
  const fixed = new Uint8Array(20)
  writeBmpAddress(fixed, 0, msg.localAddress)
  putU16(fixed, 16, msg.localPort)
  putU16(fixed, 18, msg.remotePort)
  return withCommonHeader(TYPE, concat([
    encodePerPeerHeader(msg.peer), fixed, msg.sentOpenBytes, msg.receivedOpenBytes, encodeTlvs(msg.tlvs)
  ]))
}
