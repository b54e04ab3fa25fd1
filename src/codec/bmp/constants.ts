// Numeric constants of the BGP Monitoring Protocol, named as the RFCs name them:
// RFC 7854 (BMP), RFC 8671 (Adj-RIB-Out), RFC 9069 (Loc-RIB).

/** RFC 7854 §4.1: the only protocol version this codec speaks. */
export const BMP_VERSION = 3

/** RFC 7854 §4.1: version (1), message length (4), message type (1). */
export const COMMON_HEADER_LENGTH = 6

/** RFC 7854 §4.2: type 1, flags 1, distinguisher 8, address 16, AS 4, BGP ID 4, timestamp 4 + 4. */
export const PER_PEER_HEADER_LENGTH = 42

/**
 * Largest BMP message the splitter accepts. A BMP message carries at most one BGP message
 * (65535 octets with RFC 8654) plus headers and TLVs, or a Peer Up with two OPENs; 1 MiB leaves
 * ample room while bounding what a broken or hostile router can make us buffer.
 */
export const MAX_BMP_MESSAGE_LENGTH = 1 << 20

/** Message types, RFC 7854 §4.1 (IANA "BMP Message Types"). */
export const BmpMessageType = {
  ROUTE_MONITORING: 0,
  STATISTICS_REPORT: 1,
  PEER_DOWN: 2,
  PEER_UP: 3,
  INITIATION: 4,
  TERMINATION: 5,
  ROUTE_MIRRORING: 6
} as const

/** Peer types, RFC 7854 §4.2 and RFC 9069 §4.1. */
export const PeerType = {
  GLOBAL_INSTANCE: 0,
  RD_INSTANCE: 1,
  LOCAL_INSTANCE: 2,
  /** RFC 9069 §4.1. */
  LOC_RIB_INSTANCE: 3
} as const

/** Peer flags of peer types 0-2, RFC 7854 §4.2 and RFC 8671 §4. */
export const PeerFlag = {
  /** V: the peer address is IPv6 (else IPv4 in the last 4 octets). */
  IPV6: 0x80,
  /** L: post-policy Adj-RIB-In (or post-policy Adj-RIB-Out with O). */
  POST_POLICY: 0x40,
  /** A: the AS_PATH uses the legacy 2-octet form (RFC 7854 §4.2); 0 means 4-octet (RFC 6793). */
  LEGACY_AS_PATH: 0x20,
  /** O: Adj-RIB-Out (RFC 8671 §4). */
  ADJ_RIB_OUT: 0x10
} as const

/** Peer flags of the Loc-RIB instance peer, RFC 9069 §4.2. */
export const LocRibFlag = {
  /** F: the Loc-RIB is filtered (RFC 9069 §4.2). */
  FILTERED: 0x80
} as const

/** Information TLV types of the Initiation message, RFC 7854 §4.3 and §4.4. */
export const InitiationTlvType = {
  STRING: 0,
  SYS_DESCR: 1,
  SYS_NAME: 2
} as const

/** Information TLV types of Peer Up (RFC 7854 §4.4) and Peer Down reason 6 (RFC 9069 §5.4). */
export const PeerUpTlvType = {
  STRING: 0,
  /** RFC 9069 §5.3: the VRF or table name, UTF-8. */
  VRF_TABLE_NAME: 3
} as const

/** Termination TLV types, RFC 7854 §4.5. */
export const TerminationTlvType = {
  STRING: 0,
  REASON: 1
} as const

/** Termination reasons (value of the REASON TLV), RFC 7854 §4.5. */
export const TerminationReason = {
  ADMINISTRATIVELY_CLOSED: 0,
  UNSPECIFIED: 1,
  OUT_OF_RESOURCES: 2,
  REDUNDANT_CONNECTION: 3,
  PERMANENTLY_ADMINISTRATIVELY_CLOSED: 4
} as const

/** Route Mirroring TLV types, RFC 7854 §4.7. */
export const MirroringTlvType = {
  BGP_MESSAGE: 0,
  INFORMATION: 1
} as const

/** Codes of the Route Mirroring INFORMATION TLV, RFC 7854 §4.7. */
export const MirroringInformationCode = {
  ERRORED_PDU: 0,
  MESSAGES_LOST: 1
} as const

/** Peer Down reasons, RFC 7854 §4.9 and RFC 9069 §5.4. */
export const PeerDownReason = {
  /** A NOTIFICATION the local system sent follows. */
  LOCAL_NOTIFICATION: 1,
  /** The local system closed without a NOTIFICATION; a 2-octet FSM event code follows. */
  LOCAL_NO_NOTIFICATION: 2,
  /** A NOTIFICATION the remote system sent follows. */
  REMOTE_NOTIFICATION: 3,
  /** The remote system closed without a NOTIFICATION; no data. */
  REMOTE_NO_NOTIFICATION: 4,
  /** The peer was de-configured; no data. */
  PEER_DECONFIGURED: 5,
  /** RFC 9069 §5.4: local system closed, Information TLVs follow. */
  LOCAL_TLV: 6
} as const

/**
 * Statistics types, RFC 7854 §4.8 (0-13) and RFC 8671 §6.2 (14-17). Types 9, 10, 16 and 17 are
 * qualified by AFI (2 octets) and SAFI (1 octet) before their 64-bit gauge.
 */
export const StatType = {
  REJECTED_PREFIXES: 0,
  DUPLICATE_PREFIX_ADVERTISEMENTS: 1,
  DUPLICATE_WITHDRAWS: 2,
  CLUSTER_LIST_LOOP: 3,
  AS_PATH_LOOP: 4,
  ORIGINATOR_ID_LOOP: 5,
  AS_CONFED_LOOP: 6,
  ADJ_RIB_IN_ROUTES: 7,
  LOC_RIB_ROUTES: 8,
  PER_AFI_SAFI_ADJ_RIB_IN_ROUTES: 9,
  PER_AFI_SAFI_LOC_RIB_ROUTES: 10,
  TREAT_AS_WITHDRAW_UPDATES: 11,
  TREAT_AS_WITHDRAW_PREFIXES: 12,
  DUPLICATE_UPDATES: 13,
  /** RFC 8671 §6.2. */
  PRE_POLICY_ADJ_RIB_OUT_ROUTES: 14,
  POST_POLICY_ADJ_RIB_OUT_ROUTES: 15,
  PER_AFI_SAFI_PRE_POLICY_ADJ_RIB_OUT_ROUTES: 16,
  PER_AFI_SAFI_POST_POLICY_ADJ_RIB_OUT_ROUTES: 17
} as const
