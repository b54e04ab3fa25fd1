// Origin-change monitor: prints a line whenever a vantage point's route to a prefix changes its
// origin AS (the last AS of the AS path), e.g. a possible hijack or a planned move.
//
//   BGP_API_KEY=bgpl_... node examples/origin-monitor.ts [--prefixes P,...] [--since SEQ] [--count N]
//
// URLs from BGPL_API_URL and BGPL_WS_URL (defaults: a local `bgproutes-live serve`). --since
// resumes from a seq (0: all the server keeps); --count stops after N frames.
import { parseArgs } from 'node:util'
import { BgproutesLiveClient, formatTimestamp, isAnnouncement, isWithdrawal } from '../src/index.ts'
import type { Announcement, Withdrawal } from '../src/index.ts'

const { values } = parseArgs({ options: { prefixes: { type: 'string' }, since: { type: 'string' }, count: { type: 'string' } } })
const client = new BgproutesLiveClient({ apiKey: process.env.BGP_API_KEY ?? '', apiUrl: process.env.BGPL_API_URL, wsUrl: process.env.BGPL_WS_URL })
if (values.prefixes !== undefined) await client.setPrefixes(values.prefixes.split(','))

/** A vantage point as bgproutes.io names it: asn_ip, or asn_ip|parentasn_parentip for BMP. */
const vantagePoint = (frame: Announcement | Withdrawal): string => frame.bmp_peer === undefined ? frame.vp : `${frame.bmp_peer}|${frame.vp}`
const originOf = (path: string | undefined): string => path?.trim().split(' ').at(-1) ?? '?'

const origins = new Map<string, string>() // "vp prefix" -> origin AS
const stop = new AbortController()
process.once('SIGINT', () => { stop.abort() })
let seen = 0
for await (const frame of client.messages({ since: values.since === undefined ? undefined : Number(values.since), signal: stop.signal })) {
  if (frame.record_type === 'gap') {
    console.error(`gap (${frame.reason}): frames ${frame.since + 1}..${frame.first_seq - 1} lost; origins may be stale`)
    continue
  }
  if (isAnnouncement(frame)) {
    const origin = originOf(frame['as-path'])
    for (const prefix of frame.prefixes.split(',')) {
      const key = `${vantagePoint(frame)} ${prefix}`
      const before = origins.get(key)
      if (before !== undefined && before !== origin) {
        console.log(`${formatTimestamp(frame.sec, frame.Usec)} ${prefix} origin AS${before} -> AS${origin} seen by ${vantagePoint(frame)}`)
      }
      origins.set(key, origin)
    }
  } else if (isWithdrawal(frame)) {
    for (const prefix of frame.withdrawn.split(',')) origins.delete(`${vantagePoint(frame)} ${prefix}`)
  }
  if (values.count !== undefined && ++seen >= Number(values.count)) stop.abort()
}
