// Every BGP message in the real data set (/work/shared/data, see its MANIFEST.md) decodes
// and re-encodes to the same bytes: MRT BGP4MP and legacy BGP records, path attributes of
// MRT RIB entries, and the TCP streams of the BGP session captures.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { decodeAttributes, encodeAttributes } from '../../../src/codec/bgp/attributes/index.ts'
import { createDecodeContext, familyKey } from '../../../src/codec/bgp/decode-context.ts'
import type { DecodeContext } from '../../../src/codec/bgp/decode-context.ts'
import { BgpMessageSplitter } from '../../../src/codec/bgp/framing.ts'
import { decodeMessage, encodeMessage } from '../../../src/codec/bgp/message.ts'
import type { BgpMessage } from '../../../src/codec/bgp/types.ts'
import { readMrtFile } from '../../../src/sources/mrt/read-mrt-file.ts'
import { readPcapTcpStreams } from '../../helpers/pcap.ts'
import { ALL_UNICAST_MULTICAST, toHex } from './hex.ts'

/** Equal bytes; the hex is only built for the failure message. */
function assertSameBytes (actual: Uint8Array, expected: Uint8Array, what: string): void {
  if (Buffer.compare(actual, expected) !== 0) assert.equal(toHex(actual), toHex(expected), what)
}

const DATA = resolve(import.meta.dirname, '../../../../shared/data')
const MRT = join(DATA, 'mrt')
/** The one MRT file whose stream is cut short on purpose (MANIFEST.md). */
const TRUNCATED = 'rib.20140523.0600_firstMB.bz2'

const CTX_RIB_V2 = createDecodeContext({ asn4: true, mrtRibEntry: true })
const CTX_RIB_V1 = createDecodeContext({ asn4: false, mrtRibEntry: true })

interface Tally {
  messages: number
  ribEntries: number
  announced: { v4: number, v6: number }
  withdrawn: { v4: number, v6: number }
  errors: string[]
}

function countPrefixes (message: BgpMessage, tally: Tally): void {
  if (message.type !== 'update') return
  tally.announced.v4 += message.nlri.prefixes.length
  tally.withdrawn.v4 += message.withdrawn.prefixes.length
  for (const attr of message.attributes) {
    if (attr.kind === 'mp-reach' && attr.nlri !== null) tally.announced[attr.afi === 2 ? 'v6' : 'v4'] += attr.nlri.prefixes.length
    if (attr.kind === 'mp-unreach' && attr.withdrawn !== null) tally.withdrawn[attr.afi === 2 ? 'v6' : 'v4'] += attr.withdrawn.prefixes.length
  }
}

async function roundTripMrtFile (path: string): Promise<Tally> {
  const tally: Tally = { messages: 0, ribEntries: 0, announced: { v4: 0, v6: 0 }, withdrawn: { v4: 0, v6: 0 }, errors: [] }
  try {
    for await (const record of readMrtFile(path)) {
      let bytes: Uint8Array | null = null
      let ctx: DecodeContext | undefined
      if (record.kind === 'bgp4mp-message') {
        bytes = record.message
        ctx = createDecodeContext({ asn4: record.asn4, addPath: record.addPath ? ALL_UNICAST_MULTICAST : undefined, extendedMessage: true })
      } else if (record.kind === 'bgp-legacy') {
        bytes = record.message
        ctx = createDecodeContext({ extendedMessage: true })
      } else if (record.kind === 'rib' || record.kind === 'table-dump') {
        const ribCtx = record.kind === 'rib' ? CTX_RIB_V2 : CTX_RIB_V1
        for (const attributes of record.kind === 'rib' ? record.entries.map(e => e.attributes) : [record.attributes]) {
          tally.ribEntries++
          const decoded = decodeAttributes(attributes, 0, attributes.length, ribCtx)
          if (decoded.error !== undefined) tally.errors.push(`RIB entry: ${decoded.error.message}`)
          assertSameBytes(encodeAttributes(decoded.attributes, decoded.trailing), attributes, `RIB entry at offset ${record.header.offset}`)
        }
      }
      if (bytes === null || ctx === undefined) continue
      tally.messages++
      const message = decodeMessage(bytes, ctx)
      if (message.type === 'update' && message.error !== undefined) tally.errors.push(message.error.message)
      countPrefixes(message, tally)
      assertSameBytes(encodeMessage(message, ctx), bytes, `message at offset ${record.header.offset}`)
    }
  } catch (e) {
    if (!path.endsWith(TRUNCATED)) throw e
  }
  return tally
}

for (const dir of readdirSync(MRT).sort()) {
  for (const file of readdirSync(join(MRT, dir)).sort()) {
    test(`MRT ${dir}/${file}: every message and RIB entry decodes and re-encodes exactly`, async () => {
      const tally = await roundTripMrtFile(join(MRT, dir, file))
      assert.ok(tally.messages + tally.ribEntries > 0, 'the file holds BGP data')
      if (file === 'updates.nlri_mask_trailing_bits.gz') {
        assert.deepEqual(tally.errors, ['NLRI field is malformed'])
      } else {
        assert.deepEqual(tally.errors, [])
      }
    })
  }
}

test('RIS rrc06 prefix counts match bgpdump (MANIFEST.md: A v4 1160 / v6 275, W v4 106 / v6 16)', async () => {
  const tally = await roundTripMrtFile(join(MRT, 'updates/ris.rrc06.updates.1427846400.gz'))
  assert.deepEqual(tally.announced, { v4: 1160, v6: 275 })
  assert.deepEqual(tally.withdrawn, { v4: 106, v6: 16 })
})

function sessionContext (open: BgpMessage): DecodeContext {
  if (open.type !== 'open') return createDecodeContext()
  const capabilities = open.parameters.flatMap(p => p.kind === 'capabilities' ? p.capabilities : [])
  return createDecodeContext({
    asn4: capabilities.some(c => c.kind === 'four-octet-as'),
    addPath: new Set(capabilities.flatMap(c => c.kind === 'add-path' ? c.families.map(f => familyKey(f.afi, f.safi)) : [])),
    extendedMessage: capabilities.some(c => c.kind === 'extended-message')
  })
}

test('BGP session captures: every message decodes and re-encodes exactly (MANIFEST.md counts)', () => {
  const expected: Record<string, Record<string, number>> = {
    'netgauze-bgp-multiple-sessions.pcap': { open: 20, update: 100, keepalive: 171 },
    'pmacct-300-BGP-IPv6-CISCO-extNH_enc.traffic-00.pcap': { open: 1, update: 45, keepalive: 1 },
    'packetlife-bgp_orf_prefix_advertisement.pcapng': { keepalive: 1, 'route-refresh': 1 }
  }
  for (const [file, counts] of Object.entries(expected)) {
    const seen: Record<string, number> = {}
    for (const stream of readPcapTcpStreams(join(DATA, 'bgp-pcap', file))) {
      const splitter = new BgpMessageSplitter()
      let ctx = createDecodeContext()
      for (const bytes of splitter.push(stream.data)) {
        const message = decodeMessage(bytes, ctx)
        if (message.type === 'open') ctx = sessionContext(message)
        if (message.type === 'update') assert.equal(message.error, undefined, `${file} ${stream.key}: ${message.error?.message}`)
        seen[message.type] = (seen[message.type] ?? 0) + 1
        assertSameBytes(encodeMessage(message, ctx), bytes, `${file} ${stream.key}`)
      }
      assert.equal(splitter.buffered, 0, `${file} ${stream.key} ends on a message boundary`)
    }
    assert.deepEqual(seen, counts, file)
  }
})
