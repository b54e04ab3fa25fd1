// Notices on the `<prefix>.written` topic (topics.ts): a matcher, once a produce request to the
// keys' topics is answered, says which keys got frames, where each key's topic now ends, and
// carries the frames themselves. A gateway follows the notices and hands the frames straight to
// the sessions that are up to date, reading a key's topic only for a session that is behind (a
// resume, a full backlog, a notice lost or carrying no frames). Reading a thousand key topics for a
// frame or two each costs the broker a look at every partition named, and finding a frame's place
// in a partition means reading the batch headers from the index entry before it: the notices'
// one partition, read in large pieces, spares it that per frame.
//
// A notice is a JSON object, then, when it carries frames, a newline and the frames' octets:
//
//   {"<key id>": end, ...}                          the key's topic ends at `end` (the offset of its
//                                                   next frame), no frames carried
//   {"<key id>": [end, at, len1, ..., lenN], ...}   and its frames at offsets end - N .. end - 1
//                                                   are the octets at..at+len1, then the next len2, ...
//                                                   after the newline (JSON text has no raw newline)
//
// Ends only grow. A notice may be lost (a matcher killed between its write and its notice) or late:
// the gateways' periodic sweep of every session's topic covers both, so a notice only ever makes a
// frame arrive sooner. Its frames are the topic's at those offsets, as the produce answer numbered
// them: a gateway delivers one only to a session whose next offset it is.

/** Key ids in one notice at most: 2,000 ids of 12 hex digits and their offsets stay far under the brokers' 1 MiB. */
export const MAX_KEYS_PER_NOTICE = 2_000
/** Octets of frames in one notice at most (the brokers take 1 MiB a message by default); a key's frames are never split. */
export const MAX_FRAME_BYTES_PER_NOTICE = 512 * 1024

export interface NoticeEntry {
  /** Offset of the key's next frame once these are written. */
  end: bigint
  /** Texts of the key's last frames, at offsets end - frames.length .. end - 1 (none: only the end is told). */
  frames?: readonly string[]
}

export interface NoticeOfKey {
  keyId: string
  end: bigint
  /** The frames at offsets end - frames.length .. end - 1. */
  frames: Buffer[]
}

/**
 * The notices for `entries` (key id -> end and frames): at most MAX_KEYS_PER_NOTICE keys and
 * MAX_FRAME_BYTES_PER_NOTICE octets of frames each. A key whose frames alone are more is told
 * by its end only (its sessions read them from its topic).
 */
export function encodeNotices (entries: ReadonlyMap<string, NoticeEntry>): Buffer[] {
  const out: Buffer[] = []
  let head: Record<string, number | number[]> = {}
  let bodies: Buffer[] = []
  let bytes = 0
  let keys = 0
  const flush = (): void => {
    if (keys === 0) return
    const json = JSON.stringify(head)
    out.push(bodies.length === 0 ? Buffer.from(json) : Buffer.concat([Buffer.from(json + '\n'), ...bodies]))
    head = {}
    bodies = []
    bytes = 0
    keys = 0
  }
  for (const [keyId, { end, frames }] of entries) {
    const encoded = (frames ?? []).map((f) => Buffer.from(f))
    let size = 0
    for (const b of encoded) size += b.length
    const carried = encoded.length > 0 && size <= MAX_FRAME_BYTES_PER_NOTICE
    if (keys === MAX_KEYS_PER_NOTICE || (carried && bytes + size > MAX_FRAME_BYTES_PER_NOTICE)) flush()
    if (carried) {
      head[keyId] = [Number(end), bytes, ...encoded.map((b) => b.length)]
      bodies.push(...encoded)
      bytes += size
    } else {
      head[keyId] = Number(end)
    }
    keys++
  }
  flush()
  return out
}

/** What a notice says of each key, or an Error saying what is wrong with it. */
export function parseNotice (value: Buffer): NoticeOfKey[] | Error {
  const newline = value.indexOf(10)
  const json = newline < 0 ? value : value.subarray(0, newline)
  const body = newline < 0 ? value.subarray(value.length) : value.subarray(newline + 1)
  let parsed: unknown
  try {
    parsed = JSON.parse(json.toString())
  } catch (error) {
    return new Error(`not JSON: ${(error as Error).message}`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return new Error('not a JSON object of key ids to offsets')
  const out: NoticeOfKey[] = []
  for (const [keyId, told] of Object.entries(parsed)) {
    const numbers = Array.isArray(told) ? told as unknown[] : [told]
    if (!numbers.every((n) => Number.isSafeInteger(n) && (n as number) >= 0)) return new Error(`the offsets of key ${JSON.stringify(keyId)} are not whole numbers of at least 0: ${JSON.stringify(told)}`)
    const [end, at, ...lengths] = numbers as number[]
    if (Array.isArray(told) && (at === undefined || lengths.length === 0)) return new Error(`key ${JSON.stringify(keyId)}: [end, at, length, ...] expected, not ${JSON.stringify(told)}`)
    if (lengths.length > end) return new Error(`key ${JSON.stringify(keyId)}: ${lengths.length} frames cannot end at offset ${end}`)
    const frames: Buffer[] = []
    let pos = at ?? 0
    for (const length of lengths) {
      if (pos + length > body.length) return new Error(`key ${JSON.stringify(keyId)}: its frames run past the notice's ${body.length} octets of frames`)
      frames.push(body.subarray(pos, pos + length))
      pos += length
    }
    out.push({ keyId, end: BigInt(end), frames })
  }
  return out
}
