// Counters of the BMP station: one set per router connection, and their sum over the station's
// life. Plain numbers, so that a stats endpoint or a test can read them as they are.

/** BMP message kinds as the codec names them (RFC 7854 §4.1), plus 'unknown'. */
export type BmpMessageKind =
  | 'route-monitoring' | 'statistics-report' | 'peer-down' | 'peer-up'
  | 'initiation' | 'termination' | 'route-mirroring' | 'unknown'

export interface BmpCounters {
  /** Octets read from the socket. */
  bytes: number
  /** Whole BMP messages decoded, by kind. */
  messages: Record<BmpMessageKind, number>
  /** Records made: UPDATE records and Peer Up / Peer Down records. */
  updateRecords: number
  peerStateRecords: number
  /** Records the record queue refused because it was full (it logs them). */
  droppedRecords: number
  /** BMP messages that failed to decode and were skipped (the framing was intact). */
  decodeErrors: number
  /** Route Monitoring messages whose UPDATE the BGP codec rejected (no record). */
  bgpErrors: number
  /** UPDATEs that RFC 7606 would answer with a session reset (no record). */
  sessionResetUpdates: number
  /** MP_REACH/MP_UNREACH attributes of families records do not carry (VPN, EVPN, ...). */
  skippedFamilies: number
  /** Route Monitoring messages left without a record because they only held such families. */
  skippedUpdates: number
  /** Route Monitoring messages for a peer with no Peer Up on this connection. */
  unknownPeerMessages: number
  /** Route Monitoring messages read without the negotiated ADD-PATH (add-path-fallback.ts). */
  addPathFallbacks: number
}

export function createCounters (): BmpCounters {
  return {
    bytes: 0,
    messages: {
      'route-monitoring': 0,
      'statistics-report': 0,
      'peer-down': 0,
      'peer-up': 0,
      initiation: 0,
      termination: 0,
      'route-mirroring': 0,
      unknown: 0
    },
    updateRecords: 0,
    peerStateRecords: 0,
    droppedRecords: 0,
    decodeErrors: 0,
    bgpErrors: 0,
    sessionResetUpdates: 0,
    skippedFamilies: 0,
    skippedUpdates: 0,
    unknownPeerMessages: 0,
    addPathFallbacks: 0
  }
}

/** Add `from` into `into`. */
export function addCounters (into: BmpCounters, from: BmpCounters): void {
  for (const key of Object.keys(from.messages) as BmpMessageKind[]) into.messages[key] += from.messages[key]
  into.bytes += from.bytes
  into.updateRecords += from.updateRecords
  into.peerStateRecords += from.peerStateRecords
  into.droppedRecords += from.droppedRecords
  into.decodeErrors += from.decodeErrors
  into.bgpErrors += from.bgpErrors
  into.sessionResetUpdates += from.sessionResetUpdates
  into.skippedFamilies += from.skippedFamilies
  into.skippedUpdates += from.skippedUpdates
  into.unknownPeerMessages += from.unknownPeerMessages
  into.addPathFallbacks += from.addPathFallbacks
}

/** A deep copy, so that a reader's snapshot does not change under it. */
export function copyCounters (c: BmpCounters): BmpCounters {
  return { ...c, messages: { ...c.messages } }
}
