// The decoded form of BMP messages (RFC 7854, RFC 8671, RFC 9069): a discriminated union on
// `kind`, plain data with no methods. Every embedded BGP message is kept as the raw bytes it came
// as next to its decoded form, so that encoding gives back the same bytes and a station can
// store or forward what it could not decode.

import type { DecodeContext } from '../bgp/decode-context.ts'
import type { BgpDecodeError } from '../bgp/errors.ts'
import type { BgpMessage, NotificationMessage, OpenMessage, UpdateMessage } from '../bgp/types.ts'

/** The per-peer header, RFC 7854 §4.2 (RFC 9069 §4.1 for the Loc-RIB peer). */
export interface BmpPeerHeader {
  /** 0 global, 1 RD, 2 local instance (RFC 7854), 3 Loc-RIB (RFC 9069); see `PeerType`. */
  peerType: number
  /** Flags octet as received: V, L, A, O (RFC 7854, RFC 8671), or F for Loc-RIB (RFC 9069). */
  flags: number
  /** The 8-octet Peer Distinguisher (route distinguisher of an RD-instance peer, else zero). */
  distinguisher: Uint8Array
  /**
   * Peer address as text. For peer types 0-2 the V flag says IPv4 (last 4 octets) or IPv6; for
   * Loc-RIB (zero-filled, RFC 9069 §4.1) and unknown types it is IPv4 when the first 12 octets
   * are zero, else IPv6.
   */
  address: string
  /** Peer AS (4 octets on the wire whatever the A flag). */
  asn: number
  /** Peer BGP Identifier, dotted quad. */
  bgpId: string
  /** Seconds since the epoch when the router encoded (or received) the message; 0 if unknown. */
  timestampSeconds: number
  /** Microseconds past `timestampSeconds`. */
  timestampMicros: number
}

/** An Information TLV (RFC 7854 §4.4) or any other type-length-value BMP carries. */
export interface BmpTlv {
  type: number
  value: Uint8Array
}

/** An address family the BGP codec does not decode, met in an UPDATE (kept as raw bytes there). */
export interface SkippedFamily {
  afi: number
  safi: number
  /** 'reach' for MP_REACH_NLRI, 'unreach' for MP_UNREACH_NLRI. */
  direction: 'reach' | 'unreach'
}

/** RFC 7854 §4.6. */
export interface RouteMonitoringMessage {
  kind: 'route-monitoring'
  peer: BmpPeerHeader
  /** The BGP UPDATE PDU exactly as carried. */
  bgp: Uint8Array
  /**
   * The decoded UPDATE, or null when the BGP codec rejected it outright (see `bgpError`).
   * RFC 7606 outcomes that let decoding finish are in `update.error`.
   */
  update: UpdateMessage | null
  /** Why `update` is null: the BGP codec's error. The BMP session is not affected. */
  bgpError?: BgpDecodeError
  /**
   * MP_REACH/MP_UNREACH families the BGP codec keeps as raw bytes (VPN, EVPN, labelled, ...):
   * not an error; a station counts and skips them.
   */
  skippedFamilies: SkippedFamily[]
  /** The context the UPDATE was decoded with (from the peer's Peer Up, or the fallback). */
  context: DecodeContext
  /** False when no Peer Up was known for the peer and a fallback context was used. */
  peerKnown: boolean
}

/** One Statistics Report counter or gauge, RFC 7854 §4.8 and RFC 8671 §6.2. */
export type BmpStat =
  /** A 32-bit counter (types 0-6, 11-13). */
  | { type: number, form: 'counter32', value: number }
  /** A 64-bit gauge (types 7, 8, 14, 15). */
  | { type: number, form: 'gauge64', value: bigint }
  /** A 64-bit gauge qualified by AFI/SAFI (types 9, 10, 16, 17). */
  | { type: number, form: 'afi-safi-gauge64', afi: number, safi: number, value: bigint }
  /** A type whose value length this codec does not know how to read. */
  | { type: number, form: 'raw', value: Uint8Array }

/** RFC 7854 §4.8. */
export interface StatisticsReportMessage {
  kind: 'statistics-report'
  peer: BmpPeerHeader
  stats: BmpStat[]
}

/** RFC 7854 §4.9 (reason 6: RFC 9069 §5.4). */
export interface PeerDownMessage {
  kind: 'peer-down'
  peer: BmpPeerHeader
  /** See `PeerDownReason`. */
  reason: number
  /** Everything after the reason octet, as received. */
  data: Uint8Array
  /** Reasons 1 and 3: the NOTIFICATION PDU, decoded. */
  notification?: NotificationMessage
  /** Reason 2: the FSM event code (RFC 4271 §8.1), 0 if none. */
  fsmEvent?: number
  /** Reason 6: the Information TLVs. */
  tlvs?: BmpTlv[]
}

/** RFC 7854 §4.10. */
export interface PeerUpMessage {
  kind: 'peer-up'
  peer: BmpPeerHeader
  /** Local address of the monitored session (IPv4 or IPv6 per the V flag, like the peer address). */
  localAddress: string
  localPort: number
  remotePort: number
  /** The OPEN the monitored router sent, raw and decoded. */
  sentOpenBytes: Uint8Array
  sentOpen: OpenMessage
  /** The OPEN the monitored router received. */
  receivedOpenBytes: Uint8Array
  receivedOpen: OpenMessage
  /** Information TLVs (type 0 string, RFC 9069 type 3 VRF/table name, others raw). */
  tlvs: BmpTlv[]
}

/** RFC 7854 §4.3. */
export interface InitiationMessage {
  kind: 'initiation'
  /** Types 0 string, 1 sysDescr, 2 sysName; see `tlvText`. */
  tlvs: BmpTlv[]
}

/** RFC 7854 §4.5. */
export interface TerminationMessage {
  kind: 'termination'
  /** Types 0 string and 1 reason (2-octet code, `TerminationReason`). */
  tlvs: BmpTlv[]
}

/** One TLV of a Route Mirroring message, RFC 7854 §4.7. */
export type MirroringTlv =
  /**
   * Type 0: a whole BGP PDU, decoded with the peer's context when it could be. Mirroring exists
   * to carry errored PDUs, so a BGP error leaves `message` null and sets `bgpError`.
   */
  | { kind: 'bgp-message', bgp: Uint8Array, message: BgpMessage | null, bgpError?: BgpDecodeError }
  /** Type 1: an information code (`MirroringInformationCode`). */
  | { kind: 'information', code: number }
  /** Any other type, raw. */
  | { kind: 'unknown', type: number, value: Uint8Array }

/** RFC 7854 §4.7. */
export interface RouteMirroringMessage {
  kind: 'route-mirroring'
  peer: BmpPeerHeader
  tlvs: MirroringTlv[]
}

/** A message type this codec does not know (RFC 7854 §4.1 leaves the registry open): kept raw. */
export interface UnknownBmpMessage {
  kind: 'unknown'
  type: number
  /** Everything after the common header. */
  body: Uint8Array
}

export type BmpMessage =
  | RouteMonitoringMessage
  | StatisticsReportMessage
  | PeerDownMessage
  | PeerUpMessage
  | InitiationMessage
  | TerminationMessage
  | RouteMirroringMessage
  | UnknownBmpMessage
