// Who the exporting router is, as far as BMP tells (RFC 7854 §4.3, §4.10): its address is the
// TCP peer of the BMP session, its name the sysName of the Initiation message, and its AS the
// one it puts in the OPEN it sends to a monitored peer.

import { normaliseAddress } from '../bgp/cidr.ts'
import type { OpenMessage } from '../../codec/bgp/types.ts'

/** RFC 6793 §4.1: AS_TRANS stands in My Autonomous System for a 4-octet AS. */
const AS_TRANS = 23456

/**
 * The AS a speaker announces in its OPEN: the 4-octet AS capability's value when present
 * (RFC 6793 §3), else My Autonomous System (RFC 4271 §4.2). Undefined when it is 0 (a
 * fabricated OPEN, as some Loc-RIB Peer Ups carry).
 */
export function openAsn (open: OpenMessage): number | undefined {
  for (const p of open.parameters) {
    if (p.kind !== 'capabilities') continue
    for (const c of p.capabilities) if (c.kind === 'four-octet-as' && c.asn !== 0) return c.asn
  }
  if (open.myAs === 0 || open.myAs === AS_TRANS) return undefined
  return open.myAs
}

/** The router's address as text, from the socket's remote address (IPv4-mapped made plain). */
export function routerAddress (remoteAddress: string | undefined): string {
  return remoteAddress === undefined ? '0.0.0.0' : normaliseAddress(remoteAddress)
}
