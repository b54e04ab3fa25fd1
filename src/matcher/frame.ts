// Websocket frames, in the BGProutes.io live format (/work/shared/reference, docs/matcher.md) plus
// our additions, made from normalised records. Schema: schema/frame.schema.json.
//
// The public client's rule holds: a frame with `prefixes` is an announcement, one without is not.
// So one frame carries either announced prefixes (`prefixes`, one announcement group: one next
// hop) or withdrawn ones (`withdrawn`), never both; an UPDATE that does both becomes several
// frames, withdrawals first, as the wire orders them (RFC 4271 §4.3: Withdrawn Routes, then
// attributes and NLRI). Peer up and down make `peer_state` frames, which the public client skips
// (it accepts only record_type "update"). The per-key `seq` is not here: the delivery log puts it
// first when it numbers a frame.

import type {
  Announcement,
  AsPathSegmentJson,
  BgpRecord,
  BmpView,
  PeerStateRecord,
  RecordAttributes,
  UpdateRecord
} from '../record/types.ts'

/** An announcement or a withdrawal, for one key or for everyone. Keys are in this order. */
export interface UpdateFrame {
  /** `update` for a BGP vantage point, `bmp_update` for a BMP one. */
  record_type: 'update' | 'bmp_update'
  /** `ASN_IP` of the vantage point; for BMP, of the router that exports BMP (ASN 0 when unknown). */
  vp: string
  /** BMP only: `ASN_IP` of the monitored peer. */
  bmp_peer?: string
  sec: number
  Usec: number
  /** Announced prefixes, comma separated: present exactly on announcements. */
  prefixes?: string
  /** Withdrawn prefixes, comma separated: present exactly on withdrawals (our addition). */
  withdrawn?: string
  /** RFC 7911 path identifiers, comma separated, aligned with `prefixes` or `withdrawn` (ADD-PATH only). */
  path_ids?: string
  /** AS path, space separated; AS_SET `{a,b}`, AS_CONFED_SEQUENCE `(a b)`, AS_CONFED_SET `[a,b]`. */
  'as-path'?: string
  /** Standard communities `asn:value`, space separated. */
  communities?: string
  nexthop?: string
  origin?: 'IGP' | 'EGP' | 'INCOMPLETE'
  nexthop_ll?: string
  large_communities?: string
  ext_communities?: string
  med?: number
  local_pref?: number
  /** `ASN_IP` of the AGGREGATOR. */
  aggregator?: string
  atomic_aggregate?: true
  otc?: number
  /** The collector or source the record came from. */
  collector: string
  /** BMP only: the view (adj-rib-in-pre, ..., loc-rib). */
  bmp_view?: BmpView
  /** Present (true) when the frame replays a RIB dump entry rather than a message. */
  rib?: true
}

/** A session with a vantage point came up (entered Established) or went down (left it). */
export interface PeerStateFrame {
  record_type: 'peer_state' | 'bmp_peer_state'
  vp: string
  bmp_peer?: string
  sec: number
  Usec: number
  state: 'up' | 'down'
  old_state: string
  new_state: string
  reason?: string
  collector: string
  bmp_view?: BmpView
}

export type Frame = UpdateFrame | PeerStateFrame

/** The fields every frame of one record shares, computed once per record. */
export interface FrameHeader {
  record_type: 'update' | 'bmp_update'
  vp: string
  bmp_peer?: string
  sec: number
  Usec: number
}

/** `ASN_IP`, the BGProutes.io name of a speaker. */
export function speakerName (asn: number | undefined, ip: string): string {
  return String(asn ?? 0) + '_' + ip
}

function header (record: BgpRecord, bmpType: 'bmp_update', bgpType: 'update'): FrameHeader {
  const sec = Math.floor(record.time_us / 1e6)
  const Usec = record.time_us - sec * 1e6
  if (record.router === undefined) return { record_type: bgpType, vp: speakerName(record.vp.asn, record.vp.ip), sec, Usec }
  return {
    record_type: bmpType,
    vp: speakerName(record.router.asn, record.router.ip),
    bmp_peer: speakerName(record.vp.asn, record.vp.ip),
    sec,
    Usec
  }
}

/** The AS path as text: `a b {c,d} (e f) [g,h]`. */
export function formatAsPath (segments: readonly AsPathSegmentJson[]): string {
  let out = ''
  for (const seg of segments) {
    if (seg.asns.length === 0) continue
    if (out !== '') out += ' '
    switch (seg.type) {
      case 'AS_SEQUENCE': out += seg.asns.join(' '); break
      case 'AS_SET': out += '{' + seg.asns.join(',') + '}'; break
      case 'AS_CONFED_SEQUENCE': out += '(' + seg.asns.join(' ') + ')'; break
      case 'AS_CONFED_SET': out += '[' + seg.asns.join(',') + ']'; break
    }
  }
  return out
}

/** The attribute fields of an announcement frame, in frame key order, for one record. */
interface AttributeFields {
  'as-path'?: string
  communities?: string
  origin?: 'IGP' | 'EGP' | 'INCOMPLETE'
  large_communities?: string
  ext_communities?: string
  med?: number
  local_pref?: number
  aggregator?: string
  atomic_aggregate?: true
  otc?: number
}

function attributeFields (attrs: RecordAttributes): AttributeFields {
  const out: AttributeFields = {}
  if (attrs.as_path !== undefined) out['as-path'] = formatAsPath(attrs.as_path)
  if (attrs.communities !== undefined && attrs.communities.length > 0) out.communities = attrs.communities.join(' ')
  if (attrs.origin !== undefined) out.origin = attrs.origin
  if (attrs.large_communities !== undefined && attrs.large_communities.length > 0) out.large_communities = attrs.large_communities.join(' ')
  if (attrs.ext_communities !== undefined && attrs.ext_communities.length > 0) out.ext_communities = attrs.ext_communities.join(' ')
  if (attrs.med !== undefined) out.med = attrs.med
  if (attrs.local_pref !== undefined) out.local_pref = attrs.local_pref
  if (attrs.aggregator !== undefined) out.aggregator = speakerName(attrs.aggregator.asn, attrs.aggregator.ip)
  if (attrs.atomic_aggregate === true) out.atomic_aggregate = true
  if (attrs.otc !== undefined) out.otc = attrs.otc
  return out
}

/** A string as JSON (quoted, escaped). */
const jsonString = (s: string): string => JSON.stringify(s)

/**
 * Builds the frames of one update record: the header and the attribute text are made once and
 * shared by every key's frames. Two forms: objects (`withdrawal`, `announcement`, `all`), and
 * their JSON text (`withdrawalText`, `announcementText`), what the matcher hands on: the text of
 * each key's frame is put together from pieces made once per record (header, attributes,
 * trailer) around the key's own prefixes, instead of serialising one object per key. The text is
 * exactly `JSON.stringify` of the object (same keys, same order; test/matcher/frame.test.ts).
 */
export class UpdateFrameBuilder {
  readonly record: UpdateRecord
  private readonly head: FrameHeader
  private attrs: AttributeFields | null = null
  /** `{"record_type":...,"Usec":N`: the text of the header fields. */
  private headText: string | undefined
  /** `,"collector":...}`: the text of the trailing fields, with the closing brace. */
  private tailText: string | undefined
  /** Per announcement group: the text of its fields from `as-path` to `otc`. */
  private groupTexts: Array<string | undefined> = []

  constructor (record: UpdateRecord) {
    this.record = record
    this.head = header(record, 'bmp_update', 'update')
  }

  /** `withdrawal(prefixes, pathIds)` as JSON text. */
  withdrawalText (prefixes: readonly string[], pathIds?: readonly number[]): string {
    let text = this.headStart() + ',"withdrawn":' + jsonString(prefixes.join(','))
    if (pathIds !== undefined) text += ',"path_ids":' + jsonString(pathIds.join(','))
    return text + this.tail()
  }

  /** `announcement(record.announce[group], prefixes, pathIds)` as JSON text. */
  announcementText (group: number, prefixes: readonly string[], pathIds?: readonly number[]): string {
    let text = this.headStart() + ',"prefixes":' + jsonString(prefixes.join(','))
    if (pathIds !== undefined) text += ',"path_ids":' + jsonString(pathIds.join(','))
    return text + (this.groupTexts[group] ??= this.groupText(this.record.announce[group])) + this.tail()
  }

  /** A withdrawal frame of `prefixes` (and their path ids under ADD-PATH). */
  withdrawal (prefixes: readonly string[], pathIds?: readonly number[]): UpdateFrame {
    const frame = this.start()
    frame.withdrawn = prefixes.join(',')
    if (pathIds !== undefined) frame.path_ids = pathIds.join(',')
    return this.finish(frame)
  }

  /** An announcement frame of `prefixes`, taken from `group` (its next hop), with the record's attributes. */
  announcement (group: Announcement, prefixes: readonly string[], pathIds?: readonly number[]): UpdateFrame {
    const frame = this.start()
    frame.prefixes = prefixes.join(',')
    if (pathIds !== undefined) frame.path_ids = pathIds.join(',')
    const a = this.attrs ??= attributeFields(this.record.attrs)
    if (a['as-path'] !== undefined) frame['as-path'] = a['as-path']
    if (a.communities !== undefined) frame.communities = a.communities
    if (group.next_hop !== null) frame.nexthop = group.next_hop
    if (a.origin !== undefined) frame.origin = a.origin
    if (group.next_hop_ll !== undefined) frame.nexthop_ll = group.next_hop_ll
    if (a.large_communities !== undefined) frame.large_communities = a.large_communities
    if (a.ext_communities !== undefined) frame.ext_communities = a.ext_communities
    if (a.med !== undefined) frame.med = a.med
    if (a.local_pref !== undefined) frame.local_pref = a.local_pref
    if (a.aggregator !== undefined) frame.aggregator = a.aggregator
    if (a.atomic_aggregate !== undefined) frame.atomic_aggregate = true
    if (a.otc !== undefined) frame.otc = a.otc
    return this.finish(frame)
  }

  /** Every frame of the record, all prefixes (no key filter), in wire order. */
  all (): UpdateFrame[] {
    const out: UpdateFrame[] = []
    for (const w of this.record.withdraw) {
      if (w.family === undefined && w.prefixes.length > 0) out.push(this.withdrawal(w.prefixes, w.path_ids))
    }
    for (const a of this.record.announce) {
      if (a.family === undefined && a.prefixes.length > 0) out.push(this.announcement(a, a.prefixes, a.path_ids))
    }
    return out
  }

  private headStart (): string {
    if (this.headText !== undefined) return this.headText
    const h = this.head
    let text = '{"record_type":' + jsonString(h.record_type) + ',"vp":' + jsonString(h.vp)
    if (h.bmp_peer !== undefined) text += ',"bmp_peer":' + jsonString(h.bmp_peer)
    text += ',"sec":' + JSON.stringify(h.sec) + ',"Usec":' + JSON.stringify(h.Usec)
    this.headText = text
    return text
  }

  private tail (): string {
    if (this.tailText !== undefined) return this.tailText
    let text = ',"collector":' + jsonString(this.record.source)
    if (this.record.router !== undefined) text += ',"bmp_view":' + jsonString(this.record.router.view)
    if (this.record.rib !== undefined) text += ',"rib":true'
    text += '}'
    this.tailText = text
    return text
  }

  /** The fields of an announcement frame of `group` between its prefixes and its trailer. */
  private groupText (group: Announcement): string {
    const a = this.attrs ??= attributeFields(this.record.attrs)
    let text = ''
    if (a['as-path'] !== undefined) text += ',"as-path":' + jsonString(a['as-path'])
    if (a.communities !== undefined) text += ',"communities":' + jsonString(a.communities)
    if (group.next_hop !== null) text += ',"nexthop":' + jsonString(group.next_hop)
    if (a.origin !== undefined) text += ',"origin":' + jsonString(a.origin)
    if (group.next_hop_ll !== undefined) text += ',"nexthop_ll":' + jsonString(group.next_hop_ll)
    if (a.large_communities !== undefined) text += ',"large_communities":' + jsonString(a.large_communities)
    if (a.ext_communities !== undefined) text += ',"ext_communities":' + jsonString(a.ext_communities)
    if (a.med !== undefined) text += ',"med":' + JSON.stringify(a.med)
    if (a.local_pref !== undefined) text += ',"local_pref":' + JSON.stringify(a.local_pref)
    if (a.aggregator !== undefined) text += ',"aggregator":' + jsonString(a.aggregator)
    if (a.atomic_aggregate !== undefined) text += ',"atomic_aggregate":true'
    if (a.otc !== undefined) text += ',"otc":' + JSON.stringify(a.otc)
    return text
  }

  private start (): UpdateFrame {
    const h = this.head
    const frame = { record_type: h.record_type, vp: h.vp } as UpdateFrame
    if (h.bmp_peer !== undefined) frame.bmp_peer = h.bmp_peer
    frame.sec = h.sec
    frame.Usec = h.Usec
    return frame
  }

  private finish (frame: UpdateFrame): UpdateFrame {
    frame.collector = this.record.source
    if (this.record.router !== undefined) frame.bmp_view = this.record.router.view
    if (this.record.rib !== undefined) frame.rib = true
    return frame
  }
}

/** Whether a state change is a session coming up or going down; null for other FSM moves. */
export function peerTransition (record: PeerStateRecord): 'up' | 'down' | null {
  const wasUp = record.old_state === 'Established'
  const isUp = record.new_state === 'Established'
  if (isUp && !wasUp) return 'up'
  if (wasUp && !isUp) return 'down'
  return null
}

/** The frame of a peer coming up or going down; null for other state changes (Idle, Connect, Active ...). */
export function peerStateFrame (record: PeerStateRecord): PeerStateFrame | null {
  const state = peerTransition(record)
  if (state === null) return null
  const h = header(record, 'bmp_update', 'update')
  const frame = { record_type: record.router === undefined ? 'peer_state' : 'bmp_peer_state', vp: h.vp } as PeerStateFrame
  if (h.bmp_peer !== undefined) frame.bmp_peer = h.bmp_peer
  frame.sec = h.sec
  frame.Usec = h.Usec
  frame.state = state
  frame.old_state = record.old_state
  frame.new_state = record.new_state
  if (record.reason !== undefined) frame.reason = record.reason
  frame.collector = record.source
  if (record.router !== undefined) frame.bmp_view = record.router.view
  return frame
}
