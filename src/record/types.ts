// The normalised record: one per BGP message or peer state change, whatever the source
// (BGP session, BMP, MRT file). It is what the bus carries and what websocket frames are
// made from. The in-memory shape IS the JSON form (schema/record.schema.json), so that
// serialising it is one JSON.stringify with no mapping step.

/** Who saw the message: the BGP peer of the collector, or for BMP the monitored peer. */
export interface VantagePoint {
  ip: string
  asn: number
}

/** For BMP: the router that exported the message, and the BMP view it came from. */
export interface BmpRouter {
  ip: string
  asn?: number
  /** RFC 7854 §4.2 peer type / RFC 9069 Loc-RIB: 'pre-policy' | 'post-policy' | 'adj-rib-out-pre' | ... */
  view?: string
}

export interface AsPathSegmentJson {
  type: 'AS_SET' | 'AS_SEQUENCE' | 'AS_CONFED_SEQUENCE' | 'AS_CONFED_SET'
  asns: number[]
}

/** Prefixes announced with one next hop. `path_ids` is index-aligned and present under ADD-PATH. */
export interface Announcement {
  next_hop: string | null
  /** IPv6 link-local next hop when the MP_REACH carried one (RFC 2545 §3). */
  next_hop_ll?: string
  prefixes: string[]
  path_ids?: number[]
}

export interface Withdrawal {
  prefixes: string[]
  path_ids?: number[]
}

export interface RecordAttributes {
  origin?: 'IGP' | 'EGP' | 'INCOMPLETE'
  /** AS path after the RFC 6793 §4.2.3 merge of AS_PATH and AS4_PATH. */
  as_path?: AsPathSegmentJson[]
  med?: number
  local_pref?: number
  atomic_aggregate?: true
  aggregator?: { asn: number, ip: string }
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
  unknown?: Array<{ code: number, flags: number, value: string }>
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
  error?: string
}

export interface PeerStateRecord extends RecordBase {
  type: 'peer_state'
  /** RFC 4271 §8.2.2 FSM state names: Idle, Connect, Active, OpenSent, OpenConfirm, Established. */
  old_state: string
  new_state: string
  reason?: string
}

export type BgpRecord = UpdateRecord | PeerStateRecord
