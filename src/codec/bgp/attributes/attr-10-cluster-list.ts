// CLUSTER_LIST, type code 10 (RFC 4456 §8): the cluster IDs a reflected route went through.

import { formatIpv4, parseIpv4 } from '../../address.ts'
import { AttrType } from '../constants.ts'
import { ErrorAction } from '../errors.ts'
import type { ClusterListAttribute } from '../types.ts'
import { lengthError } from './attribute-error.ts'

/** RFC 7606 §7.10: a length that is not a non-zero multiple of 4 is treat-as-withdraw. */
export function decodeClusterList (buf: Uint8Array, start: number, end: number, flags: number): ClusterListAttribute {
  const length = end - start
  if (length === 0 || (length & 3) !== 0) throw lengthError('CLUSTER_LIST', length, ErrorAction.TREAT_AS_WITHDRAW)
  const clusterIds: string[] = []
  for (let i = start; i < end; i += 4) clusterIds.push(formatIpv4(buf, i))
  return { kind: 'cluster-list', code: AttrType.CLUSTER_LIST, flags, clusterIds }
}

export function encodeClusterList (attr: ClusterListAttribute): Uint8Array {
  const out = new Uint8Array(attr.clusterIds.length * 4)
  attr.clusterIds.forEach((id, k) => {
    const address = parseIpv4(id)
    if (address === null) throw new RangeError(`cluster ID is not IPv4: ${id}`)
    out.set(address, k * 4)
  })
  return out
}
