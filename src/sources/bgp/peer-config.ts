// One BGP peer of the collector, as configured or as accepted by the accept rule, with every
// default filled in. The JSON file format is in docs/collector.md.
import { Afi, Safi } from '../../codec/bgp/constants.ts'

/** The address families the collector can take (RFC 4760 AFI/SAFI). */
export const FAMILIES = {
  'ipv4-unicast': { afi: Afi.IPV4, safi: Safi.UNICAST },
  'ipv6-unicast': { afi: Afi.IPV6, safi: Safi.UNICAST },
  'ipv4-multicast': { afi: Afi.IPV4, safi: Safi.MULTICAST },
  'ipv6-multicast': { afi: Afi.IPV6, safi: Safi.MULTICAST }
} as const

export type FamilyName = keyof typeof FAMILIES

export interface PeerConfig {
  /** The peer's IP address, the key of the peer. */
  address: string
  /** Expected AS (RFC 4271 §6.2 Bad Peer AS otherwise), or 'any': take the AS it announces. */
  remoteAs: number | 'any'
  /** Only wait for the peer to connect (true), or also connect to it (false). */
  passive: boolean
  /** TCP port to connect to when active. */
  port: number
  /** Source address of active connections; undefined lets the kernel choose. */
  localAddress: string | undefined
  /** Hold Time proposed in our OPEN (RFC 4271 §4.2): 0 or 3..65535 seconds. */
  holdTime: number
  /** Families announced in the Multiprotocol capability (RFC 4760 §8). */
  families: FamilyName[]
  /** Announce ADD-PATH receive (RFC 7911 §4) for every family. */
  addPath: boolean
  /** Announce the Graceful Restart capability as a receiving speaker (RFC 4724 §3). */
  gracefulRestart: boolean
  /** Upper bound on the time stale routes are kept when the peer restarts, seconds. */
  maxRestartTime: number
  /** Announce the Extended Message capability (RFC 8654). */
  extendedMessage: boolean
  /** Active connection retry (RFC 4271 §8 ConnectRetryTimer), with exponential backoff. */
  connectRetryMinMs: number
  connectRetryMaxMs: number
  /** Name for logs; the address by default. */
  name: string
  /** Came from the accept rule rather than the configuration file. */
  dynamic: boolean
}

export type PeerDefaults = Omit<PeerConfig, 'address' | 'remoteAs' | 'passive' | 'port' | 'localAddress' | 'name' | 'dynamic'>

export const PEER_DEFAULTS: PeerDefaults = {
  holdTime: 90,
  families: ['ipv4-unicast', 'ipv6-unicast'],
  addPath: true,
  gracefulRestart: true,
  maxRestartTime: 300,
  extendedMessage: true,
  connectRetryMinMs: 1000,
  connectRetryMaxMs: 60_000
}

/** The peer an unconfigured address gets when the accept rule lets it in. */
export function dynamicPeer (address: string, defaults: PeerDefaults): PeerConfig {
  return { ...defaults, address, remoteAs: 'any', passive: true, port: 179, localAddress: undefined, name: address, dynamic: true }
}
