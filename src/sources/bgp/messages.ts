// The few messages the collector sends (it never advertises routes): OPEN, KEEPALIVE and
// NOTIFICATION, plus names for NOTIFICATION codes in logs and peer-down reasons.
import { ErrorCode } from '../../codec/bgp/constants.ts'
import { createDecodeContext } from '../../codec/bgp/decode-context.ts'
import { encodeMessage } from '../../codec/bgp/message.ts'

const PLAIN = createDecodeContext()

/** RFC 4486 §4 Cease subcodes (and RFC 8538 §5 Hard Reset). */
export const CeaseSubcode = {
  MAX_PREFIXES: 1,
  ADMINISTRATIVE_SHUTDOWN: 2,
  PEER_DECONFIGURED: 3,
  ADMINISTRATIVE_RESET: 4,
  CONNECTION_REJECTED: 5,
  OTHER_CONFIGURATION_CHANGE: 6,
  CONNECTION_COLLISION_RESOLUTION: 7,
  OUT_OF_RESOURCES: 8,
  HARD_RESET: 9
} as const

/** RFC 6608 §4 Finite State Machine Error subcodes. */
export const FsmErrorSubcode = {
  UNSPECIFIED: 0,
  IN_OPENSENT: 1,
  IN_OPENCONFIRM: 2,
  IN_ESTABLISHED: 3
} as const

/** RFC 4271 §4.4: a KEEPALIVE is the header alone. */
export const KEEPALIVE = encodeMessage({ type: 'keepalive' }, PLAIN)

/**
 * End-of-RIB (RFC 4724 §2): an empty UPDATE for IPv4 unicast, an UPDATE with only an empty
 * MP_UNREACH_NLRI for any other family.
 */
export function encodeEndOfRib (afi: number, safi: number): Uint8Array {
  const none = { afi: 1, safi: 1, prefixes: [], pathIds: null }
  if (afi === 1 && safi === 1) return encodeMessage({ type: 'update', withdrawn: none, attributes: [], nlri: none }, PLAIN)
  return encodeMessage({
    type: 'update',
    withdrawn: none,
    attributes: [{ kind: 'mp-unreach', code: 15, flags: 0x80, afi, safi, withdrawn: { afi, safi, prefixes: [], pathIds: null }, withdrawnBytes: new Uint8Array(0) }],
    nlri: none
  }, PLAIN)
}

export function encodeNotification (code: number, subcode: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  return encodeMessage({ type: 'notification', code, subcode, data }, PLAIN)
}

const CODE_NAMES: Record<number, string> = {
  [ErrorCode.MESSAGE_HEADER]: 'Message Header Error',
  [ErrorCode.OPEN_MESSAGE]: 'OPEN Message Error',
  [ErrorCode.UPDATE_MESSAGE]: 'UPDATE Message Error',
  [ErrorCode.HOLD_TIMER_EXPIRED]: 'Hold Timer Expired',
  [ErrorCode.FSM]: 'Finite State Machine Error',
  [ErrorCode.CEASE]: 'Cease',
  [ErrorCode.ROUTE_REFRESH_MESSAGE]: 'ROUTE-REFRESH Message Error'
}

const CEASE_NAMES: Record<number, string> = {
  1: 'Maximum Number of Prefixes Reached',
  2: 'Administrative Shutdown',
  3: 'Peer De-configured',
  4: 'Administrative Reset',
  5: 'Connection Rejected',
  6: 'Other Configuration Change',
  7: 'Connection Collision Resolution',
  8: 'Out of Resources',
  9: 'Hard Reset'
}

/** `Cease/Connection Rejected (6/5)`. */
export function notificationName (code: number, subcode: number): string {
  const name = CODE_NAMES[code] ?? `error ${code}`
  const sub = code === ErrorCode.CEASE ? CEASE_NAMES[subcode] : undefined
  return `${name}${sub !== undefined ? '/' + sub : ''} (${code}/${subcode})`
}
