// Numeric constants of the BGP-4 wire format, named as the RFCs name them.

/** Message types, RFC 4271 §4.1 and RFC 2918 §3. */
export const MessageType = {
  OPEN: 1,
  UPDATE: 2,
  NOTIFICATION: 3,
  KEEPALIVE: 4,
  ROUTE_REFRESH: 5
} as const

/** RFC 4271 §4.1: the 16-octet marker, the 2-octet length and the 1-octet type. */
export const HEADER_LENGTH = 19
/** RFC 4271 §4.1: largest message without the extended message capability. */
export const MAX_MESSAGE_LENGTH = 4096
/** RFC 8654 §4: largest message once the extended message capability is negotiated. */
export const MAX_EXTENDED_MESSAGE_LENGTH = 65535

/** Address family identifiers (IANA), as used by RFC 4760. */
export const Afi = {
  IPV4: 1,
  IPV6: 2
} as const

/** Subsequent address family identifiers (IANA), as used by RFC 4760. */
export const Safi = {
  UNICAST: 1,
  MULTICAST: 2
} as const

/** Path attribute type codes (IANA "BGP Path Attributes"). */
export const AttrType = {
  ORIGIN: 1,
  AS_PATH: 2,
  NEXT_HOP: 3,
  MULTI_EXIT_DISC: 4,
  LOCAL_PREF: 5,
  ATOMIC_AGGREGATE: 6,
  AGGREGATOR: 7,
  COMMUNITIES: 8,
  ORIGINATOR_ID: 9,
  CLUSTER_LIST: 10,
  MP_REACH_NLRI: 14,
  MP_UNREACH_NLRI: 15,
  EXTENDED_COMMUNITIES: 16,
  AS4_PATH: 17,
  AS4_AGGREGATOR: 18,
  LARGE_COMMUNITY: 32,
  ONLY_TO_CUSTOMER: 35
} as const

/** Path attribute flag bits, RFC 4271 §4.3. */
export const AttrFlag = {
  OPTIONAL: 0x80,
  TRANSITIVE: 0x40,
  PARTIAL: 0x20,
  EXTENDED_LENGTH: 0x10
} as const

/** AS_PATH segment types: RFC 4271 §4.3 and RFC 5065 §3. */
export const AsPathSegmentType = {
  AS_SET: 1,
  AS_SEQUENCE: 2,
  AS_CONFED_SEQUENCE: 3,
  AS_CONFED_SET: 4
} as const

/** RFC 6793 §2: the 2-octet AS a 4-octet speaker puts where a 4-octet AS does not fit. */
export const AS_TRANS = 23456

/** ORIGIN values, RFC 4271 §4.3 (a). */
export const Origin = {
  IGP: 0,
  EGP: 1,
  INCOMPLETE: 2
} as const

/** Capability codes (IANA "Capability Codes"). */
export const CapabilityCode = {
  MULTIPROTOCOL: 1,
  ROUTE_REFRESH: 2,
  EXTENDED_NEXT_HOP: 5,
  EXTENDED_MESSAGE: 6,
  GRACEFUL_RESTART: 64,
  FOUR_OCTET_AS: 65,
  ADD_PATH: 69,
  ENHANCED_ROUTE_REFRESH: 70,
  FQDN: 73
} as const

/** NOTIFICATION error codes, RFC 4271 §4.5, RFC 4486, RFC 7313. */
export const ErrorCode = {
  MESSAGE_HEADER: 1,
  OPEN_MESSAGE: 2,
  UPDATE_MESSAGE: 3,
  HOLD_TIMER_EXPIRED: 4,
  FSM: 5,
  CEASE: 6,
  ROUTE_REFRESH_MESSAGE: 7
} as const

/** Message Header Error subcodes, RFC 4271 §6.1. */
export const HeaderErrorSubcode = {
  CONNECTION_NOT_SYNCHRONIZED: 1,
  BAD_MESSAGE_LENGTH: 2,
  BAD_MESSAGE_TYPE: 3
} as const

/** OPEN Message Error subcodes, RFC 4271 §6.2 and RFC 5492 §5. */
export const OpenErrorSubcode = {
  UNSUPPORTED_VERSION_NUMBER: 1,
  BAD_PEER_AS: 2,
  BAD_BGP_IDENTIFIER: 3,
  UNSUPPORTED_OPTIONAL_PARAMETER: 4,
  UNACCEPTABLE_HOLD_TIME: 6,
  UNSUPPORTED_CAPABILITY: 7
} as const

/** UPDATE Message Error subcodes, RFC 4271 §6.3. */
export const UpdateErrorSubcode = {
  MALFORMED_ATTRIBUTE_LIST: 1,
  UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE: 2,
  MISSING_WELL_KNOWN_ATTRIBUTE: 3,
  ATTRIBUTE_FLAGS_ERROR: 4,
  ATTRIBUTE_LENGTH_ERROR: 5,
  INVALID_ORIGIN_ATTRIBUTE: 6,
  INVALID_NEXT_HOP_ATTRIBUTE: 8,
  OPTIONAL_ATTRIBUTE_ERROR: 9,
  INVALID_NETWORK_FIELD: 10,
  MALFORMED_AS_PATH: 11
} as const

/** ROUTE-REFRESH Message Error subcodes, RFC 7313 §5. */
export const RouteRefreshErrorSubcode = {
  INVALID_MESSAGE_LENGTH: 1
} as const
