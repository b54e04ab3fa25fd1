// MRT records (RFC 6396, RFC 8050) to normalised records. Stateful: a TABLE_DUMP_V2 file's RIB
// entries name their peer by an index into the PEER_INDEX_TABLE that came before them, so the
// normaliser keeps that table (the MRT reader resolves the index too, into RibEntry.peer; the
// table here serves records decoded without the reader's context). One normaliser per stream.
import { decodeAttributes } from '../codec/bgp/attributes/index.ts'
import { Afi, MessageType, Safi } from '../codec/bgp/constants.ts'
import { createDecodeContext, familyKey } from '../codec/bgp/decode-context.ts'
import type { DecodeContext } from '../codec/bgp/decode-context.ts'
import { ErrorAction, isBgpDecodeError } from '../codec/bgp/errors.ts'
import type { BgpDecodeError } from '../codec/bgp/errors.ts'
import { decodeMessage } from '../codec/bgp/message.ts'
import type { PathAttribute } from '../codec/bgp/types.ts'
import { MrtDecodeError } from '../codec/mrt/errors.ts'
import type {
  BgpLegacyRecord,
  Bgp4mpMessage,
  Bgp4mpStateChange,
  MrtRecord,
  PeerIndexEntry,
  RibRecord,
  TableDumpEntry
} from '../codec/mrt/types.ts'
import { maskPrefix } from './format.ts'
import { makePeerStateRecord, makeUpdateRecord } from './build.ts'
import { collectAttributes, recordError, updateToRecord } from './from-update.ts'
import type {
  Announcement,
  BgpRecord,
  NonUnicastFamily,
  PeerState,
  PeerStateRecord,
  RecordError,
  RecordMeta,
  UpdateRecord,
  Withdrawal
} from './types.ts'

const STATE_NAMES: readonly PeerState[] = [
  'state-0', 'Idle', 'Connect', 'Active', 'OpenSent', 'OpenConfirm', 'Established', 'Clearing', 'Deleted'
]

/** RFC 6396 §4.4.1 state code to name (7 and 8 are Quagga/FRR's Clearing and Deleted). */
export function peerStateName (code: number): PeerState {
  return STATE_NAMES[code] ?? `state-${code}`
}

const ALL_ADD_PATH = new Set([
  familyKey(Afi.IPV4, Safi.UNICAST), familyKey(Afi.IPV4, Safi.MULTICAST),
  familyKey(Afi.IPV6, Safi.UNICAST), familyKey(Afi.IPV6, Safi.MULTICAST)
])

/**
 * The four contexts a BGP4MP MESSAGE subtype implies (RFC 6396 §4.4, RFC 8050 §3): 2- or
 * 4-octet ASNs, path identifiers in every family's NLRI or in none. Extended messages are
 * allowed, as the MRT record length, not the BGP header, bounds the message.
 */
const BGP4MP_CONTEXTS: readonly DecodeContext[] = [
  createDecodeContext({ asn4: false, extendedMessage: true }),
  createDecodeContext({ asn4: true, extendedMessage: true }),
  createDecodeContext({ asn4: false, addPath: ALL_ADD_PATH, extendedMessage: true }),
  createDecodeContext({ asn4: true, addPath: ALL_ADD_PATH, extendedMessage: true })
]

/** TABLE_DUMP v1 attributes have 2-octet ASNs (RFC 6396 §4.2); TABLE_DUMP_V2 4-octet (§4.3.4). */
const TABLE_DUMP_CONTEXT = createDecodeContext({ asn4: false, extendedMessage: true, mrtRibEntry: true })
const TABLE_DUMP_V2_CONTEXT = createDecodeContext({ asn4: true, extendedMessage: true, mrtRibEntry: true })

function timeUs (header: { timestamp: number, microseconds: number }): number {
  return header.timestamp * 1_000_000 + header.microseconds
}

function isIpv6Prefix (prefix: string): boolean {
  return prefix.includes(':')
}

function familyTag (afi: number, safi: number): NonUnicastFamily | undefined {
  if (safi !== Safi.MULTICAST) return undefined
  return afi === Afi.IPV6 ? 'ipv6-multicast' : 'ipv4-multicast'
}

/** The MRT-reportable form of a BGP error that would reset a session. */
function fatal (rec: MrtRecord, error: BgpDecodeError): MrtDecodeError {
  return new MrtDecodeError('BGP message: ' + error.message, { offset: rec.header.offset, kind: 'malformed', cause: error })
}

export interface MrtNormaliserStats {
  /** BGP messages other than UPDATE (OPEN, KEEPALIVE, NOTIFICATION, ROUTE-REFRESH): no record. */
  nonUpdate: number
  /** Records of MRT types and subtypes that make no record. */
  unsupported: number
  /** RIB entries whose peer index the PEER_INDEX_TABLE does not have (or with no table): no record. */
  unknownPeer: number
}

/**
 * Turns the records of one MRT stream into normalised records, in order. Throws MrtDecodeError
 * (kind 'malformed', at the record's offset, the BgpDecodeError as cause) for a BGP message or
 * attribute list that a session would have to reset on (RFC 7606 §2 session reset); the
 * normaliser stays usable, so a caller may report it and go on with the next record.
 */
export class MrtRecordNormaliser {
  /** The PEER_INDEX_TABLE in force (RFC 6396 §4.3.1), null before the first one. */
  peers: PeerIndexEntry[] | null = null
  readonly stats: MrtNormaliserStats = { nonUpdate: 0, unsupported: 0, unknownPeer: 0 }

  toRecords (rec: MrtRecord, source: string): BgpRecord[] {
    switch (rec.kind) {
      case 'bgp4mp-message': {
        const record = this.message(rec, source)
        return record === null ? [] : [record]
      }
      case 'bgp4mp-state-change': return [this.stateChange(rec, source)]
      case 'peer-index-table':
        this.peers = rec.peers
        return []
      case 'rib': return this.rib(rec, source)
      case 'table-dump': return [this.tableDump(rec, source)]
      case 'bgp-legacy': {
        if (rec.message === null) return [this.stateChange(rec, source)]
        const record = this.message(rec, source)
        return record === null ? [] : [record]
      }
      case 'unsupported':
        this.stats.unsupported++
        return []
    }
  }

  /**
   * BGP4MP MESSAGE* (and the deprecated type 5 messages, always 2-octet ASNs): the record of an
   * UPDATE, nothing for other messages (OPEN, KEEPALIVE, NOTIFICATION, ROUTE-REFRESH carry no
   * routes; session changes come as STATE_CHANGE records).
   */
  private message (rec: Bgp4mpMessage | BgpLegacyRecord, source: string): UpdateRecord | null {
    const bytes = rec.message
    if (bytes === null) return null
    // RFC 4271 §4.1: the type is the octet after the 16-octet marker and the 2-octet length.
    // Skipping other types before decoding keeps KEEPALIVE-heavy files cheap.
    if (bytes.length >= 19 && bytes[18] !== MessageType.UPDATE) {
      this.stats.nonUpdate++
      return null
    }
    const ctx = rec.kind === 'bgp-legacy' ? BGP4MP_CONTEXTS[0] : BGP4MP_CONTEXTS[(rec.asn4 ? 1 : 0) + (rec.addPath ? 2 : 0)]
    let message
    try {
      message = decodeMessage(bytes, ctx)
    } catch (err) {
      if (isBgpDecodeError(err)) throw fatal(rec, err)
      throw err
    }
    if (message.type !== 'update') {
      this.stats.nonUpdate++
      return null
    }
    if (message.error !== undefined && message.error.action === ErrorAction.SESSION_RESET) throw fatal(rec, message.error)
    // The vp is the speaker whose routes these are: the sender (the local side for *_LOCAL).
    // Legacy records name the sender as their peer already.
    const vp = rec.kind === 'bgp4mp-message' && rec.local ? { ip: rec.localIp, asn: rec.localAs } : { ip: rec.peerIp, asn: rec.peerAs }
    return updateToRecord(message, { time_us: timeUs(rec.header), source, vp })
  }

  private stateChange (rec: Bgp4mpStateChange | BgpLegacyRecord, source: string): PeerStateRecord {
    const meta = { time_us: timeUs(rec.header), source, vp: { ip: rec.peerIp, asn: rec.peerAs } }
    return makePeerStateRecord(meta, peerStateName(rec.oldState), peerStateName(rec.newState))
  }

  private rib (rec: RibRecord, source: string): UpdateRecord[] {
    const out: UpdateRecord[] = []
    const time_us = timeUs(rec.header)
    const prefix = maskPrefix(rec.prefix)
    const family = familyTag(rec.afi, rec.safi)
    for (const entry of rec.entries) {
      // The MRT reader resolves the index itself; a record decoded without its context does not.
      // GoBGP's locally originated routes (index == peer count, see codec/mrt/table-dump-v2.ts)
      // have no peer to be the vantage point: they are counted and left out.
      const peer = entry.peer ?? this.peers?.[entry.peerIndex]
      if (peer === undefined) {
        this.stats.unknownPeer++
        continue
      }
      const meta = { time_us, source, vp: { ip: peer.ip, asn: peer.asn } }
      out.push(ribEntryRecord(rec, meta, prefix, family, entry.pathId, entry.attributes, TABLE_DUMP_V2_CONTEXT, entry.originatedTime))
    }
    return out
  }

  private tableDump (rec: TableDumpEntry, source: string): UpdateRecord {
    const meta = { time_us: timeUs(rec.header), source, vp: { ip: rec.peerIp, asn: rec.peerAs } }
    // Subtypes 3 and 4 (4-octet peer AS, a bgpdump extension) carry 4-octet ASNs.
    const ctx = rec.asn4 ? TABLE_DUMP_V2_CONTEXT : TABLE_DUMP_CONTEXT
    return ribEntryRecord(rec, meta, maskPrefix(rec.prefix), undefined, null, rec.attributes, ctx, rec.originatedTime)
  }
}

/**
 * One RIB entry as an announcement of its prefix. The next hop is NEXT_HOP for an IPv4 prefix
 * and the (abbreviated, RFC 6396 §4.3.4) MP_REACH_NLRI next hop otherwise, or when NEXT_HOP is
 * missing (an IPv4 route with an IPv6 next hop, RFC 8950).
 */
function ribEntryRecord (
  rec: MrtRecord,
  meta: RecordMeta,
  prefix: string,
  family: NonUnicastFamily | undefined,
  pathId: number | null,
  bytes: Uint8Array,
  ctx: DecodeContext,
  originatedSeconds: number
): UpdateRecord {
  let attributes: PathAttribute[]
  let error: BgpDecodeError | undefined
  try {
    const decoded = decodeAttributes(bytes, 0, bytes.length, ctx)
    attributes = decoded.attributes
    error = decoded.error
  } catch (err) {
    if (isBgpDecodeError(err)) throw fatal(rec, err)
    throw err
  }
  const { attrs, nextHop, mpReach } = collectAttributes(attributes)
  let hop = nextHop
  let hopLl: string | undefined
  if (mpReach !== undefined && (isIpv6Prefix(prefix) || hop === null)) {
    hop = mpReach.nextHops[0] ?? null
    hopLl = mpReach.nextHops[1]
  }
  if (error !== undefined && error.action === ErrorAction.SESSION_RESET) throw fatal(rec, error)
  const rib = { originated_us: originatedSeconds * 1_000_000 }
  const recErr: RecordError | undefined = error !== undefined ? recordError(error) : undefined
  if (error !== undefined && recErr !== undefined && error.action >= ErrorAction.TREAT_AS_WITHDRAW) {
    const w: Withdrawal = {} as Withdrawal
    if (family !== undefined) w.family = family
    w.prefixes = [prefix]
    if (pathId !== null) w.path_ids = [pathId]
    return makeUpdateRecord(meta, [], [w], {}, undefined, recErr, rib)
  }
  const a: Announcement = {} as Announcement
  if (family !== undefined) a.family = family
  a.next_hop = hop
  if (hopLl !== undefined) a.next_hop_ll = hopLl
  a.prefixes = [prefix]
  if (pathId !== null) a.path_ids = [pathId]
  return makeUpdateRecord(meta, [a], [], attrs, undefined, recErr, rib)
}
