// End-of-RIB marker (RFC 4724 §2): an UPDATE with nothing in it for IPv4 unicast, or with
// only an MP_UNREACH_NLRI that withdraws nothing for any other family.

import { Afi, Safi } from './constants.ts'
import type { UpdateMessage } from './types.ts'

export function endOfRibFamily (update: UpdateMessage): { afi: number, safi: number } | null {
  if (update.withdrawn.prefixes.length > 0 || update.nlri.prefixes.length > 0) return null
  const { attributes } = update
  if (attributes.length === 0) return { afi: Afi.IPV4, safi: Safi.UNICAST }
  if (attributes.length !== 1) return null
  const only = attributes[0]
  if (only.kind !== 'mp-unreach' || only.withdrawnBytes.length !== 0) return null
  if (only.withdrawn !== null && only.withdrawn.prefixes.length !== 0) return null
  return { afi: only.afi, safi: only.safi }
}
