// One MRT record from its framed header and body (RFC 6396 §2): dispatch on type and subtype.
// Types and subtypes we do not decode come back as UnsupportedRecord; a body that does not
// parse throws MrtDecodeError with the record's offset (the framing is intact, so a caller can
// go on with the next record).

import { decodeBgpLegacy, isBgpLegacySupported } from './bgp-legacy.ts'
import { decodeBgp4mpMessage, decodeBgp4mpStateChange, isBgp4mpMessage, isBgp4mpStateChange } from './bgp4mp.ts'
import { MrtDecodeError } from './errors.ts'
import { decodePeerIndexTable, decodeRib, ribAfiSafi } from './table-dump-v2.ts'
import { decodeTableDump, decodeTableDumpEntries } from './table-dump.ts'
import { MrtType, TableDumpV2Subtype } from './types.ts'
import type { MrtHeader, MrtRecord, PeerIndexTable, TableDumpEntry } from './types.ts'

/** What a record's meaning depends on from earlier records of the same stream. */
export interface MrtDecodeContext {
  /** The latest TABLE_DUMP_V2 PEER_INDEX_TABLE (RFC 6396 §4.3.1); decodeMrtRecord updates it. */
  peerIndexTable: PeerIndexTable | null
}

export function createMrtDecodeContext (): MrtDecodeContext {
  return { peerIndexTable: null }
}

/**
 * Decode one record. `header` comes from framing.ts; for BGP4MP_ET this sets
 * `header.microseconds` and takes the 4 octets off `header.length` (RFC 6396 §3).
 * Without a context, RIB entries get `peer: null`.
 */
export function decodeMrtRecord (header: MrtHeader, body: Uint8Array, context?: MrtDecodeContext): MrtRecord {
  switch (header.type) {
    case MrtType.BGP4MP_ET: {
      if (body.length < 4) {
        throw new MrtDecodeError('BGP4MP_ET record of ' + body.length + ' octets has no microsecond timestamp', { offset: header.offset, kind: 'truncated' })
      }
      header.microseconds = ((body[0] << 24) | (body[1] << 16) | (body[2] << 8) | body[3]) >>> 0
      header.length = body.length - 4
      return decodeBgp4mp(header, body.subarray(4))
    }
    case MrtType.BGP4MP:
      return decodeBgp4mp(header, body)
    case MrtType.TABLE_DUMP_V2: {
      if (header.subtype === TableDumpV2Subtype.PEER_INDEX_TABLE) {
        const table = decodePeerIndexTable(header, body)
        if (context !== undefined) context.peerIndexTable = table
        return table
      }
      if (ribAfiSafi(header.subtype) === null) return unsupported(header, body)
      const table = context?.peerIndexTable ?? null
      return decodeRib(header, body, table === null ? null : table.peers)
    }
    case MrtType.TABLE_DUMP:
      if (header.subtype < 1 || header.subtype > 4) return unsupported(header, body)
      return decodeTableDump(header, body)
    case MrtType.BGP:
      if (!isBgpLegacySupported(header.subtype)) return unsupported(header, body)
      return decodeBgpLegacy(header, body)
    default:
      return unsupported(header, body)
  }
}

/**
 * For a TABLE_DUMP record of a file with the length bug (framing.tableDumpLengthFix === 4, see
 * table-dump.ts): every entry the record holds. Other TABLE_DUMP subtypes give [].
 */
export function decodeTableDumpBlock (header: MrtHeader, body: Uint8Array): TableDumpEntry[] {
  if (header.type !== MrtType.TABLE_DUMP || header.subtype < 1 || header.subtype > 4) return []
  return decodeTableDumpEntries(header, body)
}

function decodeBgp4mp (header: MrtHeader, body: Uint8Array): MrtRecord {
  const subtype = header.subtype
  if (isBgp4mpMessage(subtype)) return decodeBgp4mpMessage(header, body)
  if (isBgp4mpStateChange(subtype)) return decodeBgp4mpStateChange(header, body)
  return unsupported(header, body)
}

function unsupported (header: MrtHeader, body: Uint8Array): MrtRecord {
  return { kind: 'unsupported', header, body }
}
