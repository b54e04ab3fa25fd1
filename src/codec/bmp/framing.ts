// Splitting a BMP TCP byte stream into whole messages (RFC 7854 §3.3, §4.1). Pure and
// stateful: feed it chunks as they arrive, take the complete messages out. It never looks past
// the common header, so a message that later fails to decode does not disturb the framing.
//
// A version other than 3 or a length outside 6..maxMessageLength means the stream is not BMP or
// has lost sync; there is no marker to resynchronise on, so the splitter stops for good and
// throws the same BmpDecodeError on every later call: the station must close the connection.
// Buffering is bounded by the largest message allowed plus the largest chunk pushed.

import { COMMON_HEADER_LENGTH, MAX_BMP_MESSAGE_LENGTH } from './constants.ts'
import { decodeCommonHeader } from './common-header.ts'
import { BmpDecodeError } from './errors.ts'

export interface BmpSplitterOptions {
  /** Largest message accepted, common header included (default 1 MiB). */
  maxMessageLength?: number
}

export interface BmpSplitter {
  /** Queue a chunk; returns the whole messages now available, in order (each one a copy). */
  push: (chunk: Uint8Array) => Uint8Array[]
  /** Octets buffered that do not yet form a whole message. */
  pending: () => number
  /** Offset in the stream of the first octet not yet handed out. */
  consumed: () => number
}

export function createBmpSplitter (options: BmpSplitterOptions = {}): BmpSplitter {
  const maxLength = options.maxMessageLength ?? MAX_BMP_MESSAGE_LENGTH
  let buf: Uint8Array = new Uint8Array(0)
  let consumed = 0
  let failure: BmpDecodeError | undefined

  function push (chunk: Uint8Array): Uint8Array[] {
    if (failure !== undefined) throw failure
    if (chunk.length === 0) return []
    if (buf.length === 0) {
      buf = chunk
    } else {
      const joined = new Uint8Array(buf.length + chunk.length)
      joined.set(buf)
      joined.set(chunk, buf.length)
      buf = joined
    }
    const out: Uint8Array[] = []
    let offset = 0
    while (buf.length - offset >= COMMON_HEADER_LENGTH) {
      let length: number
      try {
        length = decodeCommonHeader(buf, offset, maxLength).length
      } catch (err) {
        const e = err as BmpDecodeError
        // Report the offset in the stream, not in the buffer.
        failure = new BmpDecodeError(`BMP stream lost: ${e.detail}`, {
          offset: consumed + e.offset, bytes: e.bytes, messageType: e.messageType
        })
        buf = new Uint8Array(0)
        throw failure
      }
      if (buf.length - offset < length) break
      out.push(buf.slice(offset, offset + length))
      offset += length
    }
    consumed += offset
    // Keep only the tail; copy it so that the caller's chunk is not pinned.
    buf = offset === buf.length ? new Uint8Array(0) : buf.slice(offset)
    return out
  }

  return { push, pending: () => buf.length, consumed: () => consumed }
}
