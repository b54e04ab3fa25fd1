// The per-key delivery log: every frame a key is sent, serialised once and numbered by the key's
// `seq` (base + 1, base + 2, ... for the life of the log, whatever happens to the key's prefix
// list; the base is 0 unless set, see `seqBase`), kept
// in a bounded ring so that a client that reconnects with the last seq it saw gets exactly the
// frames after it: no gap, no duplicate, or a clear "too old" when they are gone.
//
// Bounds (docs/matcher.md): per key, a number of frames and a number of bytes; globally, a number
// of bytes over all keys. Past a bound the oldest frames go: the key's own when a per-key bound is
// hit, the oldest of all keys when the global one is. Every eviction is counted.
// Sizes are the JSON text's length (one byte a character for the ASCII the frames are made of)
// plus a fixed overhead per entry for the ring slot and the string header.

import type { Frame } from './frame.ts'

export interface DeliveryLogOptions {
  /** Frames kept per key; default 10,000. */
  maxFramesPerKey?: number
  /** Bytes kept per key; default 4 MiB. */
  maxBytesPerKey?: number
  /** Bytes kept over all keys; default 256 MiB. */
  maxBytes?: number
  /**
   * Every key's seqs start at seqBase + 1; default 0. Seqs up to the base count as gone (a resume
   * from below it is told `too-old`), so that a new log (a restarted process) tells the clients of
   * an earlier one that they missed frames instead of numbering them again. `serve` passes
   * `Date.now() * 1000` at its start: above every seq of its previous run as long as no key got
   * more than 1,000 frames per millisecond of that run on average and the clock did not go back
   * (docs/protocol.md). A whole number below 2^52.
   */
  seqBase?: number
}

export interface DeliveryLogStats {
  keys: number
  frames: number
  bytes: number
  appended: number
  /** Frames evicted because their key hit its frame or byte bound. */
  evictedPerKey: number
  /** Frames evicted because the global byte bound was hit. */
  evictedGlobal: number
}

export interface LoggedFrame {
  seq: number
  /** The frame as sent: JSON with `seq` first. */
  text: string
}

export type SinceResult =
  /** The frames after the asked seq (possibly none), oldest first. */
  | { kind: 'frames', frames: LoggedFrame[], lastSeq: number }
  /** Frames after the asked seq were evicted: `oldestSeq` is the oldest still kept (lastSeq + 1 when none). */
  | { kind: 'too-old', oldestSeq: number, lastSeq: number }
  /** The asked seq is past the last one numbered (the log was reset, e.g. by a restart). */
  | { kind: 'ahead', lastSeq: number }

/** Fixed cost counted per kept frame on top of its text. */
export const ENTRY_OVERHEAD = 64

const DEFAULTS = { maxFramesPerKey: 10_000, maxBytesPerKey: 4 * 1024 * 1024, maxBytes: 256 * 1024 * 1024 }

/** One key's ring of frames: seqs firstSeq .. nextSeq - 1 are kept. */
class KeyLog {
  readonly keyId: string
  /** Seq the next frame gets. */
  nextSeq: number
  /** Seq of the oldest kept frame (== nextSeq when none is kept). */
  firstSeq: number
  bytes = 0
  private ring: string[] = []
  private head = 0
  private count = 0

  constructor (keyId: string, seqBase: number) {
    this.keyId = keyId
    this.nextSeq = seqBase + 1
    this.firstSeq = seqBase + 1
  }

  get size (): number {
    return this.count
  }

  push (text: string, maxFrames: number): void {
    if (this.count === this.ring.length) this.grow(maxFrames)
    this.ring[(this.head + this.count) % this.ring.length] = text
    this.count++
    this.nextSeq++
    this.bytes += text.length + ENTRY_OVERHEAD
  }

  /** Drop the oldest frame; returns its size. */
  shift (): number {
    const text = this.ring[this.head]
    this.ring[this.head] = ''
    this.head = (this.head + 1) % this.ring.length
    this.count--
    this.firstSeq++
    const size = text.length + ENTRY_OVERHEAD
    this.bytes -= size
    return size
  }

  /** Text of kept frame `seq` (firstSeq <= seq < nextSeq). */
  at (seq: number): string {
    return this.ring[(this.head + (seq - this.firstSeq)) % this.ring.length]
  }

  /**
   * The ring grows by doubling, so idle keys cost little, up to maxFrames + 1: a frame is pushed
   * before the oldest is evicted.
   */
  private grow (maxFrames: number): void {
    const size = Math.min(Math.max(8, this.ring.length * 2), maxFrames + 1)
    const next = new Array<string>(size)
    for (let i = 0; i < this.count; i++) next[i] = this.ring[(this.head + i) % this.ring.length]
    this.ring = next
    this.head = 0
  }
}

export class DeliveryLog {
  readonly maxFramesPerKey: number
  readonly maxBytesPerKey: number
  readonly maxBytes: number
  /** Seqs of this log start at seqBase + 1. */
  readonly seqBase: number
  private readonly logs = new Map<string, KeyLog>()
  /** Every kept frame in append order, as (log, seq) pairs, for global eviction; may hold stale pairs. */
  private order: Array<KeyLog | number> = []
  private orderHead = 0
  private frames = 0
  private bytes = 0
  private appended = 0
  private evictedPerKey = 0
  private evictedGlobal = 0

  constructor (options: DeliveryLogOptions = {}) {
    this.maxFramesPerKey = options.maxFramesPerKey ?? DEFAULTS.maxFramesPerKey
    this.maxBytesPerKey = options.maxBytesPerKey ?? DEFAULTS.maxBytesPerKey
    this.maxBytes = options.maxBytes ?? DEFAULTS.maxBytes
    this.seqBase = options.seqBase ?? 0
    if (!(this.maxFramesPerKey >= 1 && this.maxBytesPerKey >= 1 && this.maxBytes >= 1)) throw new RangeError('delivery log bounds must be positive')
    if (!Number.isSafeInteger(this.seqBase) || this.seqBase < 0 || this.seqBase >= 2 ** 52) throw new RangeError(`not a seq base: ${this.seqBase}`)
  }

  get stats (): DeliveryLogStats {
    return {
      keys: this.logs.size,
      frames: this.frames,
      bytes: this.bytes,
      appended: this.appended,
      evictedPerKey: this.evictedPerKey,
      evictedGlobal: this.evictedGlobal
    }
  }

  /**
   * Number a frame of the key with its next seq and keep it. `frame` is the frame, or its JSON
   * text (an object) as the matcher makes it.
   */
  append (keyId: string, frame: Frame | string): LoggedFrame {
    let log = this.logs.get(keyId)
    if (log === undefined) {
      log = new KeyLog(keyId, this.seqBase)
      this.logs.set(keyId, log)
    }
    const seq = log.nextSeq
    const json = typeof frame === 'string' ? frame : JSON.stringify(frame)
    const text = '{"seq":' + String(seq) + ',' + json.slice(1)
    log.push(text, this.maxFramesPerKey)
    this.order.push(log, seq)
    this.frames++
    this.bytes += text.length + ENTRY_OVERHEAD
    this.appended++
    while (log.size > 1 && (log.size > this.maxFramesPerKey || log.bytes > this.maxBytesPerKey)) {
      this.bytes -= log.shift()
      this.frames--
      this.evictedPerKey++
    }
    // The newest frame is always kept, even alone over a byte bound, so that it can be sent.
    while (this.bytes > this.maxBytes && this.frames > 1) this.evictOldest()
    const pending = this.order.length - this.orderHead
    if (pending > 4 * this.frames + 1024 || (this.orderHead > 65_536 && this.orderHead > pending)) this.compactOrder()
    return { seq, text }
  }

  /** The last seq given to the key's frames (the base, 0 by default, when none yet). */
  lastSeq (keyId: string): number {
    const log = this.logs.get(keyId)
    return log === undefined ? this.seqBase : log.nextSeq - 1
  }

  /**
   * The frames after `seq`, or why they cannot be had. `0` asks for every frame kept (the same as
   * the base): only this log's own evictions make it `too-old`. A seq from 1 to below the base is
   * `too-old` (an earlier run's, whose frames are gone); one past the last seq is `ahead`.
   */
  since (keyId: string, seq: number): SinceResult {
    if (!Number.isInteger(seq) || seq < 0) throw new RangeError(`not a seq: ${seq}`)
    if (seq === 0) seq = this.seqBase
    const log = this.logs.get(keyId)
    const last = log === undefined ? this.seqBase : log.nextSeq - 1
    const oldest = log === undefined ? this.seqBase + 1 : log.firstSeq
    if (seq > last) return { kind: 'ahead', lastSeq: last }
    if (seq + 1 < oldest) return { kind: 'too-old', oldestSeq: oldest, lastSeq: last }
    if (log === undefined) return { kind: 'frames', frames: [], lastSeq: last }
    const frames: LoggedFrame[] = []
    for (let s = seq + 1; s <= last; s++) frames.push({ seq: s, text: log.at(s) })
    return { kind: 'frames', frames, lastSeq: last }
  }

  /** Forget the key (its seq restarts at the base + 1): for a key deleted for good, not for a prefix change. */
  dropKey (keyId: string): boolean {
    const log = this.logs.get(keyId)
    if (log === undefined) return false
    while (log.size > 0) {
      this.bytes -= log.shift()
      this.frames--
    }
    this.logs.delete(keyId)
    return true
  }

  private evictOldest (): void {
    const order = this.order
    while (this.orderHead < order.length) {
      const log = order[this.orderHead] as KeyLog
      const seq = order[this.orderHead + 1] as number
      this.orderHead += 2
      // Stale when the key already evicted it, or the key was dropped.
      if (log.size > 0 && log.firstSeq === seq && this.logs.get(log.keyId) === log) {
        this.bytes -= log.shift()
        this.frames--
        this.evictedGlobal++
        return
      }
    }
  }

  private compactOrder (): void {
    const kept: Array<KeyLog | number> = []
    const order = this.order
    for (let i = this.orderHead; i < order.length; i += 2) {
      const log = order[i] as KeyLog
      const seq = order[i + 1] as number
      if (seq >= log.firstSeq && this.logs.get(log.keyId) === log) kept.push(log, seq)
    }
    this.order = kept
    this.orderHead = 0
  }
}
