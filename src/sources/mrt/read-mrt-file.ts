// Stream the records of an MRT file (RFC 6396) of any size in constant memory: gzip, bzip2 or
// plain, told by magic octets. Records come out as they are decoded; a malformed record body is
// counted, reported and skipped (the framing is intact); a truncated or corrupt stream yields
// every whole record and then throws one MrtDecodeError naming the file and the offset.
//
//   const reader = readMrtFile(path)
//   for await (const record of reader) { ... }
//   reader.stats // records per kind, unsupported type/subtype counts, errors

import { open } from 'node:fs/promises'
import { MrtDecodeError } from '../../codec/mrt/errors.ts'
import { MrtFraming } from '../../codec/mrt/framing.ts'
import type { MrtFrame } from '../../codec/mrt/framing.ts'
import { createMrtDecodeContext, decodeMrtRecord, decodeTableDumpBlock } from '../../codec/mrt/record.ts'
import type { MrtDecodeContext } from '../../codec/mrt/record.ts'
import { MrtType } from '../../codec/mrt/types.ts'
import type { MrtRecord, MrtRecordKind } from '../../codec/mrt/types.ts'
import { detectCompression } from './decompress.ts'
import type { Compression } from './decompress.ts'
import { readChunks } from './read-chunks.ts'

export interface ReadMrtOptions {
  /** Read size and decompressed chunk size; default 1 MiB. */
  highWaterMark?: number
  /** Largest record length accepted (framing.ts); default 16 MiB. */
  maxRecordLength?: number
  /** Throw on the first malformed record body instead of counting and skipping it. */
  strict?: boolean
  /** Yield UnsupportedRecord too (they are always counted). */
  includeUnsupported?: boolean
  /** Each malformed record body, as it is skipped. */
  onError?: (error: MrtDecodeError) => void
  /** Once per unsupported type/subtype, at its first record. */
  onUnsupported?: (type: number, subtype: number, offset: number) => void
}

export interface MrtReadStats {
  compression: Compression | null
  /** Records yielded (a record of the TABLE_DUMP length bug counts once per entry). */
  records: number
  byKind: Record<MrtRecordKind, number>
  /** 'type/subtype' -> number of records, e.g. '13/6' for RIB_GENERIC. */
  unsupported: Map<string, number>
  /** Malformed record bodies skipped. */
  malformed: number
  /** The first 100 of them. */
  errors: MrtDecodeError[]
  /** RIB entries whose peer index is not in the current PEER_INDEX_TABLE (table-dump-v2.ts). */
  unknownPeerIndex: number
  /** Decompressed octets of whole records read. */
  bytes: number
  /** The file has the TABLE_DUMP length bug (table-dump.ts) and was read with it corrected. */
  tableDumpLengthFix: boolean
}

const MAX_KEPT_ERRORS = 100
const DEFAULT_HIGH_WATER_MARK = 1024 * 1024

function emptyStats (): MrtReadStats {
  return {
    compression: null,
    records: 0,
    byKind: { 'bgp4mp-message': 0, 'bgp4mp-state-change': 0, 'table-dump': 0, 'peer-index-table': 0, rib: 0, 'bgp-legacy': 0, unsupported: 0 },
    unsupported: new Map(),
    malformed: 0,
    errors: [],
    unknownPeerIndex: 0,
    bytes: 0,
    tableDumpLengthFix: false
  }
}

export class MrtFileReader implements AsyncIterable<MrtRecord> {
  readonly path: string
  readonly options: ReadMrtOptions
  readonly stats: MrtReadStats = emptyStats()
  private readonly context: MrtDecodeContext = createMrtDecodeContext()
  private started = false

  constructor (path: string, options: ReadMrtOptions = {}) {
    this.path = path
    this.options = options
  }

  [Symbol.asyncIterator] (): AsyncIterator<MrtRecord> {
    if (this.started) throw new Error('readMrtFile: a reader can be iterated once')
    this.started = true
    return this.records()
  }

  private async * records (): AsyncGenerator<MrtRecord> {
    const hwm = this.options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK
    const compression = detectCompression(await readHead(this.path))
    this.stats.compression = compression
    const framing = new MrtFraming({ maxRecordLength: this.options.maxRecordLength })
    const chunks = readChunks(this.path, compression, hwm)
    let failure: MrtDecodeError | null = null
    const batch: MrtRecord[] = []
    try {
      try {
        for await (const chunk of chunks) {
          framing.push(chunk)
          failure = this.take(framing, batch)
          for (let i = 0; i < batch.length; i++) yield batch[i]
          batch.length = 0
          if (failure !== null) break
        }
      } catch (error) {
        if (error instanceof MrtDecodeError) throw error.withFile(this.path)
        // The stream broke (decompression or I/O): hand out what whole records we have, then fail.
        failure = this.take(framing, batch) ?? new MrtDecodeError(
          (compression === 'none' ? 'read error: ' : compression + ' data is truncated or corrupt: ') + errorMessage(error) +
          ' (' + (framing.offset + framing.buffered) + ' decompressed octets read)',
          { offset: framing.offset, kind: compression === 'none' ? 'truncated' : 'decompression', cause: error })
        for (let i = 0; i < batch.length; i++) yield batch[i]
        batch.length = 0
      }
      if (failure === null) {
        framing.end()
        failure = this.take(framing, batch)
        for (let i = 0; i < batch.length; i++) yield batch[i]
        batch.length = 0
      }
      if (failure !== null) throw failure.withFile(this.path)
    } finally {
      await chunks.return(undefined)
    }
  }

  /** Decode every whole record buffered into `out`; a framing error is returned, not thrown. */
  private take (framing: MrtFraming, out: MrtRecord[]): MrtDecodeError | null {
    let frame: MrtFrame | null
    try {
      while ((frame = framing.next()) !== null) this.decode(frame, framing, out)
    } catch (error) {
      this.stats.bytes = framing.offset
      if (error instanceof MrtDecodeError) return error
      throw error
    }
    this.stats.bytes = framing.offset
    return null
  }

  private decode (frame: MrtFrame, framing: MrtFraming, out: MrtRecord[]): void {
    const stats = this.stats
    const header = frame.header
    try {
      if (header.type === MrtType.TABLE_DUMP && framing.tableDumpLengthFix === 4) {
        stats.tableDumpLengthFix = true
        const entries = decodeTableDumpBlock(header, frame.body)
        if (entries.length > 0) {
          for (const entry of entries) out.push(entry)
          stats.records += entries.length
          stats.byKind['table-dump'] += entries.length
          return
        }
      }
      const record = decodeMrtRecord(header, frame.body, this.context)
      stats.byKind[record.kind]++
      if (record.kind === 'unsupported') {
        const key = header.type + '/' + header.subtype
        const seen = stats.unsupported.get(key)
        stats.unsupported.set(key, (seen ?? 0) + 1)
        if (seen === undefined) this.options.onUnsupported?.(header.type, header.subtype, header.offset)
        if (this.options.includeUnsupported !== true) return
      } else if (record.kind === 'rib') {
        for (const entry of record.entries) if (entry.peer === null) stats.unknownPeerIndex++
      }
      stats.records++
      out.push(record)
    } catch (error) {
      if (!(error instanceof MrtDecodeError)) throw error
      if (this.options.strict === true) throw error
      const named = error.withFile(this.path)
      stats.malformed++
      if (stats.errors.length < MAX_KEPT_ERRORS) stats.errors.push(named)
      this.options.onError?.(named)
    }
  }
}

/** Stream the records of the MRT file at `path`; see MrtFileReader.stats for counts. */
export function readMrtFile (path: string, options?: ReadMrtOptions): MrtFileReader {
  return new MrtFileReader(path, options)
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

function errorMessage (error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
