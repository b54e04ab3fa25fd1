// A decoded UPDATE (src/codec/bgp) to the normalised record (types.ts). One record per UPDATE:
// announcements grouped by next hop, withdrawals, typed attributes, End-of-RIB and the RFC 7606
// outcome. No object per prefix: prefix strings and path id arrays are the codec's own arrays.
import { mergeAggregator, mergeAsPath, shouldUseAs4Path } from '../codec/bgp/as4-merge.ts'
import { AsPathSegmentType, AttrType, Afi, Safi } from '../codec/bgp/constants.ts'
import { endOfRibFamily } from '../codec/bgp/end-of-rib.ts'
import { ErrorAction, errorActionName } from '../codec/bgp/errors.ts'
import type { BgpDecodeError } from '../codec/bgp/errors.ts'
import type {
  AggregatorAttribute,
  AsPathAttribute,
  AsPathSegment,
  MpReachAttribute,
  MpUnreachAttribute,
  PathAttribute,
  PrefixList,
  UpdateMessage
} from '../codec/bgp/types.ts'
import { makeUpdateRecord } from './build.ts'
import { familyName, formatCommunity, maskPrefixes, toHex } from './format.ts'
import type {
  AggregatorJson,
  Announcement,
  AsPathSegmentJson,
  NonUnicastFamily,
  RecordAttributes,
  RecordError,
  RecordErrorAction,
  RecordMeta,
  UnknownAttributeJson,
  UpdateRecord,
  Withdrawal
} from './types.ts'

const ORIGIN_NAMES: ReadonlyArray<'IGP' | 'EGP' | 'INCOMPLETE'> = ['IGP', 'EGP', 'INCOMPLETE']

const SEGMENT_NAMES: Record<number, AsPathSegmentJson['type']> = {
  [AsPathSegmentType.AS_SET]: 'AS_SET',
  [AsPathSegmentType.AS_SEQUENCE]: 'AS_SEQUENCE',
  [AsPathSegmentType.AS_CONFED_SEQUENCE]: 'AS_CONFED_SEQUENCE',
  [AsPathSegmentType.AS_CONFED_SET]: 'AS_CONFED_SET'
}

/**
 * Type codes the codec interprets. An attribute of one of these codes that the codec hands over
 * as 'unknown' was found malformed and discarded (RFC 7606 §2 "attribute discard"), so the
 * record leaves it out.
 */
const INTERPRETED_CODES: ReadonlySet<number> = new Set(Object.values(AttrType))

/** The record's family tag: undefined for unicast, null for families records do not carry. */
function familyOf (afi: number, safi: number): NonUnicastFamily | undefined | null {
  if (safi === Safi.UNICAST && (afi === Afi.IPV4 || afi === Afi.IPV6)) return undefined
  if (safi === Safi.MULTICAST) {
    if (afi === Afi.IPV4) return 'ipv4-multicast'
    if (afi === Afi.IPV6) return 'ipv6-multicast'
  }
  return null
}

/** Prefixes in canonical form: the codec's array itself unless some carry host bits. */
export function canonicalPrefixes (list: PrefixList): string[] {
  return list.hostBits === true ? maskPrefixes(list.prefixes) : list.prefixes
}

function segmentsToJson (segments: readonly AsPathSegment[]): AsPathSegmentJson[] {
  const out: AsPathSegmentJson[] = []
  for (const segment of segments) {
    const type = SEGMENT_NAMES[segment.type]
    if (type !== undefined) out.push({ type, asns: segment.asns })
  }
  return out
}

/** The value octets of an MP_REACH_NLRI as received (RFC 4760 §3), for families kept as unknown. */
function mpReachValue (attr: MpReachAttribute): string {
  const head = Uint8Array.of(attr.afi >> 8, attr.afi & 0xff, attr.safi, attr.nextHopBytes.length)
  return toHex(head) + toHex(attr.nextHopBytes) + toHex(Uint8Array.of(attr.reserved)) + toHex(attr.nlriBytes)
}

/** The value octets of an MP_UNREACH_NLRI as received (RFC 4760 §4). */
function mpUnreachValue (attr: MpUnreachAttribute): string {
  return toHex(Uint8Array.of(attr.afi >> 8, attr.afi & 0xff, attr.safi)) + toHex(attr.withdrawnBytes)
}

/** What `collectAttributes` finds, besides the typed attributes. */
export interface CollectedAttributes {
  attrs: RecordAttributes
  nextHop: string | null
  mpReach: MpReachAttribute | undefined
  mpUnreach: MpUnreachAttribute | undefined
}

/**
 * Typed attributes of the record from the codec's attribute list, with RFC 6793 §4.2.3 applied:
 * AS4_PATH and AS4_AGGREGATOR are merged into AS_PATH and AGGREGATOR when AS_PATH has 2-octet
 * ASNs, and ignored otherwise (RFC 6793 §4.1: a NEW speaker discards them from a NEW speaker).
 */
export function collectAttributes (attributes: readonly PathAttribute[]): CollectedAttributes {
  let origin: RecordAttributes['origin']
  let asPath: AsPathAttribute | undefined
  let as4Path: AsPathAttribute | undefined
  let med: number | undefined
  let localPref: number | undefined
  let atomic = false
  let aggregator: AggregatorAttribute | undefined
  let as4Aggregator: AggregatorAttribute | undefined
  let communities: string[] | undefined
  let large: string[] | undefined
  let ext: string[] | undefined
  let originatorId: string | undefined
  let clusterList: string[] | undefined
  let otc: number | undefined
  let unknown: UnknownAttributeJson[] | undefined
  let nextHop: string | null = null
  let mpReach: MpReachAttribute | undefined
  let mpUnreach: MpUnreachAttribute | undefined

  for (const attr of attributes) {
    switch (attr.kind) {
      case 'origin': origin = ORIGIN_NAMES[attr.origin]; break
      case 'as-path': asPath = attr; break
      case 'as4-path': as4Path = attr; break
      case 'next-hop': nextHop = attr.nextHop; break
      case 'med': med = attr.med; break
      case 'local-pref': localPref = attr.localPref; break
      case 'atomic-aggregate': atomic = true; break
      case 'aggregator': aggregator = attr; break
      case 'as4-aggregator': as4Aggregator = attr; break
      case 'communities':
        communities = new Array<string>(attr.communities.length)
        for (let i = 0; i < attr.communities.length; i++) communities[i] = formatCommunity(attr.communities[i])
        break
      case 'large-communities': {
        large = []
        const v = attr.values
        for (let i = 0; i + 2 < v.length; i += 3) large.push(String(v[i]) + ':' + String(v[i + 1]) + ':' + String(v[i + 2]))
        break
      }
      case 'extended-communities':
        ext = new Array<string>(attr.communities.length)
        for (let i = 0; i < attr.communities.length; i++) ext[i] = toHex(attr.communities[i])
        break
      case 'originator-id': originatorId = attr.originatorId; break
      case 'cluster-list': clusterList = attr.clusterIds; break
      case 'only-to-customer': otc = attr.asn; break
      case 'mp-reach':
        mpReach = attr
        if (attr.nlri === null && !attr.abbreviated) (unknown ??= []).push({ code: attr.code, flags: attr.flags, value: mpReachValue(attr) })
        break
      case 'mp-unreach':
        mpUnreach = attr
        if (attr.withdrawn === null) (unknown ??= []).push({ code: attr.code, flags: attr.flags, value: mpUnreachValue(attr) })
        break
      case 'unknown':
        if (!INTERPRETED_CODES.has(attr.code)) (unknown ??= []).push({ code: attr.code, flags: attr.flags, value: toHex(attr.value) })
        break
    }
  }

  // RFC 6793 §4.2.3: with a 2-octet AS_PATH, AS4_AGGREGATOR replaces an AGGREGATOR holding
  // AS_TRANS; an AGGREGATOR holding another AS means the AS4_* attributes are stale and ignored.
  let mergedAggregator: AggregatorJson | undefined
  if (aggregator !== undefined) {
    const merged = mergeAggregator(aggregator, as4Aggregator)
    mergedAggregator = { asn: merged.asn, ip: merged.address }
  }
  let segments: AsPathSegmentJson[] | undefined
  if (asPath !== undefined) {
    const useAs4 = shouldUseAs4Path(asPath.asnSize, aggregator)
    segments = segmentsToJson(useAs4 && as4Path !== undefined ? mergeAsPath(asPath.segments, as4Path.segments) : asPath.segments)
  }

  // Keys in the canonical order of schema/record.schema.json.
  const attrs: RecordAttributes = {}
  if (origin !== undefined) attrs.origin = origin
  if (segments !== undefined) attrs.as_path = segments
  if (med !== undefined) attrs.med = med
  if (localPref !== undefined) attrs.local_pref = localPref
  if (atomic) attrs.atomic_aggregate = true
  if (mergedAggregator !== undefined) attrs.aggregator = mergedAggregator
  if (communities !== undefined) attrs.communities = communities
  if (large !== undefined) attrs.large_communities = large
  if (ext !== undefined) attrs.ext_communities = ext
  if (originatorId !== undefined) attrs.originator_id = originatorId
  if (clusterList !== undefined) attrs.cluster_list = clusterList
  if (otc !== undefined) attrs.otc = otc
  if (unknown !== undefined) attrs.unknown = unknown
  return { attrs, nextHop, mpReach, mpUnreach }
}

/** The record's form of an RFC 7606 outcome; session-reset errors never reach a record. */
export function recordError (error: BgpDecodeError): RecordError {
  const out = {
    action: errorActionName(error.action) as RecordErrorAction,
    code: error.code,
    subcode: error.subcode
  } as RecordError
  if (error.attributeType !== undefined) out.attr = error.attributeType
  out.message = error.message
  return out
}

function announcement (family: NonUnicastFamily | undefined, nextHop: string | null, nextHopLl: string | undefined, list: PrefixList): Announcement {
  const a: Announcement = {} as Announcement
  if (family !== undefined) a.family = family
  a.next_hop = nextHop
  if (nextHopLl !== undefined) a.next_hop_ll = nextHopLl
  a.prefixes = canonicalPrefixes(list)
  if (list.pathIds !== null) a.path_ids = list.pathIds
  return a
}

function withdrawal (family: NonUnicastFamily | undefined, list: PrefixList): Withdrawal {
  const w: Withdrawal = {} as Withdrawal
  if (family !== undefined) w.family = family
  w.prefixes = canonicalPrefixes(list)
  if (list.pathIds !== null) w.path_ids = list.pathIds
  return w
}

/** The End-of-RIB family name of an UPDATE (RFC 4724 §2), or undefined. */
export function endOfRib (update: UpdateMessage): string | undefined {
  const family = endOfRibFamily(update)
  return family === null ? undefined : familyName(family.afi, family.safi)
}

function sameGroup (a: Announcement, family: NonUnicastFamily | undefined, nextHop: string | null, nextHopLl: string | undefined, list: PrefixList): boolean {
  return a.family === family && a.next_hop === nextHop && a.next_hop_ll === nextHopLl && (a.path_ids !== undefined) === (list.pathIds !== null)
}

function pushAnnouncement (out: Announcement[], family: NonUnicastFamily | undefined, nextHop: string | null, nextHopLl: string | undefined, list: PrefixList): void {
  if (list.prefixes.length === 0) return
  for (const a of out) {
    if (!sameGroup(a, family, nextHop, nextHopLl, list)) continue
    a.prefixes = a.prefixes.concat(canonicalPrefixes(list))
    if (a.path_ids !== undefined && list.pathIds !== null) a.path_ids = a.path_ids.concat(list.pathIds)
    return
  }
  out.push(announcement(family, nextHop, nextHopLl, list))
}

function pushWithdrawal (out: Withdrawal[], family: NonUnicastFamily | undefined, list: PrefixList): void {
  if (list.prefixes.length === 0) return
  for (const w of out) {
    if (w.family !== family || (w.path_ids !== undefined) !== (list.pathIds !== null)) continue
    w.prefixes = w.prefixes.concat(canonicalPrefixes(list))
    if (w.path_ids !== undefined && list.pathIds !== null) w.path_ids = w.path_ids.concat(list.pathIds)
    return
  }
  out.push(withdrawal(family, list))
}

/**
 * The record of one decoded UPDATE. Announcements are grouped by next hop: IPv4 NLRI with
 * NEXT_HOP (RFC 4271 §5.1.3), MP_REACH_NLRI NLRI with its next hop, the second of two IPv6 next
 * hops being link-local (RFC 2545 §3). Under RFC 7606 treat-as-withdraw (and AFI/SAFI disable,
 * which withdraws at least as much) every announced prefix becomes a withdrawal and no attribute
 * is kept (RFC 7606 §2); under attribute discard the discarded attributes are left out.
 * Throws the UPDATE's BgpDecodeError when it is a session reset: there is no record to make, and
 * the caller reports it (a BGP session sends a NOTIFICATION, MRT replay names the offset).
 */
export function updateToRecord (update: UpdateMessage, meta: RecordMeta): UpdateRecord {
  const error = update.error
  // RFC 7606 §2: a session would be reset; the UPDATE means nothing a record can say. Checked
  // before End-of-RIB, or an UPDATE whose fields could not be read would look like an empty one.
  if (error !== undefined && error.action === ErrorAction.SESSION_RESET) throw error
  const eor = endOfRib(update)
  if (eor !== undefined) return makeUpdateRecord(meta, [], [], {}, eor)

  const { attrs, nextHop, mpReach, mpUnreach } = collectAttributes(update.attributes)
  const withdrawAll = error !== undefined && error.action >= ErrorAction.TREAT_AS_WITHDRAW

  const announce: Announcement[] = []
  const withdraw: Withdrawal[] = []
  pushWithdrawal(withdraw, undefined, update.withdrawn)
  if (mpUnreach !== undefined && mpUnreach.withdrawn !== null) {
    const family = familyOf(mpUnreach.afi, mpUnreach.safi)
    if (family !== null) pushWithdrawal(withdraw, family, mpUnreach.withdrawn)
  }

  const mpFamily = mpReach !== undefined && mpReach.nlri !== null ? familyOf(mpReach.afi, mpReach.safi) : null
  if (withdrawAll) {
    pushWithdrawal(withdraw, undefined, update.nlri)
    if (mpReach !== undefined && mpReach.nlri !== null && mpFamily !== null) pushWithdrawal(withdraw, mpFamily, mpReach.nlri)
    return makeUpdateRecord(meta, announce, withdraw, {}, undefined, recordError(error))
  }

  pushAnnouncement(announce, undefined, nextHop, undefined, update.nlri)
  if (mpReach !== undefined && mpReach.nlri !== null && mpFamily !== null) {
    pushAnnouncement(announce, mpFamily, mpReach.nextHops[0] ?? null, mpReach.nextHops[1], mpReach.nlri)
  }
  return makeUpdateRecord(meta, announce, withdraw, attrs, undefined, error !== undefined ? recordError(error) : undefined)
}
