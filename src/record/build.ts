// Record constructors that put keys in the canonical order of schema/record.schema.json, so
// that JSON.stringify of any record, whichever source made it, gives the same key order.
import type {
  Announcement,
  BmpRouter,
  PeerState,
  PeerStateRecord,
  RecordAttributes,
  RecordError,
  RecordMeta,
  RibInfo,
  UpdateRecord,
  VantagePoint,
  Withdrawal
} from './types.ts'

/** The vantage point with its keys in order (a source may have built it either way). */
function vantagePoint (vp: VantagePoint): VantagePoint {
  return { ip: vp.ip, asn: vp.asn }
}

function bmpRouter (router: BmpRouter): BmpRouter {
  const out = { ip: router.ip } as BmpRouter
  if (router.asn !== undefined) out.asn = router.asn
  if (router.name !== undefined) out.name = router.name
  out.view = router.view
  if (router.rd !== undefined) out.rd = router.rd
  return out
}

/** Build an UpdateRecord with its keys in canonical order. */
export function makeUpdateRecord (
  meta: RecordMeta,
  announce: Announcement[],
  withdraw: Withdrawal[],
  attrs: RecordAttributes,
  eor?: string,
  error?: RecordError,
  rib?: RibInfo
): UpdateRecord {
  const record: UpdateRecord = {
    type: 'update',
    time_us: meta.time_us,
    source: meta.source,
    vp: vantagePoint(meta.vp)
  } as UpdateRecord
  if (meta.router !== undefined) record.router = bmpRouter(meta.router)
  record.announce = announce
  record.withdraw = withdraw
  record.attrs = attrs
  if (eor !== undefined) record.eor = eor
  if (error !== undefined) record.error = error
  if (rib !== undefined) record.rib = rib
  return record
}

/** Build a PeerStateRecord with its keys in canonical order. */
export function makePeerStateRecord (meta: RecordMeta, oldState: PeerState, newState: PeerState, reason?: string): PeerStateRecord {
  const record: PeerStateRecord = {
    type: 'peer_state',
    time_us: meta.time_us,
    source: meta.source,
    vp: vantagePoint(meta.vp)
  } as PeerStateRecord
  if (meta.router !== undefined) record.router = bmpRouter(meta.router)
  record.old_state = oldState
  record.new_state = newState
  if (reason !== undefined) record.reason = reason
  return record
}
