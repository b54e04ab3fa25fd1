// KEEPALIVE (RFC 4271 §4.4): the header alone, length exactly 19 (checked by decodeHeader).

import type { KeepaliveMessage } from './types.ts'

const KEEPALIVE: KeepaliveMessage = Object.freeze({ type: 'keepalive' })

export function decodeKeepalive (): KeepaliveMessage {
  return KEEPALIVE
}
