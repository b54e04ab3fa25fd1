// The frames the gateway itself writes, next to the matcher's (docs/protocol.md): error frames
// (`error`, which the public client raises on) and the gap frame of a resume that cannot be served
// whole. Neither carries `prefixes`, so no client can take one for an announcement, nor `seq`:
// they are not in the key's delivery log.
import type { ServiceError } from '../errors.ts'

/** `{"error": message, "code": CODE, "details": {...}, ...extra}`. */
export function errorFrame (error: ServiceError, extra: Record<string, number | string> = {}): string {
  const json = error.toJSON()
  const frame: Record<string, unknown> = { error: json.message, code: json.code }
  if (json.details !== undefined) frame.details = json.details
  return JSON.stringify({ ...frame, ...extra })
}

export type GapReason = 'too_old' | 'reset'

/**
 * A resume from `since` cannot be served whole: frames `since + 1 .. first_seq - 1` are gone
 * (`too_old`: evicted from the delivery log, or numbered before the service restarted, below its
 * seq base; `reset`: `since` is past the last seq numbered, so it means nothing here). Frames
 * `first_seq .. last_seq` follow, then live ones.
 */
export function gapFrame (reason: GapReason, since: number, firstSeq: number, lastSeq: number): string {
  return JSON.stringify({ record_type: 'gap', reason, since, first_seq: firstSeq, last_seq: lastSeq })
}
