// The normalised record: one per BGP message, RIB entry or peer state change, whatever the
// source (BGP session, BMP, MRT file). It is what the bus carries and what websocket frames are
// made from. The in-memory shape IS the JSON form (schema/record.schema.json, docs/record.md), so
// serialising it is one JSON.stringify with no mapping step.
//
// Design rules:
// - No raw bytes: a record says what the message means; the bytes stay in the source (an MRT
//   offset, a BMP capture). Only attributes nobody interprets are kept, as hex.
// - No id: records are numbered where they are delivered (the per-key log), not where they are
//   made, so that one source can feed several logs.
// - Prefixes are canonical: bits past the prefix length (RFC 4271 §4.3) are cleared.
// - Absent optional fields are left out, never set to undefined or null (except `next_hop`).

/** Who saw the message: the BGP peer of the collector, or for BMP the monitored peer. */
export interface VantagePoint {
  ip: string
  asn: number
}

/**
 * The BMP view a message was taken from (RFC 7854 §4.2 L flag, RFC 8671 O flag, RFC 9069
 * Loc-RIB peer type).
 */
export type BmpView = 'adj-rib-in-pre' | 'adj-rib-in-post' | 'loc-rib' | 'adj-rib-out-pre' | 'adj-rib-out-post'

/** For BMP: the router that exported the message (BGProutes.io calls it the parent). */
export interface BmpRouter {
  /** Address the BMP session came from. */
  ip: string
  /** The router's own AS, when known (from the local OPEN in Peer Up, RFC 7854 §4.10). */
  asn?: number
  /** sysName from the Initiation message (RFC 7854 §4.3), when sent. */
  name?: string
  view: BmpView
  /** Peer Distinguisher of an RD-instance peer (RFC 7854 §4.2 peer type 1), as `asn:n` or `ip:n`. */
  rd?: string
}

export interface AsPathSegmentJson {
  type: 'AS_SET' | 'AS_SEQUENCE' | 'AS_CONFED_SEQUENCE' | 'AS_CONFED_SET'
  asns: number[]
}

/** Families other than unicast, named on announcements and withdrawals (absent means unicast). */
export type NonUnicastFamily = 'ipv4-multicast' | 'ipv6-multicast'

/** Prefixes announced with one next hop. `path_ids` is index-aligned and present under ADD-PATH. */
export interface Announcement {
  /** Absent for unicast; set for multicast NLRI (RFC 4760 SAFI 2). */
  family?: NonUnicastFamily
  /** NEXT_HOP (RFC 4271 §5.1.3) or the MP_REACH_NLRI next hop (RFC 4760 §3); null when missing or unreadable. */
  next_hop: string | null
  /** IPv6 link-local next hop when the MP_REACH carried one (RFC 2545 §3). */
  next_hop_ll?: string
  prefixes: string[]
  /** RFC 7911 path identifiers, index-aligned with `prefixes`. */
  path_ids?: number[]
}

export interface Withdrawal {
  family?: NonUnicastFamily
  prefixes: string[]
  path_ids?: number[]
}

export interface AggregatorJson {
  asn: number
  ip: string
}

export interface UnknownAttributeJson {
  code: number
  flags: number
  /** Attribute value as lower-case hex. */
  value: string
}

export interface RecordAttributes {
  origin?: 'IGP' | 'EGP' | 'INCOMPLETE'
  /** AS path after the RFC 6793 §4.2.3 merge of AS_PATH and AS4_PATH. */
  as_path?: AsPathSegmentJson[]
  med?: number
  local_pref?: number
  atomic_aggregate?: true
  /** AGGREGATOR, merged with AS4_AGGREGATOR per RFC 6793 §4.2.3. */
  aggregator?: AggregatorJson
  /** RFC 1997 communities as `asn:value`. */
  communities?: string[]
  /** RFC 8092 large communities as `global:local1:local2`. */
  large_communities?: string[]
  /** RFC 4360 extended communities as 16 hex digits. */
  ext_communities?: string[]
  originator_id?: string
  cluster_list?: string[]
  /** RFC 9234 Only to Customer. */
  otc?: number
  /** Attributes kept as received: type code, flags and hex value. */
  unknown?: UnknownAttributeJson[]
}

/** The RFC 7606 §2 approach applied to an UPDATE whose attributes were malformed. */
export type RecordErrorAction = 'attribute-discard' | 'treat-as-withdraw' | 'afi-safi-disable'

export interface RecordError {
  action: RecordErrorAction
  /** NOTIFICATION error code and subcode the error maps to (RFC 4271 §4.5, §6.3). */
  code: number
  subcode: number
  /** Type code of the attribute at fault, when one is. */
  attr?: number
  message: string
}

/** Present on records made from a RIB dump entry rather than from an UPDATE message. */
export interface RibInfo {
  /** When the route was received or last changed (RFC 6396 §4.2, §4.3.4 Originated Time), µs. */
  originated_us: number
}

interface RecordBase {
  /** Time in microseconds since the Unix epoch. */
  time_us: number
  /** The collector or source that produced the record (collector name, or `mrt:<file>`). */
  source: string
  vp: VantagePoint
  router?: BmpRouter
}

export interface UpdateRecord extends RecordBase {
  type: 'update'
  announce: Announcement[]
  withdraw: Withdrawal[]
  attrs: RecordAttributes
  /** End-of-RIB marker (RFC 4724 §2) for `eor` family, e.g. "ipv4-unicast". */
  eor?: string
  /** RFC 7606 action taken on this UPDATE, when its attributes were malformed. */
  error?: RecordError
  rib?: RibInfo
}

/**
 * RFC 4271 §8.2.2 FSM state names (MRT codes 1-6, RFC 6396 §4.4.1), then the two extra states
 * Quagga and FRR write (7 Clearing, 8 Deleted); any other code as `state-N`.
 */
export type PeerState =
  | 'Idle' | 'Connect' | 'Active' | 'OpenSent' | 'OpenConfirm' | 'Established'
  | 'Clearing' | 'Deleted'
  | `state-${number}`

export interface PeerStateRecord extends RecordBase {
  type: 'peer_state'
  old_state: PeerState
  new_state: PeerState
  reason?: string
}

export type BgpRecord = UpdateRecord | PeerStateRecord

/** What a source knows about a message besides its bytes. */
export interface RecordMeta {
  time_us: number
  source: string
  vp: VantagePoint
  router?: BmpRouter
}
