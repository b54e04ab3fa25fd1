// Notices on the `<prefix>.written` topic (topics.ts): a matcher, once a produce request to the
// keys' topics is answered, says which keys got frames and where each key's topic now ends. A
// gateway follows the notices and fetches exactly the topics of its sessions that grew, instead of
// asking the broker about every session's topic many times a second (each such fetch costs the
// broker a look at every partition named; with a thousand sessions that was most of its CPU).
//
// A notice is a JSON object, key id -> the topic's end offset after the write (the offset of the
// key's next frame, so the frame with seq = end is written). Ends only grow; a notice may be lost
// (a matcher killed between its write and its notice) or late: the gateways' periodic sweep of
// every session's topic covers both, so a notice only ever makes a frame arrive sooner.

/** Key ids in one notice at most: 2,000 ids of 12 hex digits and their offsets stay far under the brokers' 1 MiB. */
export const MAX_KEYS_PER_NOTICE = 2_000

/** The notice texts for `ends` (key id -> end offset), at most MAX_KEYS_PER_NOTICE keys each. */
export function encodeNotices (ends: ReadonlyMap<string, bigint>): string[] {
  const out: string[] = []
  let part: Record<string, number> = {}
  let n = 0
  for (const [keyId, end] of ends) {
    part[keyId] = Number(end)
    if (++n === MAX_KEYS_PER_NOTICE) {
      out.push(JSON.stringify(part))
      part = {}
      n = 0
    }
  }
  if (n > 0) out.push(JSON.stringify(part))
  return out
}

/** The (key id, end offset) pairs of a notice, or an Error saying what is wrong with it. */
export function parseNotice (text: string): Array<[string, bigint]> | Error {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    return new Error(`not JSON: ${(error as Error).message}`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return new Error('not a JSON object of key ids to offsets')
  const out: Array<[string, bigint]> = []
  for (const [keyId, end] of Object.entries(parsed)) {
    if (!Number.isSafeInteger(end) || (end as number) < 0) return new Error(`the offset of key ${JSON.stringify(keyId)} is not a whole number of at least 0: ${JSON.stringify(end)}`)
    out.push([keyId, BigInt(end as number)])
  }
  return out
}
