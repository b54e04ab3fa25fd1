// The error type of the BMP codec. It is distinct from BgpDecodeError because the two call for
// different reactions: a BmpDecodeError means a BMP message (or the stream's framing) is broken,
// while a BgpDecodeError is about the BGP message a BMP message carries, and the BMP station only
// records it. How the two meet:
// - Route Monitoring (RFC 7854 §4.6) and Route Mirroring (§4.7): a BGP error does not throw; the
//   message comes back with the raw BGP PDU and the error in `bgpError`, so a station counts it
//   and goes on with the session.
// - Peer Up and Peer Down: the BMP message is unusable, so a BmpDecodeError is thrown with the
//   BgpDecodeError as its `cause`; the framing is intact and the station skips this one message.
// - Framing errors (bad version, absurd length) come from the splitter: the stream is lost.

import type { BgpDecodeError } from '../bgp/errors.ts'

export interface BmpDecodeErrorOptions {
  /** Offset of the fault from the start of the BMP message (or of the stream, for framing). */
  offset?: number
  /** The bytes at fault, at most a few dozen. */
  bytes?: Uint8Array
  /** BMP message type, when the common header was read. */
  messageType?: number
  /** The BGP codec's error, when a BGP message inside the BMP message failed to decode. */
  cause?: BgpDecodeError
}

/** At most this many offending bytes are kept, so that an error never pins a large buffer. */
const MAX_FAULT_BYTES = 32

export class BmpDecodeError extends Error {
  override name = 'BmpDecodeError'
  /** The message without the offset suffix. */
  readonly detail: string
  readonly offset: number
  readonly bytes: Uint8Array
  readonly messageType: number | undefined
  /** The wrapped BGP error, if any (also available as the standard `cause`). */
  readonly bgpError: BgpDecodeError | undefined

  constructor (message: string, options: BmpDecodeErrorOptions = {}) {
    const offset = options.offset ?? 0
    super(`${message} (at offset ${offset})`, options.cause === undefined ? undefined : { cause: options.cause })
    this.detail = message
    this.offset = offset
    this.bytes = (options.bytes ?? new Uint8Array(0)).slice(0, MAX_FAULT_BYTES)
    this.messageType = options.messageType
    this.bgpError = options.cause
  }
}

export function isBmpDecodeError (value: unknown): value is BmpDecodeError {
  return value instanceof BmpDecodeError
}
