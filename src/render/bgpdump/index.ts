// bgpdump -m text of MRT records (RFC 6396): the one-line-per-prefix format of bgpdump 1.6.2,
// byte for byte. It works on the raw record (header fields and body as framed by
// src/codec/mrt/framing.ts), not on decoded MrtRecords: bgpdump's output depends on octets the
// decoded form normalises away (host bits of RIB prefixes, its own IPv6 text, its zero-filled
// reads of short fields), and reading the bytes once is what makes it fast.
//
//   const renderer = new BgpdumpRenderer()
//   const out = new ByteSink()
//   for each frame: renderer.render(out, header.type, header.subtype, header.timestamp, body)
//   then write out.take(false) as it fills, out.take(true) at the end

import { bgp4mpLines, Bgp4mpText } from './bgp4mp.ts'
import type { ByteSink } from './byte-sink.ts'
import { legacyLines } from './legacy.ts'
import { tableDumpLines } from './table-dump.ts'
import { readPeerIndexTable, ribLines } from './table-dump-v2.ts'
import type { PeerText, RibLinesResult } from './table-dump-v2.ts'

export const MRT_BGP = 5
export const MRT_TABLE_DUMP = 12
export const MRT_TABLE_DUMP_V2 = 13
export const MRT_BGP4MP = 16
export const MRT_BGP4MP_ET = 17

export class BgpdumpRenderer {
  /** RIB entries left out because their peer index is not in the PEER_INDEX_TABLE. */
  unknownPeerIndex = 0
  /** Records of types bgpdump does not read (it prints nothing for them either). */
  unsupportedTypes = 0
  /**
   * Set when every TABLE_DUMP record holds a list of entries (the TABLE_DUMP length bug,
   * src/codec/mrt/table-dump.ts); the caller learns it from the framing.
   */
  tableDumpBlocks = false

  private peers: PeerText[] | null = null
  private readonly text = new Bgp4mpText()
  private readonly rib: RibLinesResult = { lines: '', unknownPeerIndex: 0 }

  /** Write the -m lines of one record (often none) to `out`; `body` excludes the MRT header. */
  render (out: ByteSink, type: number, subtype: number, timestamp: number, body: Uint8Array): void {
    switch (type) {
      case MRT_BGP4MP:
      case MRT_BGP4MP_ET:
        bgp4mpLines(out, this.text, type, subtype, timestamp, body)
        return
      case MRT_TABLE_DUMP_V2:
        if (subtype === 1) {
          this.peers = readPeerIndexTable(body)
          return
        }
        ribLines(subtype, timestamp, body, this.peers, this.rib)
        this.unknownPeerIndex += this.rib.unknownPeerIndex
        out.ascii(this.rib.lines)
        return
      case MRT_TABLE_DUMP:
        out.ascii(tableDumpLines(subtype, timestamp, body, this.tableDumpBlocks))
        return
      case MRT_BGP:
        legacyLines(out, subtype, timestamp, body)
        return
      default:
        this.unsupportedTypes++
    }
  }
}
