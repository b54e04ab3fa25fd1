// Whole BGP messages, header included (RFC 4271 §4): dispatch on the message type.

import { HEADER_LENGTH, HeaderErrorSubcode, ErrorCode, MAX_EXTENDED_MESSAGE_LENGTH, MAX_MESSAGE_LENGTH, MessageType } from './constants.ts'
import type { DecodeContext } from './decode-context.ts'
import { BgpDecodeError } from './errors.ts'
import { ByteWriter } from './byte-writer.ts'
import { decodeHeader, writeHeader } from './header.ts'
import { decodeKeepalive } from './keepalive.ts'
import { decodeNotificationBody, writeNotificationBody } from './notification.ts'
import { decodeOpenBody, writeOpenBody } from './open.ts'
import { decodeRouteRefreshBody, writeRouteRefreshBody } from './route-refresh.ts'
import type { BgpMessage } from './types.ts'
import { decodeUpdateBody, writeUpdateBody } from './update.ts'

/**
 * Decode one message; `buf` holds exactly that message. Values that are byte arrays
 * (unknown attributes, next hop bytes, ...) are views into `buf`, not copies.
 * Throws BgpDecodeError, and nothing else, on any malformed input.
 */
export function decodeMessage (buf: Uint8Array, ctx: DecodeContext): BgpMessage {
  const { length, type } = decodeHeader(buf, 0, ctx.extendedMessage)
  if (length !== buf.length) {
    throw new BgpDecodeError(ErrorCode.MESSAGE_HEADER, HeaderErrorSubcode.BAD_MESSAGE_LENGTH,
      `length field ${length} but ${buf.length} octets given`, { data: buf.subarray(16, 18) })
  }
  switch (type) {
    case MessageType.OPEN: return decodeOpenBody(buf, HEADER_LENGTH, length)
    case MessageType.UPDATE: return decodeUpdateBody(buf, HEADER_LENGTH, length, ctx)
    case MessageType.NOTIFICATION: return decodeNotificationBody(buf, HEADER_LENGTH, length)
    case MessageType.KEEPALIVE: return decodeKeepalive()
    default: return decodeRouteRefreshBody(buf, HEADER_LENGTH, length)
  }
}

const TYPE_CODES = { open: 1, update: 2, notification: 3, keepalive: 4, 'route-refresh': 5 } as const

/**
 * Encode a message with its header. Throws RangeError when a value cannot be encoded or the
 * message is longer than the context allows (4096, or 65535 with RFC 8654 extended messages).
 */
export function encodeMessage (msg: BgpMessage, ctx: DecodeContext): Uint8Array {
  const out = new ByteWriter(msg.type === 'update' ? 1024 : 64)
  out.reserve(HEADER_LENGTH)
  out.length = HEADER_LENGTH
  switch (msg.type) {
    case 'open': writeOpenBody(out, msg); break
    case 'update': writeUpdateBody(out, msg); break
    case 'notification': writeNotificationBody(out, msg); break
    case 'keepalive': break
    case 'route-refresh': writeRouteRefreshBody(out, msg); break
  }
  const max = ctx.extendedMessage && msg.type !== 'open' && msg.type !== 'keepalive' ? MAX_EXTENDED_MESSAGE_LENGTH : MAX_MESSAGE_LENGTH
  if (out.length > max) throw new RangeError(`${msg.type} message of ${out.length} octets exceeds ${max}`)
  writeHeader(out.buf, 0, out.length, TYPE_CODES[msg.type])
  return out.finish()
}
