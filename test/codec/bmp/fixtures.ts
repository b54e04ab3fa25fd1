// Shared fixtures of the BMP codec tests (not a test file itself): hex helpers, the corpus of
// real messages under test/fixtures/bmp/corpus, and builders for synthetic messages.

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createDecodeContext } from '../../../src/codec/bgp/decode-context.ts'
import { encodeMessage } from '../../../src/codec/bgp/message.ts'
import type { Capability, OpenMessage, UpdateMessage } from '../../../src/codec/bgp/types.ts'
import type { BmpPeerHeader } from '../../../src/codec/bmp/types.ts'

export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..')
export const CORPUS_DIR = join(REPO_ROOT, 'test', 'fixtures', 'bmp', 'corpus')
export const CAPTURE_DIR = join(REPO_ROOT, '..', 'shared', 'data', 'bmp')

export function hex (text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '')
  return Uint8Array.from(Buffer.from(clean, 'hex'))
}

export function toHex (buf: Uint8Array): string {
  return Buffer.from(buf).toString('hex')
}

/** The corpus files, name (without .hex) to bytes, in name order. */
export function loadCorpus (): Array<{ name: string, bytes: Uint8Array }> {
  return readdirSync(CORPUS_DIR).filter(f => f.endsWith('.hex')).sort().map(f => ({
    name: f.slice(0, -4),
    bytes: hex(readFileSync(join(CORPUS_DIR, f), 'utf8'))
  }))
}

export function corpusMessage (name: string): Uint8Array {
  return hex(readFileSync(join(CORPUS_DIR, name + '.hex'), 'utf8'))
}

export function peerHeader (overrides: Partial<BmpPeerHeader> = {}): BmpPeerHeader {
  return {
    peerType: 0,
    flags: 0,
    distinguisher: new Uint8Array(8),
    address: '192.0.2.1',
    asn: 64500,
    bgpId: '192.0.2.1',
    timestampSeconds: 1700000000,
    timestampMicros: 123456,
    ...overrides
  }
}

/** An OPEN PDU with these capabilities, via the BGP codec's encoder. */
export function openPdu (myAs: number, bgpId: string, capabilities: Capability[]): Uint8Array {
  const open: OpenMessage = {
    type: 'open',
    version: 4,
    myAs,
    holdTime: 90,
    bgpId,
    extendedParameters: false,
    parameters: [{ kind: 'capabilities', capabilities }]
  }
  return encodeMessage(open, createDecodeContext())
}

/**
 * An UPDATE announcing 198.51.100.0/24 with AS_PATH [64500, 65550] as raw bytes: 4-octet ASNs
 * when `asn4`, 2-octet (with 65550 as AS_TRANS) otherwise; with a path identifier 7 when
 * `pathId`.
 */
export function updatePdu (asn4: boolean, pathId: boolean): Uint8Array {
  const asPath = asn4 ? '02 02 0000fbf4 0001000e' : '02 02 fbf4 5ba0'
  const asPathLen = asn4 ? 10 : 6
  const attrs = hex(`40 01 01 00  40 02 ${asPathLen.toString(16).padStart(2, '0')} ${asPath}  40 03 04 c0000201`)
  const nlri = hex(`${pathId ? '00000007' : ''} 18 c63364`)
  const body = new Uint8Array(4 + attrs.length + nlri.length)
  body[2] = attrs.length >> 8
  body[3] = attrs.length & 0xff
  body.set(attrs, 4)
  body.set(nlri, 4 + attrs.length)
  const pdu = new Uint8Array(19 + body.length)
  pdu.fill(0xff, 0, 16)
  pdu[16] = pdu.length >> 8
  pdu[17] = pdu.length & 0xff
  pdu[18] = 2
  pdu.set(body, 19)
  return pdu
}

export function asPathOf (update: UpdateMessage | null): number[] | undefined {
  const attr = update?.attributes.find(a => a.kind === 'as-path')
  return attr !== undefined && attr.kind === 'as-path' ? attr.segments.flatMap(s => s.asns) : undefined
}
