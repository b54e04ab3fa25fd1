// TABLE_DUMP (type 12), RFC 6396 §4.2: one RIB entry per record.
//   View Number (2) | Sequence Number (2) | Prefix (4 or 16) | Prefix Length (1) | Status (1) |
//   Originated Time (4) | Peer IP Address (4 or 16) | Peer AS (2) | Attribute Length (2) | Attributes
// Subtypes are the AFI: 1 IPv4, 2 IPv6. Subtypes 3 and 4 (IPv4/IPv6 with a 4-octet Peer AS)
// are not in the RFC; bgpdump reads them and so do we.
//
// The length bug. RIS rrc00 dumps of early 2000 (e.g. rrc00.bview.20000111.0032.gz) pack many
// entries into one TABLE_DUMP record: View and Sequence once, then entries of Prefix .. Attributes
// back to back, and the header length leaves out the 4 octets of View and Sequence. Read with the
// declared lengths, the second header lands 4 octets early and everything after is garbage (bgpdump
// prints one line and stops). The first TABLE_DUMP record tells which kind of file it is: if its
// entries, chained from octet 4, end exactly at length + 4 rather than at length, the file has the
// bug; framing.ts then adds 4 to every TABLE_DUMP length and decodeTableDumpEntries() reads
// each such record as its list of entries. A correct file is never misread: its first entry
// ends exactly at the declared length.

import { BodyReader } from './body-reader.ts'
import { prefixText } from './prefix.ts'
import type { MrtHeader, TableDumpEntry } from './types.ts'

export const TableDumpSubtype = {
  AFI_IPV4: 1,
  AFI_IPV6: 2,
  AFI_IPV4_AS4: 3,
  AFI_IPV6_AS4: 4
} as const

function afiOf (subtype: number): number {
  return subtype === 2 || subtype === 4 ? 2 : 1
}

function isSupported (subtype: number): boolean {
  return subtype >= 1 && subtype <= 4
}

/** Octets of one entry from Prefix to Attribute Length inclusive. */
function entryFixedLength (subtype: number): number {
  const addr = afiOf(subtype) === 2 ? 16 : 4
  return addr + 1 + 1 + 4 + addr + (subtype >= 3 ? 4 : 2) + 2
}

/**
 * True when `body` (at least `declared` + 4 octets of the first TABLE_DUMP record) shows the
 * length bug described above: entries chained from octet 4 end at `declared` + 4, not at `declared`.
 */
export function tableDumpLengthIsShort (body: Uint8Array, subtype: number, declared: number): boolean {
  if (!isSupported(subtype) || body.length < declared + 4) return false
  const fixed = entryFixedLength(subtype)
  const end = declared + 4
  let p = 4
  while (p < declared) {
    if (p + fixed > end) return false
    const attrLen = (body[p + fixed - 2] << 8) | body[p + fixed - 1]
    p += fixed + attrLen
  }
  return p === end
}

/** One TABLE_DUMP record: exactly one entry (RFC 6396 §4.2). */
export function decodeTableDump (header: MrtHeader, body: Uint8Array): TableDumpEntry {
  const r = new BodyReader(header, body)
  const viewNumber = r.u16('view number')
  const sequence = r.u16('sequence number')
  const entry = readEntry(r, header, viewNumber, sequence)
  if (r.remaining !== 0) throw r.error(r.remaining + ' octets after the entry')
  return entry
}

/** A record of a file with the length bug: View and Sequence once, then entries to the end. */
export function decodeTableDumpEntries (header: MrtHeader, body: Uint8Array): TableDumpEntry[] {
  const r = new BodyReader(header, body)
  const viewNumber = r.u16('view number')
  const sequence = r.u16('sequence number')
  const out: TableDumpEntry[] = []
  while (r.remaining > 0) out.push(readEntry(r, header, viewNumber, sequence))
  return out
}

function readEntry (r: BodyReader, header: MrtHeader, viewNumber: number, sequence: number): TableDumpEntry {
  const subtype = header.subtype
  if (!isSupported(subtype)) throw r.error('unknown TABLE_DUMP subtype')
  const afi = afiOf(subtype)
  const width = afi === 2 ? 16 : 4
  const addr = r.bytes(width, 'prefix')
  const bits = r.u8('prefix length')
  if (bits > width * 8) throw r.error('prefix length ' + bits + ' over ' + width * 8)
  const prefix = prefixText(addr, 0, (bits + 7) >> 3, afi, bits)
  const status = r.u8('status')
  const originatedTime = r.u32('originated time')
  const peerIp = r.ip(afi, 'peer address')
  const asn4 = subtype >= 3
  const peerAs = r.asn(asn4, 'peer AS')
  const attrLen = r.u16('attribute length')
  const attributes = r.bytes(attrLen, 'attributes')
  return { kind: 'table-dump', header, viewNumber, sequence, prefix, afi, status, originatedTime, peerIp, peerAs, attributes, asn4 }
}
