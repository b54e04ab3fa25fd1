import type { BgpDecodeError } from './errors.ts'

// The decoded form of BGP messages. Plain data: no methods, no presentation.
// Every decoded value keeps what re-encoding needs to give back the same bytes
// (attribute flags, order, unknown attributes and capabilities as raw bytes).

/**
 * A list of prefixes of one family, as parallel arrays so that decoding a message creates
 * one string per prefix and no object per prefix.
 */
export interface PrefixList {
  afi: number
  safi: number
  /**
   * Text form of each prefix exactly as on the wire, `192.0.2.0/24` or `2001:db8::/32`.
   * Bits past the prefix length inside the last octet are kept (RFC 4271 §4.3 says they are
   * irrelevant, yet some speakers set them and bgpdump prints them): see `hostBits`.
   */
  prefixes: string[]
  /** RFC 7911 path identifiers, index-aligned with `prefixes`; null when ADD-PATH is off. */
  pathIds: number[] | null
  /** True when at least one prefix has bits set past its length; consumers mask those. */
  hostBits?: boolean
  /**
   * Octets after the last whole prefix that do not make a prefix (a length past the family's
   * maximum, or a prefix overrunning the field): the field is malformed (RFC 7606 §5.3).
   * Kept so the message re-encodes exactly; the message carries the error.
   */
  trailing?: Uint8Array
}

// ---- Path attributes (RFC 4271 §4.3, §5), a discriminated union on `kind` ----

interface AttributeBase {
  /** Type code (IANA). */
  code: number
  /** Attribute flags exactly as received (RFC 4271 §4.3), including the extended length bit. */
  flags: number
}

export interface OriginAttribute extends AttributeBase { kind: 'origin', origin: number }

export interface AsPathSegment {
  /** AS_SET 1, AS_SEQUENCE 2, AS_CONFED_SEQUENCE 3, AS_CONFED_SET 4. */
  type: number
  asns: number[]
}

/** AS_PATH (code 2) or AS4_PATH (code 17). */
export interface AsPathAttribute extends AttributeBase {
  kind: 'as-path' | 'as4-path'
  segments: AsPathSegment[]
  /** Octets per ASN on the wire: 2, or 4 (AS4_PATH always, AS_PATH when 4-octet AS is negotiated). */
  asnSize: 2 | 4
}

export interface NextHopAttribute extends AttributeBase { kind: 'next-hop', nextHop: string }
export interface MedAttribute extends AttributeBase { kind: 'med', med: number }
export interface LocalPrefAttribute extends AttributeBase { kind: 'local-pref', localPref: number }
export interface AtomicAggregateAttribute extends AttributeBase { kind: 'atomic-aggregate' }

/** AGGREGATOR (code 7) or AS4_AGGREGATOR (code 18). */
export interface AggregatorAttribute extends AttributeBase {
  kind: 'aggregator' | 'as4-aggregator'
  asn: number
  address: string
  asnSize: 2 | 4
}

/** COMMUNITIES (RFC 1997): each community as one unsigned 32-bit number. */
export interface CommunitiesAttribute extends AttributeBase { kind: 'communities', communities: number[] }
export interface OriginatorIdAttribute extends AttributeBase { kind: 'originator-id', originatorId: string }
export interface ClusterListAttribute extends AttributeBase { kind: 'cluster-list', clusterIds: string[] }

/** MP_REACH_NLRI (RFC 4760 §3). */
export interface MpReachAttribute extends AttributeBase {
  kind: 'mp-reach'
  afi: number
  safi: number
  /**
   * Next hop addresses as text: one, or for IPv6 a global and a link-local one (RFC 2545 §3).
   * IPv4 NLRI may have an IPv6 next hop (RFC 8950). Empty when the length is not one we know.
   */
  nextHops: string[]
  /** The next hop field as received. */
  nextHopBytes: Uint8Array
  /** The octet between next hop and NLRI (RFC 4760 §3: reserved, was the SNPA count). */
  reserved: number
  /** NLRI of IPv4/IPv6 unicast or multicast; null for other families (see `nlriBytes`). */
  nlri: PrefixList | null
  /** NLRI field as received, kept for families we do not decode. */
  nlriBytes: Uint8Array
  /** True when decoded from the abbreviated form in an MRT RIB entry (RFC 6396 §4.3.4). */
  abbreviated: boolean
}

/** MP_UNREACH_NLRI (RFC 4760 §4). */
export interface MpUnreachAttribute extends AttributeBase {
  kind: 'mp-unreach'
  afi: number
  safi: number
  withdrawn: PrefixList | null
  withdrawnBytes: Uint8Array
}

/** EXTENDED_COMMUNITIES (RFC 4360): each community as its 8 octets. */
export interface ExtendedCommunitiesAttribute extends AttributeBase {
  kind: 'extended-communities'
  communities: Uint8Array[]
}

/** LARGE_COMMUNITY (RFC 8092): flattened triples (global admin, local 1, local 2). */
export interface LargeCommunitiesAttribute extends AttributeBase {
  kind: 'large-communities'
  values: number[]
}

/** ONLY_TO_CUSTOMER (RFC 9234 §5). */
export interface OnlyToCustomerAttribute extends AttributeBase { kind: 'only-to-customer', asn: number }

/** Any attribute this codec does not interpret, or one discarded as malformed (RFC 7606). */
export interface UnknownAttribute extends AttributeBase { kind: 'unknown', value: Uint8Array }

export type PathAttribute =
  | OriginAttribute
  | AsPathAttribute
  | NextHopAttribute
  | MedAttribute
  | LocalPrefAttribute
  | AtomicAggregateAttribute
  | AggregatorAttribute
  | CommunitiesAttribute
  | OriginatorIdAttribute
  | ClusterListAttribute
  | MpReachAttribute
  | MpUnreachAttribute
  | ExtendedCommunitiesAttribute
  | LargeCommunitiesAttribute
  | OnlyToCustomerAttribute
  | UnknownAttribute

// ---- Capabilities (RFC 5492) ----

export interface MultiprotocolCapability { kind: 'multiprotocol', afi: number, safi: number, reserved: number }
export interface RouteRefreshCapability { kind: 'route-refresh' }
export interface EnhancedRouteRefreshCapability { kind: 'enhanced-route-refresh' }
export interface ExtendedMessageCapability { kind: 'extended-message' }
export interface FourOctetAsCapability { kind: 'four-octet-as', asn: number }

/** RFC 7911 §4: send/receive per family (1 receive, 2 send, 3 both). */
export interface AddPathCapability {
  kind: 'add-path'
  families: Array<{ afi: number, safi: number, sendReceive: number }>
}

/** RFC 4724 §3. */
export interface GracefulRestartCapability {
  kind: 'graceful-restart'
  /** The 4 flag bits (R, N). */
  flags: number
  restartTime: number
  families: Array<{ afi: number, safi: number, flags: number }>
}

/** draft-walton-bgp-hostname-capability: hostname and domain name. */
export interface FqdnCapability { kind: 'fqdn', hostname: string, domainName: string }

/** RFC 8950 §3: IPv4 NLRI (and others) with an IPv6 next hop. */
export interface ExtendedNextHopCapability {
  kind: 'extended-next-hop'
  entries: Array<{ afi: number, safi: number, nextHopAfi: number }>
}

export interface UnknownCapability { kind: 'unknown', code: number, value: Uint8Array }

export type Capability =
  | MultiprotocolCapability
  | RouteRefreshCapability
  | EnhancedRouteRefreshCapability
  | ExtendedMessageCapability
  | FourOctetAsCapability
  | AddPathCapability
  | GracefulRestartCapability
  | FqdnCapability
  | ExtendedNextHopCapability
  | UnknownCapability

/** An OPEN optional parameter (RFC 4271 §4.2, RFC 5492 §4). */
export type OptionalParameter =
  | { kind: 'capabilities', capabilities: Capability[] }
  | { kind: 'unknown', type: number, value: Uint8Array }

// ---- Messages ----

export interface OpenMessage {
  type: 'open'
  version: number
  /** My Autonomous System: AS_TRANS when the speaker's AS needs 4 octets. */
  myAs: number
  holdTime: number
  bgpId: string
  parameters: OptionalParameter[]
  /** True when the RFC 9072 extended optional parameters length form was used. */
  extendedParameters: boolean
}

export interface UpdateMessage {
  type: 'update'
  /** Withdrawn Routes field (IPv4 unicast, RFC 4271 §4.3). */
  withdrawn: PrefixList
  /** Path attributes in wire order. */
  attributes: PathAttribute[]
  /**
   * Octets of the path attributes field after the last whole attribute, when one overran
   * the field (RFC 7606 §4: treat-as-withdraw). Kept so the message re-encodes exactly.
   */
  attributesTrailing?: Uint8Array
  /** NLRI field (IPv4 unicast). */
  nlri: PrefixList
  /**
   * The strongest RFC 7606 error met while decoding, when it did not stop decoding: any
   * action, including session reset (e.g. a malformed NLRI field, RFC 7606 §5.3) and
   * AFI/SAFI disable (a malformed MP_REACH_NLRI). Malformed and discarded attributes stay in
   * `attributes` as 'unknown'; only unlocatable fields make decodeMessage throw.
   */
  error?: BgpDecodeError
}

export interface NotificationMessage {
  type: 'notification'
  code: number
  subcode: number
  data: Uint8Array
}

export interface KeepaliveMessage { type: 'keepalive' }

/** ROUTE-REFRESH (RFC 2918 §3); `subtype` is RFC 7313's BoRR/EoRR marker (0 normal). */
export interface RouteRefreshMessage {
  type: 'route-refresh'
  afi: number
  subtype: number
  safi: number
  /** Anything after the fixed fields (e.g. ORF entries, RFC 5291), kept raw. */
  rest: Uint8Array
}

export type BgpMessage =
  | OpenMessage
  | UpdateMessage
  | NotificationMessage
  | KeepaliveMessage
  | RouteRefreshMessage
