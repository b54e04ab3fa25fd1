// Our OPEN and what the two OPENs of a session agree on (RFC 4271 §4.2, RFC 5492 capabilities).
// The collector only receives routes: it announces ADD-PATH receive (RFC 7911), Graceful Restart
// with no families (RFC 4724 §3: a receiving speaker that preserves nothing itself), and takes
// whatever the peer offers within the families both sides named.
import { AS_TRANS, Afi, ErrorCode, OpenErrorSubcode, Safi } from '../../codec/bgp/constants.ts'
import { createDecodeContext, familyKey } from '../../codec/bgp/decode-context.ts'
import type { DecodeContext, FamilyKey } from '../../codec/bgp/decode-context.ts'
import type { Capability, GracefulRestartCapability, OpenMessage } from '../../codec/bgp/types.ts'
import { parseIpv4 } from '../../codec/address.ts'
import { familyName } from '../../record/format.ts'
import { FAMILIES } from './peer-config.ts'
import type { PeerConfig } from './peer-config.ts'

/** The Restart Time we announce (RFC 4724 §3); we keep no routes of our own across restarts. */
const OUR_RESTART_TIME = 120

export function localCapabilities (peer: PeerConfig, localAs: number): Capability[] {
  const caps: Capability[] = []
  for (const name of peer.families) caps.push({ kind: 'multiprotocol', ...FAMILIES[name], reserved: 0 })
  caps.push({ kind: 'route-refresh' })
  caps.push({ kind: 'four-octet-as', asn: localAs })
  if (peer.addPath) {
    // RFC 7911 §4: Send/Receive 1 = we are able to receive multiple paths.
    caps.push({ kind: 'add-path', families: peer.families.map((name) => ({ ...FAMILIES[name], sendReceive: 1 })) })
  }
  if (peer.extendedMessage) caps.push({ kind: 'extended-message' })
  if (peer.gracefulRestart) caps.push({ kind: 'graceful-restart', flags: 0, restartTime: OUR_RESTART_TIME, families: [] })
  return caps
}

export function localOpen (peer: PeerConfig, localAs: number, routerId: string): OpenMessage {
  return {
    type: 'open',
    version: 4,
    // RFC 6793 §4.1: AS_TRANS in My Autonomous System when our AS needs 4 octets.
    myAs: localAs > 0xffff ? AS_TRANS : localAs,
    holdTime: peer.holdTime,
    bgpId: routerId,
    parameters: [{ kind: 'capabilities', capabilities: localCapabilities(peer, localAs) }],
    extendedParameters: false
  }
}

export function openCapabilities (open: OpenMessage): Capability[] {
  const out: Capability[] = []
  for (const p of open.parameters) if (p.kind === 'capabilities') out.push(...p.capabilities)
  return out
}

export interface GracefulRestartInfo {
  restartTime: number
  /** Families with their Forwarding State bit (RFC 4724 §3). */
  families: Map<FamilyKey, boolean>
}

export interface Negotiated {
  /** The peer's AS: from the 4-octet AS capability, else My Autonomous System (RFC 6793 §4.2.1). */
  peerAs: number
  bgpId: string
  /** min(ours, theirs) (RFC 4271 §4.2); 0 means no KEEPALIVE and no hold timer. */
  holdTime: number
  /** holdTime / 3 (RFC 4271 §10 suggests a third). */
  keepaliveTime: number
  /** Families both sides named; without Multiprotocol capabilities, IPv4 unicast (RFC 4760 §8). */
  families: Set<FamilyKey>
  familyNames: string[]
  ctx: DecodeContext
  /** The peer announced Graceful Restart (RFC 4724): what it asks us to keep. */
  gracefulRestart: GracefulRestartInfo | null
  routeRefresh: boolean
}

export interface OpenRefusal {
  code: number
  subcode: number
  data: Uint8Array
  message: string
}

export function bgpIdNumber (id: string): number {
  const b = parseIpv4(id)
  return b === null ? 0 : ((b[0] << 24) >>> 0) + (b[1] << 16) + (b[2] << 8) + b[3]
}

/** What a session runs with, or why the peer's OPEN is refused (RFC 4271 §6.2). */
export function negotiate (peer: PeerConfig, localAs: number, routerId: string, remote: OpenMessage): Negotiated | OpenRefusal {
  const caps = openCapabilities(remote)
  let as4: number | undefined
  const remoteFamilies = new Set<FamilyKey>()
  const addPathSend = new Set<FamilyKey>()
  let extendedMessage = false
  let routeRefresh = false
  let gr: GracefulRestartCapability | undefined
  for (const cap of caps) {
    switch (cap.kind) {
      case 'four-octet-as': as4 = cap.asn; break
      case 'multiprotocol': remoteFamilies.add(familyKey(cap.afi, cap.safi)); break
      // RFC 7911 §5: the peer sends path identifiers in a family when it can send (2 or 3) and we receive.
      case 'add-path': for (const f of cap.families) if ((f.sendReceive & 2) !== 0) addPathSend.add(familyKey(f.afi, f.safi)); break
      case 'extended-message': extendedMessage = true; break
      case 'route-refresh': case 'enhanced-route-refresh': routeRefresh = true; break
      case 'graceful-restart': gr = cap; break
    }
  }
  const peerAs = as4 ?? remote.myAs
  if (peer.remoteAs !== 'any' && peer.remoteAs !== peerAs) {
    const data = new Uint8Array(2)
    data[0] = remote.myAs >> 8
    data[1] = remote.myAs & 0xff
    return { code: ErrorCode.OPEN_MESSAGE, subcode: OpenErrorSubcode.BAD_PEER_AS, data, message: `peer AS ${peerAs}, expected ${peer.remoteAs}` }
  }
  // RFC 6286 §2.2: within one AS the two BGP Identifiers must differ.
  if (peerAs === localAs && bgpIdNumber(remote.bgpId) === bgpIdNumber(routerId)) {
    return { code: ErrorCode.OPEN_MESSAGE, subcode: OpenErrorSubcode.BAD_BGP_IDENTIFIER, data: parseIpv4(remote.bgpId) as Uint8Array, message: `BGP Identifier ${remote.bgpId} is ours` }
  }
  // RFC 4760 §8: a speaker that announces no Multiprotocol capability does IPv4 unicast.
  if (remoteFamilies.size === 0) remoteFamilies.add(familyKey(Afi.IPV4, Safi.UNICAST))
  const families = new Set<FamilyKey>()
  const familyNames: string[] = []
  for (const name of peer.families) {
    const { afi, safi } = FAMILIES[name]
    const key = familyKey(afi, safi)
    if (remoteFamilies.has(key)) {
      families.add(key)
      familyNames.push(familyName(afi, safi))
    }
  }
  const addPath = new Set<FamilyKey>()
  if (peer.addPath) for (const key of addPathSend) if (families.has(key)) addPath.add(key)
  const holdTime = Math.min(peer.holdTime, remote.holdTime)
  let gracefulRestart: GracefulRestartInfo | null = null
  if (gr !== undefined && peer.gracefulRestart) {
    const grFamilies = new Map<FamilyKey, boolean>()
    for (const f of gr.families) grFamilies.set(familyKey(f.afi, f.safi), (f.flags & 0x80) !== 0)
    gracefulRestart = { restartTime: Math.min(gr.restartTime, peer.maxRestartTime), families: grFamilies }
  }
  return {
    peerAs,
    bgpId: remote.bgpId,
    holdTime,
    keepaliveTime: Math.floor(holdTime / 3),
    families,
    familyNames,
    ctx: createDecodeContext({ asn4: as4 !== undefined, addPath, extendedMessage: extendedMessage && peer.extendedMessage }),
    gracefulRestart,
    routeRefresh
  }
}

export function isRefusal (value: Negotiated | OpenRefusal): value is OpenRefusal {
  return 'code' in value
}
