// Visibility monitor: how many vantage points have a route to each prefix; prints a line each
// time the count of a prefix changes (a prefix seen by fewer and fewer VPs is being withdrawn).
//
//   BGP_API_KEY=bgpl_... node examples/visibility-monitor.ts [--prefixes P,...] [--since SEQ] [--count N]
//
// URLs from BGPL_API_URL and BGPL_WS_URL (defaults: a local `bgproutes-live serve`). --since
// resumes from a seq (0: all the server keeps); --count stops after N frames.
import { parseArgs } from 'node:util'
import { BgproutesLiveClient, formatTimestamp, isAnnouncement, isPeerState, isWithdrawal } from '../src/index.ts'

const { values } = parseArgs({ options: { prefixes: { type: 'string' }, since: { type: 'string' }, count: { type: 'string' } } })
const client = new BgproutesLiveClient({ apiKey: process.env.BGP_API_KEY ?? '', apiUrl: process.env.BGPL_API_URL, wsUrl: process.env.BGPL_WS_URL })
if (values.prefixes !== undefined) await client.setPrefixes(values.prefixes.split(','))

const seenBy = new Map<string, Set<string>>() // prefix -> vantage points with a route
const stop = new AbortController()
process.once('SIGINT', () => { stop.abort() })

function update (time: string, prefix: string, vp: string, visible: boolean): void {
  const vps = seenBy.get(prefix) ?? new Set<string>()
  const before = vps.size
  if (visible) vps.add(vp)
  else vps.delete(vp)
  seenBy.set(prefix, vps)
  if (vps.size !== before) console.log(`${time} ${prefix} visible from ${vps.size} vantage point${vps.size === 1 ? '' : 's'}`)
}

let seen = 0
for await (const frame of client.messages({ since: values.since === undefined ? undefined : Number(values.since), signal: stop.signal })) {
  if (frame.record_type === 'gap') {
    console.error(`gap (${frame.reason}): frames ${frame.since + 1}..${frame.first_seq - 1} lost; counts may be stale`)
    continue
  }
  const time = formatTimestamp(frame.sec, frame.Usec)
  const vp = frame.bmp_peer === undefined ? frame.vp : `${frame.bmp_peer}|${frame.vp}`
  if (isAnnouncement(frame)) {
    for (const prefix of frame.prefixes.split(',')) update(time, prefix, vp, true)
  } else if (isWithdrawal(frame)) {
    for (const prefix of frame.withdrawn.split(',')) update(time, prefix, vp, false)
  } else if (isPeerState(frame) && frame.state === 'down') {
    // A session that went down takes its routes with it.
    for (const prefix of seenBy.keys()) update(time, prefix, vp, false)
  }
  if (values.count !== undefined && ++seen >= Number(values.count)) stop.abort()
}
