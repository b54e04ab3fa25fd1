// The records one decoded BMP message gives (RFC 7854 §4): a Route Monitoring message (§4.6)
// one UpdateRecord, a Peer Up (§4.10) or Peer Down (§4.9) one PeerStateRecord, the others none.
// Every record carries the monitored peer as `vp` and the exporting router as `router` with the
// view the message was taken from (src/record/from-bmp.ts).

import { InitiationTlvType, PeerType } from '../../codec/bmp/constants.ts'
import { peerKey } from '../../codec/bmp/session-state.ts'
import { tlvText } from '../../codec/bmp/tlv.ts'
import type { BmpMessage, BmpPeerHeader, RouteMonitoringMessage } from '../../codec/bmp/types.ts'
import { ErrorAction, isBgpDecodeError } from '../../codec/bgp/errors.ts'
import { peerDownToRecord, peerUpToRecord } from '../../record/from-bmp.ts'
import type { BmpStation as RecordStation } from '../../record/from-bmp.ts'
import { bmpMeta } from '../../record/from-bmp.ts'
import { updateToRecord } from '../../record/from-update.ts'
import type { BgpRecord, UpdateRecord } from '../../record/types.ts'
import { openAsn } from './router-identity.ts'
import type { BmpCounters } from './station-stats.ts'

/** What one router connection knows about the router, updated as messages come. */
export interface RouterIdentity {
  /** The `source` of every record (the station's name). */
  source: string
  /** Address the BMP session comes from. */
  ip: string
  /** sysName of the last Initiation message (RFC 7854 §4.3). */
  name?: string
  /** The router's AS towards each monitored peer, from the OPEN it sent (Peer Up, §4.10). */
  asnByPeer: Map<string, number>
  /** The first AS learned on this connection: used for peers whose Peer Up was not seen. */
  asn?: number
}

export function createRouterIdentity (source: string, ip: string): RouterIdentity {
  return { source, ip, asnByPeer: new Map() }
}

/**
 * The router's side of the meta for a message of `peer`. Its AS: the one it sent that peer,
 * else the first one learned, else for the Loc-RIB peer the header's Peer AS, which RFC 9069
 * §4.1 sets to the router's own (global or default) AS.
 */
function recordStation (id: RouterIdentity, peer: BmpPeerHeader): RecordStation {
  let asn = id.asnByPeer.get(peerKey(peer)) ?? id.asn
  if (asn === undefined && peer.peerType === PeerType.LOC_RIB_INSTANCE && peer.asn !== 0) asn = peer.asn
  const router: RecordStation['router'] = { ip: id.ip }
  if (asn !== undefined) router.asn = asn
  if (id.name !== undefined) router.name = id.name
  return { source: id.source, router }
}

/** The families records carry (record/types.ts: unicast and multicast of IPv4 and IPv6). */
const CARRIED = new Set(['ipv4-unicast', 'ipv6-unicast', 'ipv4-multicast', 'ipv6-multicast'])

/** True when an UpdateRecord says nothing: no prefix, no End-of-RIB. */
function isEmpty (record: UpdateRecord): boolean {
  return record.announce.length === 0 && record.withdraw.length === 0 && record.eor === undefined
}

function routeMonitoringRecord (msg: RouteMonitoringMessage, id: RouterIdentity, counters: BmpCounters, receivedUs: number): UpdateRecord | null {
  if (!msg.peerKnown) counters.unknownPeerMessages++
  counters.skippedFamilies += msg.skippedFamilies.length
  if (msg.update === null) {
    counters.bgpErrors++
    return null
  }
  // RFC 7606 §2 session reset: the UPDATE means nothing a record can say. Checked here, before
  // updateToRecord, because an UPDATE whose fields were unreadable can look empty, like an
  // End-of-RIB (RFC 4724 §2).
  if (msg.update.error?.action === ErrorAction.SESSION_RESET) {
    counters.sessionResetUpdates++
    return null
  }
  let record: UpdateRecord
  try {
    record = updateToRecord(msg.update, bmpMeta(msg.peer, recordStation(id, msg.peer), receivedUs))
  } catch (err) {
    // RFC 7606 §2 session reset: the UPDATE means nothing a record can say.
    if (!isBgpDecodeError(err)) throw err
    counters.sessionResetUpdates++
    return null
  }
  // Families records do not carry (VPN, EVPN, labelled, ...) are skipped, and counted above:
  // an UPDATE made only of them, or their End-of-RIB (RFC 4724 §2), gives no record.
  const skip = record.eor !== undefined ? !CARRIED.has(record.eor) : isEmpty(record) && msg.skippedFamilies.length > 0
  if (skip) {
    counters.skippedUpdates++
    return null
  }
  return record
}

/**
 * The records of one message, counting what is skipped in `counters`. Initiation sets the
 * router's name, Peer Up its AS towards the peer; Statistics, Route Mirroring, Termination and
 * unknown messages give no record (the connection counts and logs them).
 */
export function messageRecords (msg: BmpMessage, id: RouterIdentity, counters: BmpCounters, receivedUs: number): BgpRecord[] {
  switch (msg.kind) {
    case 'route-monitoring': {
      const record = routeMonitoringRecord(msg, id, counters, receivedUs)
      return record === null ? [] : [record]
    }
    case 'peer-up': {
      const asn = openAsn(msg.sentOpen)
      if (asn !== undefined) {
        id.asnByPeer.set(peerKey(msg.peer), asn)
        id.asn ??= asn
      }
      return [peerUpToRecord(msg, recordStation(id, msg.peer), receivedUs)]
    }
    case 'peer-down': {
      const record = peerDownToRecord(msg, recordStation(id, msg.peer), receivedUs)
      id.asnByPeer.delete(peerKey(msg.peer))
      return [record]
    }
    case 'initiation': {
      const name = tlvText(msg.tlvs, InitiationTlvType.SYS_NAME)
      if (name !== undefined && name !== '') id.name = name
      return []
    }
    default:
      return []
  }
}
