// Durations in settings: `500ms`, `90s`, `30m`, `4h`, `1d`, or a bare number of seconds.

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** Milliseconds of a duration text; RangeError naming `what` when it is not one. */
export function parseDuration (text: string, what: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)?$/.exec(text.trim())
  if (m === null) throw new RangeError(`${what}: ${JSON.stringify(text)} is not a duration (e.g. 500ms, 90s, 30m, 4h, 1d)`)
  const ms = Number(m[1]) * UNITS[m[2] ?? 's']
  if (!Number.isFinite(ms) || ms > 365 * UNITS.d) throw new RangeError(`${what}: ${JSON.stringify(text)} is out of range`)
  return Math.round(ms)
}
