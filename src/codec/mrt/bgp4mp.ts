// BGP4MP (type 16) and BGP4MP_ET (type 17; record.ts has already taken off the microseconds),
// RFC 6396 §4.4 and RFC 8050 §3.
//
// STATE_CHANGE (§4.4.1) / STATE_CHANGE_AS4 (§4.4.5):
//   Peer AS (2|4) | Local AS (2|4) | Interface Index (2) | Address Family (2) |
//   Peer IP (4|16) | Local IP (4|16) | Old State (2) | New State (2)
// MESSAGE (§4.4.2), MESSAGE_AS4 (§4.4.3), MESSAGE_LOCAL (§4.4.6), MESSAGE_AS4_LOCAL (§4.4.7) and
// the ADDPATH variants 8-11 (RFC 8050 §3): the same fields up to Local IP, then the BGP message
// with its marker. In the _LOCAL subtypes the message was sent by the local speaker; the field
// order (peer first) is unchanged.
//
// Two Zebra-era quirks that bgpdump also accepts, found in RIS files of 2000-2001:
// - a STATE_CHANGE of Peer AS, Local AS, Old State, New State only, without interface, family
//   or addresses (8 octets; legacy/rrc01.updates.20001104.0124.gz has 42). Zebra's dump code
//   writes the addresses only for a peer with an IPv4 or IPv6 socket address, and FRR still
//   does: daemons/frr-all.mrt ends with a 12-octet STATE_CHANGE_AS4 of that shape (a peer going
//   Idle -> Deleted). The addresses read 0.0.0.0, the family 1 and the interface 0.
// - a MESSAGE whose Interface Index and Address Family are both 0xFFFF: Zebra wrote no interface,
//   family or addresses, and those 4 octets are the start of the BGP marker.

import { BodyReader } from './body-reader.ts'
import { Bgp4mpSubtype } from './types.ts'
import type { Bgp4mpMessage, Bgp4mpStateChange, MrtHeader } from './types.ts'

const AFI_IPV4 = 1
const AFI_IPV6 = 2

export function isBgp4mpStateChange (subtype: number): boolean {
  return subtype === Bgp4mpSubtype.STATE_CHANGE || subtype === Bgp4mpSubtype.STATE_CHANGE_AS4
}

export function isBgp4mpMessage (subtype: number): boolean {
  return subtype === 1 || (subtype >= 4 && subtype <= 11 && subtype !== 5)
}

export function decodeBgp4mpStateChange (header: MrtHeader, body: Uint8Array): Bgp4mpStateChange {
  const r = new BodyReader(header, body)
  const asn4 = header.subtype === Bgp4mpSubtype.STATE_CHANGE_AS4
  if (!asn4 && header.subtype !== Bgp4mpSubtype.STATE_CHANGE) throw r.error('not a STATE_CHANGE subtype')
  const peerAs = r.asn(asn4, 'peer AS')
  const localAs = r.asn(asn4, 'local AS')
  if (body.length === (asn4 ? 12 : 8)) {
    const oldState = r.u16('old state')
    const newState = r.u16('new state')
    return { kind: 'bgp4mp-state-change', header, peerAs, localAs, interfaceIndex: 0, afi: AFI_IPV4, peerIp: '0.0.0.0', localIp: '0.0.0.0', oldState, newState }
  }
  const interfaceIndex = r.u16('interface index')
  const afi = r.u16('address family')
  if (afi !== AFI_IPV4 && afi !== AFI_IPV6) throw r.error('unknown address family ' + afi)
  const peerIp = r.ip(afi, 'peer address')
  const localIp = r.ip(afi, 'local address')
  const oldState = r.u16('old state')
  const newState = r.u16('new state')
  if (r.remaining !== 0) throw r.error(r.remaining + ' octets after the new state')
  return { kind: 'bgp4mp-state-change', header, peerAs, localAs, interfaceIndex, afi, peerIp, localIp, oldState, newState }
}

export function decodeBgp4mpMessage (header: MrtHeader, body: Uint8Array): Bgp4mpMessage {
  const r = new BodyReader(header, body)
  const subtype = header.subtype
  if (!isBgp4mpMessage(subtype)) throw r.error('not a MESSAGE subtype')
  // Subtypes 4, 7, 9, 11 carry 4-octet ASNs; 6, 7, 10, 11 are _LOCAL; 8-11 are _ADDPATH.
  const asn4 = subtype === 4 || subtype === 7 || subtype === 9 || subtype === 11
  const local = subtype === 6 || subtype === 7 || subtype === 10 || subtype === 11
  const addPath = subtype >= 8
  const peerAs = r.asn(asn4, 'peer AS')
  const localAs = r.asn(asn4, 'local AS')
  const interfaceIndex = r.u16('interface index')
  const afi = r.u16('address family')
  if (interfaceIndex === 0xffff && afi === 0xffff) {
    r.pos -= 4
    return { kind: 'bgp4mp-message', header, peerAs, localAs, interfaceIndex: 0, afi: AFI_IPV4, peerIp: '0.0.0.0', localIp: '0.0.0.0', message: r.rest(), asn4, addPath, local }
  }
  if (afi !== AFI_IPV4 && afi !== AFI_IPV6) throw r.error('unknown address family ' + afi)
  const peerIp = r.ip(afi, 'peer address')
  const localIp = r.ip(afi, 'local address')
  return { kind: 'bgp4mp-message', header, peerAs, localAs, interfaceIndex, afi, peerIp, localIp, message: r.rest(), asn4, addPath, local }
}
