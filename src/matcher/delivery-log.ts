// The per-key delivery log: every frame a key is sent, serialised once and numbered by the key's
// `seq` (base + 1, base + 2, ... for the life of the log, whatever happens to the key's prefix
// list; the base is 0 unless set, see `seqBase`), kept
// in a bounded ring so that a client that reconnects with the last seq it saw gets exactly the
// frames after it: no gap, no duplicate, or a clear "too old" when they are gone.
//
// Bounds (docs/matcher.md): per key, a number of frames and a number of bytes; globally, a number
// of bytes over all keys. Past a bound the oldest frames go: the key's own when a per-key bound is
// hit, the oldest of all keys when the global one is. Every eviction is counted.
// A frame's size is its octets (UTF-8 JSON) plus a fixed overhead per entry. The octets are kept
// in a FrameArena (outside V8's heap); the global bound also bounds the arena's chunks, which a
// few old frames can keep held: past maxBytes plus a chunk, the oldest frames go as well.

import { AppendOrder } from './append-order.ts'
import { FrameArena } from './frame-arena.ts'
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
  /** Octets of the arena's chunks the kept frames are in. */
  arenaBytes: number
}

export interface LoggedFrame {
  seq: number
  /** The frame as sent: UTF-8 JSON with `seq` first. */
  bytes: Buffer
}

export type SinceResult =
  /** The frames after the asked seq (possibly none), oldest first. */
  | { kind: 'frames', frames: LoggedFrame[], lastSeq: number }
  /** Frames after the asked seq were evicted: `oldestSeq` is the oldest still kept (lastSeq + 1 when none). */
  | { kind: 'too-old', oldestSeq: number, lastSeq: number }
  /** The asked seq is past the last one numbered (the log was reset, e.g. by a restart). */
  | { kind: 'ahead', lastSeq: number }

/** Fixed cost counted per kept frame on top of its octets. */
export const ENTRY_OVERHEAD = 64

/** The start of a frame numbered `seq`, up to its first field: `{"seq":N,`. */
export function seqHead (seq: number): string {
  return '{"seq":' + String(seq) + ','
}

/** A frame's JSON (`{` first) numbered `seq`: a new buffer. */
export function withSeq (seq: number, json: Buffer): Buffer {
  const head = seqHead(seq)
  const out = Buffer.allocUnsafe(head.length + json.length - 1)
  out.write(head, 0, 'latin1')
  json.copy(out, head.length, 1)
  return out
}

const DEFAULTS = { maxFramesPerKey: 10_000, maxBytesPerKey: 4 * 1024 * 1024, maxBytes: 256 * 1024 * 1024 }

/** One key's ring of frames: seqs firstSeq .. nextSeq - 1 are kept, each as (chunk, offset, length) in the arena. */
class KeyLog {
  readonly keyId: string
  /** Seq the next frame gets. */
  nextSeq: number
  /** Seq of the oldest kept frame (== nextSeq when none is kept). */
  firstSeq: number
  bytes = 0
  private chunkIds = new Float64Array(0)
  private offsets = new Uint32Array(0)
  private lengths = new Uint32Array(0)
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

  push (chunkId: number, at: number, length: number, maxFrames: number): void {
    if (this.count === this.lengths.length) this.grow(maxFrames)
    const slot = (this.head + this.count) % this.lengths.length
    this.chunkIds[slot] = chunkId
    this.offsets[slot] = at
    this.lengths[slot] = length
    this.count++
    this.nextSeq++
    this.bytes += length + ENTRY_OVERHEAD
  }

  /** Drop the oldest frame, releasing its octets; returns its size. */
  shift (arena: FrameArena): number {
    arena.release(this.chunkIds[this.head])
    const size = this.lengths[this.head] + ENTRY_OVERHEAD
    this.head = (this.head + 1) % this.lengths.length
    this.count--
    this.firstSeq++
    this.bytes -= size
    return size
  }

  /** Octets of kept frame `seq` (firstSeq <= seq < nextSeq). */
  at (seq: number, arena: FrameArena): Buffer {
    const slot = (this.head + (seq - this.firstSeq)) % this.lengths.length
    return arena.copy(this.chunkIds[slot], this.offsets[slot], this.lengths[slot])
  }

  /**
   * The ring grows by doubling, so idle keys cost little, up to maxFrames + 1: a frame is pushed
   * before the oldest is evicted.
   */
  private grow (maxFrames: number): void {
    const size = Math.min(Math.max(8, this.lengths.length * 2), maxFrames + 1)
    const chunkIds = new Float64Array(size)
    const offsets = new Uint32Array(size)
    const lengths = new Uint32Array(size)
    for (let i = 0; i < this.count; i++) {
      const from = (this.head + i) % this.lengths.length
      chunkIds[i] = this.chunkIds[from]
      offsets[i] = this.offsets[from]
      lengths[i] = this.lengths[from]
    }
    this.chunkIds = chunkIds
    this.offsets = offsets
    this.lengths = lengths
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
  private readonly arena: FrameArena
  /**
   * Every kept frame in append order, as (log, seq - seqBase) pairs (small integers, not heap
   * numbers), for global eviction; may hold stale pairs.
   */
  private readonly order = new AppendOrder<KeyLog>()
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
    // Chunks of 1/64 of the global bound, 4 KiB to 256 KiB: small against the bound, large
    // against a frame (~1 KiB).
    this.arena = new FrameArena(Math.min(256 * 1024, Math.max(4096, 2 ** Math.floor(Math.log2(this.maxBytes / 64)))))
  }

  get stats (): DeliveryLogStats {
    return {
      keys: this.logs.size,
      frames: this.frames,
      bytes: this.bytes,
      appended: this.appended,
      evictedPerKey: this.evictedPerKey,
      evictedGlobal: this.evictedGlobal,
      arenaBytes: this.arena.heldBytes
    }
  }

  /**
   * Number a frame of the key with its next seq and keep it. `frame` is the frame, or its JSON
   * text (an object) as the matcher makes it.
   */
  append (keyId: string, frame: Frame | string): LoggedFrame {
    const log = this.keyLog(keyId)
    const seq = log.nextSeq
    const json = typeof frame === 'string' ? frame : JSON.stringify(frame)
    const head = seqHead(seq)
    // The JSON goes in with its `{` over the head's `,`, then the `,` back.
    const length = head.length - 1 + Buffer.byteLength(json)
    const { id, buffer, at } = this.arena.place(length)
    buffer.write(head, at, 'latin1')
    buffer.write(json, at + head.length - 1, 'utf8')
    buffer[at + head.length - 1] = 0x2c
    return this.keep(log, seq, id, at, length)
  }

  /**
   * `append` for a frame given as octets: `json[start, end)`, UTF-8 JSON with `{` first (frames
   * made in another thread).
   */
  appendOctets (keyId: string, json: Buffer, start: number, end: number): LoggedFrame {
    const log = this.keyLog(keyId)
    const seq = log.nextSeq
    const head = seqHead(seq)
    const length = head.length + end - start - 1
    const { id, buffer, at } = this.arena.place(length)
    buffer.write(head, at, 'latin1')
    json.copy(buffer, at + head.length, start + 1, end)
    return this.keep(log, seq, id, at, length)
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
    for (let s = seq + 1; s <= last; s++) frames.push({ seq: s, bytes: log.at(s, this.arena) })
    return { kind: 'frames', frames, lastSeq: last }
  }

  /** Forget the key (its seq restarts at the base + 1): for a key deleted for good, not for a prefix change. */
  dropKey (keyId: string): boolean {
    const log = this.logs.get(keyId)
    if (log === undefined) return false
    while (log.size > 0) {
      this.bytes -= log.shift(this.arena)
      this.frames--
    }
    this.logs.delete(keyId)
    return true
  }

  private keyLog (keyId: string): KeyLog {
    let log = this.logs.get(keyId)
    if (log === undefined) {
      log = new KeyLog(keyId, this.seqBase)
      this.logs.set(keyId, log)
    }
    return log
  }

  /** Keep the frame just written to the arena, then enforce the bounds. */
  private keep (log: KeyLog, seq: number, chunkId: number, at: number, length: number): LoggedFrame {
    // A copy goes out: once the frame is evicted its octets in the arena may be written over.
    const bytes = this.arena.copy(chunkId, at, length)
    log.push(chunkId, at, length, this.maxFramesPerKey)
    this.order.push(log, seq - this.seqBase)
    this.frames++
    this.bytes += length + ENTRY_OVERHEAD
    this.appended++
    while (log.size > 1 && (log.size > this.maxFramesPerKey || log.bytes > this.maxBytesPerKey)) {
      this.bytes -= log.shift(this.arena)
      this.frames--
      this.evictedPerKey++
    }
    // The newest frame is always kept, even alone over a byte bound, so that it can be sent.
    while ((this.bytes > this.maxBytes || this.arena.heldBytes > this.maxBytes + this.arena.chunkSize) && this.frames > 1) this.evictOldest()
    // Stale pairs (frames the keys evicted themselves) are dropped once they outnumber the kept.
    if (this.order.length > 2 * this.frames + 512) this.order.filter((log, offset) => offset + this.seqBase >= log.firstSeq && this.logs.get(log.keyId) === log)
    return { seq, bytes }
  }

  private evictOldest (): void {
    const order = this.order
    for (let log = order.peekItem(); log !== undefined; log = order.peekItem()) {
      const seq = order.peekValue() + this.seqBase
      order.shift()
      // Stale when the key already evicted it, or the key was dropped.
      if (log.size > 0 && log.firstSeq === seq && this.logs.get(log.keyId) === log) {
        this.bytes -= log.shift(this.arena)
        this.frames--
        this.evictedGlobal++
        return
      }
    }
  }
}
