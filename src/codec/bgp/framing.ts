// Splitting a BGP byte stream into messages (RFC 4271 §4.1): TCP delivers arbitrary chunks;
// each message starts with the 16-octet all-ones marker and a 2-octet length. Parsing the
// messages is decodeMessage's job; this only frames them and checks the header (§6.1).
// No I/O: the owner of the socket pushes chunks in and gets whole messages out.

import { HEADER_LENGTH, MAX_EXTENDED_MESSAGE_LENGTH } from './constants.ts'
import type { BgpDecodeError } from './errors.ts'
import { decodeHeader } from './header.ts'

export class BgpMessageSplitter {
  /** Allow messages up to 65535 octets (RFC 8654), once both sides announced the capability. */
  extendedMessage: boolean
  /** A message begun in an earlier chunk; never longer than one largest message. */
  private partial: Uint8Array
  private partialLength = 0
  /** The length of the partial message once its header is complete, else 0. */
  private partialExpected = 0
  private failure: BgpDecodeError | undefined

  constructor (options: { extendedMessage?: boolean } = {}) {
    this.extendedMessage = options.extendedMessage ?? false
    this.partial = new Uint8Array(0)
  }

  /** Octets held back, waiting for the rest of their message. */
  get buffered (): number {
    return this.partialLength
  }

  /**
   * Take the next chunk and return the messages it completes, each exactly one message with
   * its header. A message that lies whole in `chunk` is returned as a view into it (no copy).
   * On a header error the BgpDecodeError is thrown, now and on every later call: the session
   * must be closed (RFC 4271 §6.1).
   */
  push (chunk: Uint8Array): Uint8Array[] {
    if (this.failure !== undefined) throw this.failure
    const messages: Uint8Array[] = []
    try {
      let i = 0
      if (this.partialLength > 0) {
        i = this.fillPartial(chunk, 0)
        if (this.partialExpected > 0 && this.partialLength === this.partialExpected) {
          messages.push(this.partial.slice(0, this.partialLength))
          this.partialLength = 0
          this.partialExpected = 0
        }
      }
      while (this.partialLength === 0 && i < chunk.length) {
        if (chunk.length - i < HEADER_LENGTH) {
          this.fillPartial(chunk, i)
          break
        }
        const { length } = decodeHeader(chunk, i, this.extendedMessage)
        if (chunk.length - i < length) {
          this.fillPartial(chunk, i)
          break
        }
        messages.push(chunk.subarray(i, i + length))
        i += length
      }
    } catch (e) {
      this.failure = e as BgpDecodeError
      this.partialLength = 0
      throw e
    }
    return messages
  }

  /** Copy from `chunk[from...]` into the partial message; returns where copying stopped. */
  private fillPartial (chunk: Uint8Array, from: number): number {
    if (this.partial.length === 0) this.partial = new Uint8Array(MAX_EXTENDED_MESSAGE_LENGTH)
    let i = from
    if (this.partialLength < HEADER_LENGTH) {
      const take = Math.min(HEADER_LENGTH - this.partialLength, chunk.length - i)
      this.partial.set(chunk.subarray(i, i + take), this.partialLength)
      this.partialLength += take
      i += take
      if (this.partialLength < HEADER_LENGTH) return i
      this.partialExpected = decodeHeader(this.partial, 0, this.extendedMessage).length
    }
    const take = Math.min(this.partialExpected - this.partialLength, chunk.length - i)
    this.partial.set(chunk.subarray(i, i + take), this.partialLength)
    this.partialLength += take
    return i + take
  }
}
