// The one error the MRT codec and the MRT file source throw. It names the byte offset of the
// record at fault in the decompressed stream, so a bad record can be found with `dd`/`xxd`.

/**
 * - truncated: the stream (or a record body) ends before a length says it should.
 * - malformed: a field is out of range or inconsistent; the framing is still intact.
 * - too-large: a record length over the sane maximum (framing.ts); the file is corrupt.
 * - decompression: the gzip/bzip2 layer failed.
 */
export type MrtErrorKind = 'truncated' | 'malformed' | 'too-large' | 'decompression'

export interface MrtDecodeErrorOptions {
  /** Byte offset of the record (or of the point reached) in the decompressed stream. */
  offset: number
  kind: MrtErrorKind
  /** The file being read, when known. */
  file?: string
  cause?: unknown
}

export class MrtDecodeError extends Error {
  readonly offset: number
  readonly kind: MrtErrorKind
  readonly file: string | undefined

  constructor (message: string, options: MrtDecodeErrorOptions) {
    const where = (options.file !== undefined ? options.file + ': ' : '') + 'offset ' + options.offset
    super(where + ': ' + message, options.cause !== undefined ? { cause: options.cause } : undefined)
    this.name = 'MrtDecodeError'
    this.offset = options.offset
    this.kind = options.kind
    this.file = options.file
  }

  /** The same error, now naming the file it came from. */
  withFile (file: string): MrtDecodeError {
    if (this.file !== undefined) return this
    const bare = this.message.replace(/^offset \d+: /, '')
    return new MrtDecodeError(bare, { offset: this.offset, kind: this.kind, file, cause: this.cause })
  }
}
