// NOTIFICATION (RFC 4271 §4.5): Error code (1), Error subcode (1), Data.

import type { ByteWriter } from './byte-writer.ts'
import type { NotificationMessage } from './types.ts'

/** `buf[start, end)` is the body; the header check guarantees at least 2 octets. */
export function decodeNotificationBody (buf: Uint8Array, start: number, end: number): NotificationMessage {
  return { type: 'notification', code: buf[start], subcode: buf[start + 1], data: buf.subarray(start + 2, end) }
}

export function writeNotificationBody (out: ByteWriter, notification: NotificationMessage): void {
  out.u8(notification.code)
  out.u8(notification.subcode)
  out.bytes(notification.data)
}
