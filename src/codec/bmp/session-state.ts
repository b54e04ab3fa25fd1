// What one BMP session (one TCP connection from a router, RFC 7854 §3.3) must remember to decode
// its Route Monitoring messages: per monitored peer, what the peer's BGP session negotiated, as
// its Peer Up message (§4.10) shows in the two OPENs. Plain data and pure functions; the only
// mutation is by `decodeBmpMessage` (or the `note*` functions) on the object the caller owns.
//
// Keying: a monitored peer is identified by peer type, peer distinguisher and peer address
// (RFC 7854 §4.2). The flags are left out on purpose: one Peer Up describes the peer, while its
// Route Monitoring messages come with varying L (pre/post policy, §4.2) and O (Adj-RIB-Out,
// RFC 8671 §4) flags. The A flag is applied per message.

import { createDecodeContext, familyKey } from '../bgp/decode-context.ts'
import type { DecodeContext, FamilyKey } from '../bgp/decode-context.ts'
import type { Capability, OpenMessage } from '../bgp/types.ts'
import { toHex } from './bytes.ts'
import { PeerFlag, PeerType } from './constants.ts'
import { hasAdjRibFlags } from './per-peer-header.ts'
import type { BmpPeerHeader, BmpTlv, PeerUpMessage } from './types.ts'

/** What the Peer Up of one monitored peer told. */
export interface BmpPeerState {
  key: string
  peerUp: PeerUpMessage
  /** Both OPENs carry the 4-octet AS capability (RFC 6793 §3). */
  asn4: boolean
  /** Both OPENs carry the extended message capability (RFC 8654 §3). */
  extendedMessage: boolean
  /** Families whose UPDATEs received from the peer carry path identifiers (RFC 7911 §4). */
  addPathIn: ReadonlySet<FamilyKey>
  /** Families whose UPDATEs sent to the peer carry path identifiers (Adj-RIB-Out, RFC 8671). */
  addPathOut: ReadonlySet<FamilyKey>
  /** Decode contexts already built for this peer, by the flags that matter (A, O). */
  contexts: Map<number, DecodeContext>
}

export interface BmpSessionCounters {
  /** Route Monitoring messages for a peer with no Peer Up seen (decoded with a fallback context). */
  unknownPeerRouteMonitoring: number
  /** Route Monitoring messages whose UPDATE the BGP codec rejected. */
  bgpErrors: number
  /** MP_REACH/MP_UNREACH attributes of families the BGP codec keeps raw. */
  skippedFamilies: number
}

export interface BmpSession {
  /** Monitored peers that are up, by `peerKey`. */
  peers: Map<string, BmpPeerState>
  /** TLVs of the last Initiation message (RFC 7854 §4.3): sysName, sysDescr. */
  initiation: BmpTlv[] | null
  /** Set once a Termination message (§4.5) was decoded. */
  terminated: boolean
  counters: BmpSessionCounters
}

export function createBmpSession (): BmpSession {
  return {
    peers: new Map(),
    initiation: null,
    terminated: false,
    counters: { unknownPeerRouteMonitoring: 0, bgpErrors: 0, skippedFamilies: 0 }
  }
}

/** The key of a monitored peer: peer type, distinguisher and address (see the file comment). */
export function peerKey (peer: BmpPeerHeader): string {
  return `${peer.peerType}|${toHex(peer.distinguisher)}|${peer.address}`
}

function capabilities (open: OpenMessage): Capability[] {
  const out: Capability[] = []
  for (const p of open.parameters) if (p.kind === 'capabilities') out.push(...p.capabilities)
  return out
}

function hasCapability (open: OpenMessage, kind: Capability['kind']): boolean {
  return capabilities(open).some(c => c.kind === kind)
}

/** Send/receive values per family of the OPEN's ADD-PATH capabilities (RFC 7911 §4). */
function addPathModes (open: OpenMessage): Map<FamilyKey, number> {
  const modes = new Map<FamilyKey, number>()
  for (const c of capabilities(open)) {
    if (c.kind !== 'add-path') continue
    for (const f of c.families) modes.set(familyKey(f.afi, f.safi), f.sendReceive)
  }
  return modes
}

const RECEIVE = 1
const SEND = 2

/**
 * Families where `sender` announced it sends and `receiver` that it receives multiple paths:
 * exactly those where the UPDATEs from sender to receiver carry path identifiers (RFC 7911 §4).
 */
function addPathFamilies (sender: OpenMessage, receiver: OpenMessage): Set<FamilyKey> {
  const out = new Set<FamilyKey>()
  const receiving = addPathModes(receiver)
  for (const [family, mode] of addPathModes(sender)) {
    if ((mode & SEND) !== 0 && ((receiving.get(family) ?? 0) & RECEIVE) !== 0) out.add(family)
  }
  return out
}

/**
 * Loc-RIB (RFC 9069 §5.1): the OPENs are fabricated by the router for its own RIB; a family in
 * which either announces ADD-PATH at all has path identifiers.
 */
function locRibAddPathFamilies (sent: OpenMessage, received: OpenMessage): Set<FamilyKey> {
  const out = new Set<FamilyKey>()
  for (const open of [sent, received]) {
    for (const [family, mode] of addPathModes(open)) if (mode !== 0) out.add(family)
  }
  return out
}

/** Remember a peer from its Peer Up message (replacing what an earlier Peer Up said). */
export function notePeerUp (session: BmpSession, msg: PeerUpMessage): BmpPeerState {
  const sent = msg.sentOpen
  const received = msg.receivedOpen
  const locRib = msg.peer.peerType === PeerType.LOC_RIB_INSTANCE
  const state: BmpPeerState = {
    key: peerKey(msg.peer),
    peerUp: msg,
    asn4: hasCapability(sent, 'four-octet-as') && hasCapability(received, 'four-octet-as'),
    extendedMessage: hasCapability(sent, 'extended-message') && hasCapability(received, 'extended-message'),
    // The sent OPEN is the monitored router's, the received one the peer's (RFC 7854 §4.10).
    addPathIn: locRib ? locRibAddPathFamilies(sent, received) : addPathFamilies(received, sent),
    addPathOut: locRib ? locRibAddPathFamilies(sent, received) : addPathFamilies(sent, received),
    contexts: new Map()
  }
  session.peers.set(state.key, state)
  return state
}

/** Forget a peer after its Peer Down message (RFC 7854 §4.9). */
export function notePeerDown (session: BmpSession, peer: BmpPeerHeader): void {
  session.peers.delete(peerKey(peer))
}

/**
 * The DecodeContext for a message with per-peer header `peer`, and whether a Peer Up was known.
 *
 * - 4-octet AS: for peer types 0-2 the A flag set means the legacy 2-octet form (RFC 7854 §4.2);
 *   otherwise 4-octet when both OPENs carried capability 65 (RFC 6793 §3), or, with no Peer Up
 *   known, as the clear A flag says. Loc-RIB (RFC 9069) has no A flag: 4-octet unless its Peer
 *   Up's OPENs say otherwise.
 * - ADD-PATH: per family, in the direction of the view (Adj-RIB-In: peer to router; Adj-RIB-Out,
 *   O flag: router to peer), from the two OPENs' capabilities (RFC 7911 §4). None when unknown.
 * - Extended messages: always allowed. RFC 8654's 4096-octet limit binds BGP speakers; here the
 *   BMP message length already bounds the PDU, and a Loc-RIB or post-policy UPDATE is built by the
 *   router itself and may be larger than what the peer sent. `BmpPeerState.extendedMessage` only
 *   tells what the OPENs said.
 */
export function contextFor (session: BmpSession | undefined, peer: BmpPeerHeader): { context: DecodeContext, known: boolean } {
  const adjRib = hasAdjRibFlags(peer.peerType)
  const legacy = adjRib && (peer.flags & PeerFlag.LEGACY_AS_PATH) !== 0
  const out = adjRib && (peer.flags & PeerFlag.ADJ_RIB_OUT) !== 0
  const state = session?.peers.get(peerKey(peer))
  if (state === undefined) {
    return { context: fallbackContext(legacy), known: false }
  }
  const cacheKey = (legacy ? 1 : 0) | (out ? 2 : 0)
  let context = state.contexts.get(cacheKey)
  if (context === undefined) {
    context = createDecodeContext({
      asn4: !legacy && state.asn4,
      addPath: out ? state.addPathOut : state.addPathIn,
      extendedMessage: true
    })
    state.contexts.set(cacheKey, context)
  }
  return { context, known: true }
}

const FALLBACK_ASN4 = createDecodeContext({ asn4: true, extendedMessage: true })
const FALLBACK_ASN2 = createDecodeContext({ asn4: false, extendedMessage: true })

function fallbackContext (legacy: boolean): DecodeContext {
  return legacy ? FALLBACK_ASN2 : FALLBACK_ASN4
}
