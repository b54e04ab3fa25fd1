// TABLE_DUMP_V2 (type 13), RFC 6396 §4.3, with the ADD-PATH subtypes of RFC 8050 §4.
//
// PEER_INDEX_TABLE (§4.3.1): Collector BGP ID (4) | View Name Length (2) | View Name |
//   Peer Count (2) | Peer Entries: Peer Type (1) | Peer BGP ID (4) | Peer IP (4 or 16) | Peer AS (2 or 4)
// RIB_AFI_SAFI (§4.3.2): Sequence Number (4) | Prefix Length (1) | Prefix (ceil(bits/8)) |
//   Entry Count (2) | RIB Entries (§4.3.4): Peer Index (2) | Originated Time (4) |
//   [Path Identifier (4), RFC 8050 §4] | Attribute Length (2) | Attributes
//
// Peer indexes are resolved against the latest PEER_INDEX_TABLE before the record (the caller
// keeps it, see record.ts). A file may hold several tables: GoBGP writes a new table at every
// periodic dump into the same file. An index past the end of the table is not an error here:
// GoBGP (pkg/server/mrt.go) writes index == peer count for locally originated routes (it looks
// the route's source up among the neighbours and falls back to len(peers), although its table
// starts with a 0.0.0.0/AS 0 placeholder meant for them). bgpdump 1.6.2 asserts on that and
// aborts; we keep the index and set `peer` to null, and the reader counts such entries.

import { BodyReader } from './body-reader.ts'
import { readPrefix } from './prefix.ts'
import { TableDumpV2Subtype } from './types.ts'
import type { MrtHeader, PeerIndexEntry, PeerIndexTable, RibEntry, RibRecord } from './types.ts'

const PEER_TYPE_IPV6 = 0x01
const PEER_TYPE_AS4 = 0x02

const utf8 = new TextDecoder('utf-8')

export function decodePeerIndexTable (header: MrtHeader, body: Uint8Array): PeerIndexTable {
  const r = new BodyReader(header, body)
  const collectorBgpId = r.ipv4('collector BGP ID')
  const nameLength = r.u16('view name length')
  const viewName = utf8.decode(r.bytes(nameLength, 'view name'))
  const count = r.u16('peer count')
  const peers: PeerIndexEntry[] = new Array(count)
  for (let i = 0; i < count; i++) {
    const peerType = r.u8('peer type')
    const bgpId = r.ipv4('peer BGP ID')
    const ip = (peerType & PEER_TYPE_IPV6) !== 0 ? r.ipv6('peer address') : r.ipv4('peer address')
    const asn = r.asn((peerType & PEER_TYPE_AS4) !== 0, 'peer AS')
    peers[i] = { peerType, bgpId, ip, asn }
  }
  return { kind: 'peer-index-table', header, collectorBgpId, viewName, peers }
}

/** AFI and SAFI of a RIB_* subtype (RFC 6396 §4.3.2, RFC 8050 §4), or null for others. */
export function ribAfiSafi (subtype: number): { afi: number, safi: number, addPath: boolean } | null {
  switch (subtype) {
    case TableDumpV2Subtype.RIB_IPV4_UNICAST: return { afi: 1, safi: 1, addPath: false }
    case TableDumpV2Subtype.RIB_IPV4_MULTICAST: return { afi: 1, safi: 2, addPath: false }
    case TableDumpV2Subtype.RIB_IPV6_UNICAST: return { afi: 2, safi: 1, addPath: false }
    case TableDumpV2Subtype.RIB_IPV6_MULTICAST: return { afi: 2, safi: 2, addPath: false }
    case TableDumpV2Subtype.RIB_IPV4_UNICAST_ADDPATH: return { afi: 1, safi: 1, addPath: true }
    case TableDumpV2Subtype.RIB_IPV4_MULTICAST_ADDPATH: return { afi: 1, safi: 2, addPath: true }
    case TableDumpV2Subtype.RIB_IPV6_UNICAST_ADDPATH: return { afi: 2, safi: 1, addPath: true }
    case TableDumpV2Subtype.RIB_IPV6_MULTICAST_ADDPATH: return { afi: 2, safi: 2, addPath: true }
    default: return null
  }
}

/** RIB_IPV4/IPV6_UNICAST/MULTICAST and their _ADDPATH variants. `peers`: the current table's. */
export function decodeRib (header: MrtHeader, body: Uint8Array, peers: readonly PeerIndexEntry[] | null): RibRecord {
  const r = new BodyReader(header, body)
  const kind = ribAfiSafi(header.subtype)
  if (kind === null) throw r.error('not a RIB_AFI_SAFI subtype')
  const sequence = r.u32('sequence number')
  const bits = r.u8('prefix length')
  const prefix = readPrefix(r, kind.afi, bits)
  const count = r.u16('entry count')
  // Each entry takes at least 8 octets (12 with a path identifier): a count that cannot fit is
  // rejected before anything is allocated for it.
  const minEntry = kind.addPath ? 12 : 8
  if (count * minEntry > r.remaining) throw r.error('entry count ' + count + ' does not fit in ' + r.remaining + ' octets', 'truncated')
  const entries: RibEntry[] = new Array(count)
  for (let i = 0; i < count; i++) {
    const peerIndex = r.u16('peer index')
    const originatedTime = r.u32('originated time')
    const pathId = kind.addPath ? r.u32('path identifier') : null
    const attrLen = r.u16('attribute length')
    const attributes = r.bytes(attrLen, 'attributes')
    const peer = peers !== null && peerIndex < peers.length ? peers[peerIndex] : null
    entries[i] = { peerIndex, peer, originatedTime, pathId, attributes }
  }
  if (r.remaining !== 0) throw r.error(r.remaining + ' octets after the last RIB entry')
  return { kind: 'rib', header, sequence, afi: kind.afi, safi: kind.safi, prefix, addPath: kind.addPath, entries }
}
