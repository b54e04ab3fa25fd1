// Decoded MRT records (RFC 6396, RFC 8050). Plain data. BGP messages and attributes inside
// them stay as bytes here; decode them with the BGP codec and the context the record implies
// (see bgp4mp.ts and table-dump-v2.ts).

/** MRT types, RFC 6396 §4 and §5 (deprecated ones kept for reading old archives). */
export const MrtType = {
  BGP: 5,
  TABLE_DUMP: 12,
  TABLE_DUMP_V2: 13,
  BGP4MP: 16,
  BGP4MP_ET: 17
} as const

/** BGP4MP subtypes, RFC 6396 §4.4 and RFC 8050 §3. */
export const Bgp4mpSubtype = {
  STATE_CHANGE: 0,
  MESSAGE: 1,
  MESSAGE_AS4: 4,
  STATE_CHANGE_AS4: 5,
  MESSAGE_LOCAL: 6,
  MESSAGE_AS4_LOCAL: 7,
  MESSAGE_ADDPATH: 8,
  MESSAGE_AS4_ADDPATH: 9,
  MESSAGE_LOCAL_ADDPATH: 10,
  MESSAGE_AS4_LOCAL_ADDPATH: 11
} as const

/** TABLE_DUMP_V2 subtypes, RFC 6396 §4.3 and RFC 8050 §4. */
export const TableDumpV2Subtype = {
  PEER_INDEX_TABLE: 1,
  RIB_IPV4_UNICAST: 2,
  RIB_IPV4_MULTICAST: 3,
  RIB_IPV6_UNICAST: 4,
  RIB_IPV6_MULTICAST: 5,
  RIB_GENERIC: 6,
  RIB_IPV4_UNICAST_ADDPATH: 8,
  RIB_IPV4_MULTICAST_ADDPATH: 9,
  RIB_IPV6_UNICAST_ADDPATH: 10,
  RIB_IPV6_MULTICAST_ADDPATH: 11,
  RIB_GENERIC_ADDPATH: 12
} as const

/** The common header (RFC 6396 §2), with the ET microseconds (§3) when present. */
export interface MrtHeader {
  /** Seconds since the epoch. */
  timestamp: number
  /** Microseconds, from the BGP4MP_ET extended header; 0 otherwise. */
  microseconds: number
  type: number
  subtype: number
  /**
   * Length of the message field as decoded, excluding the header (and for _ET, excluding the 4 µs
   * octets). For the TABLE_DUMP length bug (see table-dump.ts) this is the corrected length.
   */
  length: number
  /** Byte offset of the record in the (decompressed) stream. */
  offset: number
}

/** BGP4MP / BGP4MP_ET MESSAGE* subtypes. */
export interface Bgp4mpMessage {
  kind: 'bgp4mp-message'
  header: MrtHeader
  peerAs: number
  localAs: number
  interfaceIndex: number
  afi: number
  peerIp: string
  localIp: string
  /** The whole BGP message, marker included. */
  message: Uint8Array
  /** ASNs inside the message are 4 octets (the *_AS4* subtypes). */
  asn4: boolean
  /** NLRI inside the message carry path identifiers (the *_ADDPATH subtypes, RFC 8050 §3). */
  addPath: boolean
  /** The message was sent by the local speaker (the *_LOCAL* subtypes). */
  local: boolean
}

/** BGP4MP / BGP4MP_ET STATE_CHANGE and STATE_CHANGE_AS4. */
export interface Bgp4mpStateChange {
  kind: 'bgp4mp-state-change'
  header: MrtHeader
  peerAs: number
  localAs: number
  interfaceIndex: number
  afi: number
  peerIp: string
  localIp: string
  /** RFC 6396 §4.4.1 state codes: 1 Idle ... 6 Established. */
  oldState: number
  newState: number
}

/** TABLE_DUMP (RFC 6396 §4.2), one RIB entry per record. */
export interface TableDumpEntry {
  kind: 'table-dump'
  header: MrtHeader
  viewNumber: number
  sequence: number
  /** Prefix as text, e.g. `192.0.2.0/24`. */
  prefix: string
  afi: number
  status: number
  originatedTime: number
  peerIp: string
  peerAs: number
  /**
   * Path attributes; 2-octet ASNs except in the non-standard subtypes 3 and 4 (IPv4/IPv6 with
   * 4-octet peer AS, as bgpdump reads them), where `asn4` is true.
   */
  attributes: Uint8Array
  asn4: boolean
}

export interface PeerIndexEntry {
  /** RFC 6396 §4.3.1 peer type bits: 0x1 IPv6 address, 0x2 4-octet AS. */
  peerType: number
  bgpId: string
  ip: string
  asn: number
}

/** TABLE_DUMP_V2 PEER_INDEX_TABLE (RFC 6396 §4.3.1). */
export interface PeerIndexTable {
  kind: 'peer-index-table'
  header: MrtHeader
  collectorBgpId: string
  viewName: string
  peers: PeerIndexEntry[]
}

export interface RibEntry {
  peerIndex: number
  /**
   * The PEER_INDEX_TABLE entry `peerIndex` points at, from the latest table seen before this
   * record; null when there is no table or the index is past its end (GoBGP writes index ==
   * peer count for locally originated routes, see table-dump-v2.ts).
   */
  peer: PeerIndexEntry | null
  originatedTime: number
  /** RFC 8050 §4: present in the *_ADDPATH subtypes. */
  pathId: number | null
  /** Path attributes, always 4-octet ASNs, MP_REACH abbreviated (RFC 6396 §4.3.4). */
  attributes: Uint8Array
}

/** TABLE_DUMP_V2 RIB_IPV4/IPV6_UNICAST/MULTICAST and their ADDPATH variants. */
export interface RibRecord {
  kind: 'rib'
  header: MrtHeader
  sequence: number
  afi: number
  safi: number
  prefix: string
  addPath: boolean
  entries: RibEntry[]
}

/** BGP (type 5) subtypes, deprecated MRT format (RFC 6396 §5.2; the MRTd / RIS 1999-2001 format). */
export const BgpLegacySubtype = {
  NULL: 0,
  UPDATE: 1,
  PREF_UPDATE: 2,
  STATE_CHANGE: 3,
  SYNC: 4,
  OPEN: 5,
  NOTIFY: 6,
  KEEPALIVE: 7
} as const

/**
 * Deprecated type BGP (5), subtypes UPDATE, OPEN, NOTIFY, KEEPALIVE and STATE_CHANGE. The record
 * holds the BGP message without its 19-octet header; `message` is rebuilt as a whole BGP message
 * (marker, length, type) so it decodes like Bgp4mpMessage.message. ASNs are always 2 octets.
 */
export interface BgpLegacyRecord {
  kind: 'bgp-legacy'
  header: MrtHeader
  /** The sender of the message (MRTd "source"); for STATE_CHANGE the peer. */
  peerAs: number
  peerIp: string
  /** The receiver (MRTd "destination"); 0 and '0.0.0.0' for STATE_CHANGE, which has none. */
  localAs: number
  localIp: string
  /** Whole BGP message (RFC 4271 §4.1 header rebuilt); null for STATE_CHANGE. */
  message: Uint8Array | null
  /** RFC 6396 §4.4.1 state codes for STATE_CHANGE; 0 otherwise. */
  oldState: number
  newState: number
}

/** Anything else (other types, RIB_GENERIC, BGP type 5 SYNC/PREF_UPDATE ...): skipped and counted. */
export interface UnsupportedRecord {
  kind: 'unsupported'
  header: MrtHeader
  body: Uint8Array
}

export type MrtRecord =
  | Bgp4mpMessage
  | Bgp4mpStateChange
  | TableDumpEntry
  | PeerIndexTable
  | RibRecord
  | BgpLegacyRecord
  | UnsupportedRecord

export type MrtRecordKind = MrtRecord['kind']
