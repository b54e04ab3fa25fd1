// The frames of the websocket stream, written by hand from schema/frame.schema.json (data frames)
// and schema/control-frame.schema.json (gap and error frames); test/frames.test.ts checks every
// field, and which are required, against the two schemas. Optional fields are left out, never null.

/** `ASN_IP` of a BGP speaker, e.g. `3333_193.0.0.56`. */
export type Speaker = string
export type UpdateType = 'update' | 'bmp_update'
export type BmpView = 'adj-rib-in-pre' | 'adj-rib-in-post' | 'loc-rib' | 'adj-rib-out-pre' | 'adj-rib-out-post'

/** An announcement: it has `prefixes` (the public client's rule), never `withdrawn`. */
export interface Announcement {
  seq: number
  record_type: UpdateType
  /** The vantage point; for BMP the router exporting BMP. */
  vp: Speaker
  /** BMP only: the monitored peer. */
  bmp_peer?: Speaker
  sec: number
  Usec: number
  /** The key's announced prefixes, comma separated. */
  prefixes: string
  path_ids?: string
  'as-path'?: string
  communities?: string
  nexthop?: string
  origin?: 'IGP' | 'EGP' | 'INCOMPLETE'
  nexthop_ll?: string
  large_communities?: string
  ext_communities?: string
  med?: number
  local_pref?: number
  aggregator?: Speaker
  atomic_aggregate?: true
  otc?: number
  collector: string
  bmp_view?: BmpView
  rib?: true
}

/** A withdrawal: `withdrawn`, no `prefixes`, no path attribute. */
export interface Withdrawal {
  seq: number
  record_type: UpdateType
  vp: Speaker
  bmp_peer?: Speaker
  sec: number
  Usec: number
  /** The key's withdrawn prefixes, comma separated. */
  withdrawn: string
  path_ids?: string
  collector: string
  bmp_view?: BmpView
  rib?: true
}

/** A session with a vantage point came up or went down (sent to every key with prefixes). */
export interface PeerState {
  seq: number
  record_type: 'peer_state' | 'bmp_peer_state'
  vp: Speaker
  bmp_peer?: Speaker
  sec: number
  Usec: number
  state: 'up' | 'down'
  old_state: string
  new_state: string
  reason?: string
  collector: string
  bmp_view?: BmpView
}

/** A numbered frame of the key's stream. */
export type DataFrame = Announcement | Withdrawal | PeerState

/** A resume from `since` could not be served whole: frames `since+1 .. first_seq-1` are lost. */
export interface GapFrame {
  record_type: 'gap'
  reason: 'too_old' | 'reset'
  since: number
  first_seq: number
  last_seq: number
}

export type ErrorFrameCode = 'BAD_REQUEST' | 'UNKNOWN_KEY' | 'KEY_REVOKED' | 'NO_PREFIXES' | 'SESSION_ALREADY_OPEN' |
  'PREFIX_MALFORMED' | 'PREFIX_HOST_BITS' | 'PREFIX_TOO_SHORT' | 'TOO_MANY_PREFIXES' | 'RATE_LIMITED' | 'SLOW_CONSUMER' | 'INTERNAL'

/** Sent once before the server closes the stream with the code's close code. */
export interface ErrorFrame {
  error: string
  code: ErrorFrameCode
  details?: Record<string, unknown>
  /** SLOW_CONSUMER: the last frame delivered. */
  last_seq?: number
}

/** What `messages()` yields: the key's frames, and a gap frame where frames were lost. */
export type StreamMessage = DataFrame | GapFrame

export function isAnnouncement (frame: StreamMessage): frame is Announcement {
  return 'prefixes' in frame
}

export function isWithdrawal (frame: StreamMessage): frame is Withdrawal {
  return 'withdrawn' in frame
}

export function isPeerState (frame: StreamMessage): frame is PeerState {
  return frame.record_type === 'peer_state' || frame.record_type === 'bmp_peer_state'
}

export function isGap (frame: StreamMessage): frame is GapFrame {
  return frame.record_type === 'gap'
}

/** The state of a key, as `GET /v1/key` and the prefix endpoints answer it (docs/api.md). */
export interface KeyStatus {
  keyId: string
  prefixes: string[]
  limits: { maxPrefixes: number, maxSessions: number }
  lastUsedAt: string | null
  prefixesUpdatedAt: string | null
  idleTimeoutSeconds: number
  expiresAt: string | null
  openSessions: number
}
