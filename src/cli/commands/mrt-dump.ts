// `bgproutes-live mrt dump [--format bgpdump|json] FILE...`: print the records of MRT files
// (RFC 6396), gzip, bzip2 or plain.
//   bgpdump (default)  the text of `bgpdump -m` (bgpdump 1.6.2), byte for byte; where bgpdump is
//                      wrong we print what the file says (see src/render/bgpdump/)
//   json               one normalised record (docs/record.md) per line
// Problems go to stderr naming the file and the byte offset in the decompressed stream. Every
// whole record is printed; the exit code is 1 when any input was truncated or corrupt, 2 on a
// usage error, 0 otherwise.

import { open } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { MrtDecodeError } from '../../codec/mrt/errors.ts'
import { MrtFraming } from '../../codec/mrt/framing.ts'
import { BgpdumpRenderer } from '../../render/bgpdump/index.ts'
import { ByteSink } from '../../render/bgpdump/byte-sink.ts'
import { detectCompression } from '../../sources/mrt/decompress.ts'
import { readChunks } from '../../sources/mrt/read-chunks.ts'

export interface MrtDumpIo {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
}

const USAGE = `usage: bgproutes-live mrt dump [--format bgpdump|json] FILE...

  --format bgpdump   one line per prefix, as 'bgpdump -m' prints it (default)
  --format json      one normalised record per line
`

const READ_SIZE = 1 << 20

export async function runMrtDump (argv: string[], io: MrtDumpIo): Promise<number> {
  let values: { format?: string, help?: boolean }
  let files: string[]
  try {
    const parsed = parseArgs({
      args: argv,
      options: { format: { type: 'string', short: 'f' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true
    })
    values = parsed.values
    files = parsed.positionals
  } catch (error) {
    io.stderr.write('bgproutes-live mrt dump: ' + (error instanceof Error ? error.message : String(error)) + '\n\n' + USAGE)
    return 2
  }
  if (values.help === true) {
    io.stdout.write(USAGE)
    return 0
  }
  const format = values.format ?? 'bgpdump'
  if (format !== 'bgpdump' && format !== 'json') {
    io.stderr.write(`bgproutes-live mrt dump: unknown format ${JSON.stringify(format)}\n\n${USAGE}`)
    return 2
  }
  if (files.length === 0) {
    io.stderr.write('bgproutes-live mrt dump: no MRT file given\n\n' + USAGE)
    return 2
  }
  let failed = false
  const output = new Output(io.stdout)
  try {
    for (const file of files) {
      const ok = format === 'bgpdump' ? await dumpBgpdump(file, io, output) : await dumpJson(file, io, output)
      if (!ok) failed = true
      if (output.closed) break
    }
  } finally {
    output.release()
  }
  if (output.error !== null) {
    io.stderr.write('bgproutes-live mrt dump: cannot write the output: ' + output.error.message + '\n')
    return 1
  }
  return failed ? 1 : 0
}

/**
 * Writes to stdout with backpressure, and notices when the reader went away (EPIPE, e.g. piped
 * into `head`): from then on output is dropped and the dump stops early, without an error.
 */
class Output {
  readonly stream: NodeJS.WritableStream
  closed = false
  error: Error | null = null
  private wake: (() => void) | null = null
  private readonly onError = (error: Error & { code?: string }): void => {
    this.closed = true
    if (error.code !== 'EPIPE' && this.error === null) this.error = error
    this.resume()
  }

  private readonly resume = (): void => {
    const wake = this.wake
    this.wake = null
    if (wake !== null) wake()
  }

  constructor (stream: NodeJS.WritableStream) {
    this.stream = stream
    stream.on('error', this.onError)
  }

  async write (chunk: Uint8Array, written: () => void = () => {}): Promise<void> {
    if (this.closed) return
    if (this.stream.write(chunk, (error) => { if (error == null) written() })) return
    await new Promise<void>((resolve) => {
      this.wake = resolve
      this.stream.once('drain', this.resume)
    })
    this.stream.removeListener('drain', this.resume)
  }

  release (): void {
    this.stream.removeListener('error', this.onError)
  }
}

/** One file in bgpdump -m form; false when it was truncated or corrupt. */
async function dumpBgpdump (file: string, io: MrtDumpIo, output: Output): Promise<boolean> {
  const prefix = 'bgproutes-live mrt dump: '
  let head: Uint8Array
  try {
    head = await readHead(file)
  } catch (error) {
    io.stderr.write(prefix + file + ': ' + (error instanceof Error ? error.message : String(error)) + '\n')
    return false
  }
  const compression = detectCompression(head)
  const framing = new MrtFraming()
  const renderer = new BgpdumpRenderer()
  const out = new ByteSink()
  const flush = async (all: boolean): Promise<void> => {
    for (const chunk of out.take(all)) await output.write(chunk, () => { out.recycle(chunk) })
  }
  const render = (): void => {
    let frame
    while ((frame = framing.next()) !== null) {
      renderer.tableDumpBlocks = framing.tableDumpLengthFix === 4
      renderer.render(out, frame.header.type, frame.header.subtype, frame.header.timestamp, frame.body)
    }
  }
  let ok = true
  try {
    try {
      for await (const chunk of readChunks(file, compression, READ_SIZE)) {
        // Plain Uint8Arrays only: the renderer then sees one kind of array (Buffers from the
        // stream and the framing's own Uint8Arrays would make its hot functions polymorphic).
        framing.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))
        render()
        await flush(false)
        if (output.closed) return true
      }
    } catch (error) {
      if (error instanceof MrtDecodeError) throw error
      // The stream broke: print the whole records we have, then report where.
      render()
      throw new MrtDecodeError((compression === 'none' ? 'read error: ' : compression + ' data is truncated or corrupt: ') +
        (error instanceof Error ? error.message : String(error)), { offset: framing.offset, kind: 'truncated', cause: error })
    }
    framing.end()
    render()
  } catch (error) {
    if (!(error instanceof MrtDecodeError)) throw error
    io.stderr.write(prefix + error.withFile(file).message + '\n')
    ok = false
  }
  await flush(true)
  if (renderer.tableDumpBlocks) {
    io.stderr.write(prefix + file + ': TABLE_DUMP record lengths are 4 octets short (a known producer bug); read with the lengths corrected\n')
  }
  if (renderer.unknownPeerIndex > 0) {
    io.stderr.write(prefix + file + ': ' + renderer.unknownPeerIndex + ' RIB entries name a peer index missing from the PEER_INDEX_TABLE; not printed\n')
    ok = false
  }
  if (renderer.unsupportedTypes > 0) {
    io.stderr.write(prefix + file + ': ' + renderer.unsupportedTypes + ' records of MRT types bgpdump does not read; not printed\n')
  }
  return ok
}

/** One file as normalised JSON records, one per line; false when it was truncated or corrupt. */
async function dumpJson (file: string, io: MrtDumpIo, output: Output): Promise<boolean> {
  const { readMrtFile } = await import('../../sources/mrt/read-mrt-file.ts')
  const { MrtRecordNormaliser } = await import('../../record/from-mrt.ts')
  const { recordToJson } = await import('../../record/json.ts')
  const prefix = 'bgproutes-live mrt dump: '
  const normaliser = new MrtRecordNormaliser()
  let ok = true
  const reader = readMrtFile(file, {
    onError: (error) => {
      io.stderr.write(prefix + error.message + '\n')
      ok = false
    },
    onUnsupported: (type, subtype, offset) => {
      io.stderr.write(prefix + file + ': offset ' + offset + ': MRT type ' + type + ' subtype ' + subtype + ' is not supported; such records are skipped\n')
    }
  })
  let text = ''
  try {
    for await (const record of reader) {
      try {
        for (const r of normaliser.toRecords(record, file)) text += recordToJson(r) + '\n'
      } catch (error) {
        if (!(error instanceof MrtDecodeError)) throw error
        io.stderr.write(prefix + error.withFile(file).message + '\n')
        ok = false
      }
      if (text.length > 1 << 16) {
        await output.write(Buffer.from(text))
        text = ''
        if (output.closed) return ok
      }
    }
  } catch (error) {
    if (!(error instanceof MrtDecodeError)) throw error
    io.stderr.write(prefix + error.message + '\n')
    ok = false
  }
  if (text.length > 0) await output.write(Buffer.from(text))
  return ok
}

async function readHead (path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r')
  try {
    const head = new Uint8Array(4)
    const { bytesRead } = await handle.read(head, 0, 4, 0)
    return head.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}
