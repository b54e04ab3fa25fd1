// Peer Down Notification, RFC 7854 §4.9: per-peer header | reason (1) | data, where the data
// depends on the reason:
//   1 local system closed, NOTIFICATION PDU follows     2 local system closed, FSM event code (2)
//   3 remote system closed, NOTIFICATION PDU follows    4 remote system closed, no data
//   5 peer de-configured, no data                       6 (RFC 9069 §5.4) Information TLVs follow
// Unknown reasons keep their data raw.

import { MessageType } from '../bgp/constants.ts'
import { createDecodeContext } from '../bgp/decode-context.ts'
import { isBgpDecodeError } from '../bgp/errors.ts'
import type { NotificationMessage } from '../bgp/types.ts'
import { bgpPduLength, decodeBgpPdu } from './bgp-pdu.ts'
import { concat, need, u16 } from './bytes.ts'
import { withCommonHeader } from './common-header.ts'
import { BmpMessageType, COMMON_HEADER_LENGTH, PER_PEER_HEADER_LENGTH, PeerDownReason } from './constants.ts'
import { BmpDecodeError } from './errors.ts'
import { decodePerPeerHeader, encodePerPeerHeader } from './per-peer-header.ts'
import { decodeTlvs } from './tlv.ts'
import type { PeerDownMessage } from './types.ts'

const TYPE = BmpMessageType.PEER_DOWN
const NOTIFICATION_CONTEXT = createDecodeContext()

function decodeNotification (buf: Uint8Array, offset: number): NotificationMessage {
  const length = bgpPduLength(buf, offset, buf.length, 'peer down: NOTIFICATION', TYPE)
  if (offset + length !== buf.length) {
    throw new BmpDecodeError(`peer down: ${buf.length - offset - length} octets after the NOTIFICATION`, {
      offset: offset + length, bytes: buf.subarray(offset + length), messageType: TYPE
    })
  }
  if (buf[offset + 18] !== MessageType.NOTIFICATION) {
    throw new BmpDecodeError(`peer down: BGP message type ${buf[offset + 18]}, not NOTIFICATION`, {
      offset: offset + 18, bytes: buf.subarray(offset, offset + 19), messageType: TYPE
    })
  }
  try {
    return decodeBgpPdu(buf.subarray(offset, offset + length), NOTIFICATION_CONTEXT) as NotificationMessage
  } catch (err) {
    if (!isBgpDecodeError(err)) throw err
    throw new BmpDecodeError(`peer down: NOTIFICATION: ${err.message}`, {
      offset, bytes: buf.subarray(offset, offset + length), messageType: TYPE, cause: err
    })
  }
}

/** Decode a whole Peer Down message (common header included, length already checked). */
export function decodePeerDown (buf: Uint8Array): PeerDownMessage {
  const peer = decodePerPeerHeader(buf, COMMON_HEADER_LENGTH, TYPE)
  const offset = COMMON_HEADER_LENGTH + PER_PEER_HEADER_LENGTH
  need(buf, offset, 1, 'peer down: reason', TYPE)
  const reason = buf[offset]
  const dataOffset = offset + 1
  const msg: PeerDownMessage = { kind: 'peer-down', peer, reason, data: buf.slice(dataOffset) }
  switch (reason) {
    case PeerDownReason.LOCAL_NOTIFICATION:
    case PeerDownReason.REMOTE_NOTIFICATION:
      msg.notification = decodeNotification(buf, dataOffset)
      break
    case PeerDownReason.LOCAL_NO_NOTIFICATION:
      if (buf.length - dataOffset !== 2) {
        throw new BmpDecodeError(`peer down reason 2: ${buf.length - dataOffset} octets of data, expected a 2-octet FSM event code`, {
          offset: dataOffset, bytes: buf.subarray(dataOffset), messageType: TYPE
        })
      }
      msg.fsmEvent = u16(buf, dataOffset)
      break
    case PeerDownReason.LOCAL_TLV:
      msg.tlvs = decodeTlvs(buf, dataOffset, buf.length, TYPE)
      break
    default:
      // Reasons 4 and 5 carry no data (RFC 7854 §4.9); anything there, and any data of an
      // unknown reason, stays in `data`.
      break
  }
  return msg
}

/** Encode a Peer Down message; the reason's data is `msg.data` as given. */
export function encodePeerDown (msg: PeerDownMessage): Uint8Array {
  return withCommonHeader(TYPE, concat([encodePerPeerHeader(msg.peer), Uint8Array.of(msg.reason), msg.data]))
}
