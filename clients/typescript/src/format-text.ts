// The BGProutes.io text form of a frame, as its public client prints one message:
//   TIMESTAMP|U or W|bgp|VP_ASN|VP_IP|||PREFIXES|ASPATH|COMMUNITIES|ORIGIN|NEXTHOP
//   TIMESTAMP|U or W|bmp|VP_ASN|VP_IP|PARENT_ASN|PARENT_IP|PREFIXES|ASPATH|COMMUNITIES|ORIGIN|NEXTHOP
// For BMP the frame's `vp` is the router exporting BMP (the parent) and `bmp_peer` the monitored
// peer (the line's VP). TIMESTAMP is `sec.Usec`, six digits after the point. Withdrawals carry
// their withdrawn prefixes (the public client has none to print) and empty path fields.
import type { StreamMessage } from './frames.ts'

function speaker (value: string | undefined): [string, string] {
  if (value === undefined) return ['', '']
  const i = value.indexOf('_')
  return i < 0 ? ['', value] : [value.slice(0, i), value.slice(i + 1)]
}

export function formatTimestamp (sec: number, usec: number): string {
  return `${sec}.${String(usec).padStart(6, '0')}`
}

/** The line of an announcement or withdrawal; undefined for peer state and gap frames. */
export function formatText (frame: StreamMessage): string | undefined {
  if (frame.record_type !== 'update' && frame.record_type !== 'bmp_update') return undefined
  const bmp = frame.record_type === 'bmp_update'
  const [vpAsn, vpIp] = speaker(bmp ? frame.bmp_peer : frame.vp)
  const [parentAsn, parentIp] = bmp ? speaker(frame.vp) : ['', '']
  const head = [formatTimestamp(frame.sec, frame.Usec), 'prefixes' in frame ? 'U' : 'W', bmp ? 'bmp' : 'bgp', vpAsn, vpIp, parentAsn, parentIp]
  if ('prefixes' in frame) {
    return [...head, frame.prefixes, frame['as-path'] ?? '', frame.communities ?? '', frame.origin ?? '', frame.nexthop ?? ''].join('|')
  }
  return [...head, frame.withdrawn, '', '', '', ''].join('|')
}
