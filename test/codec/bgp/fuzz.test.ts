// Seeded mutation fuzzing of the decoders. The corpus (test/fixtures/bgp/corpus/*.hex) holds
// real messages from the data set; each iteration mutates one (bit flips, byte changes,
// truncation, extension, length-field corruption, splices) and decodes it under every context.
// Decoding must return or throw BgpDecodeError, nothing else; a message that decodes must
// re-encode to the same bytes. Inputs that once failed are replayed
// from test/fixtures/bgp/crashers/.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { decodeAttributes, encodeAttributes } from '../../../src/codec/bgp/attributes/index.ts'
import { BgpDecodeError } from '../../../src/codec/bgp/errors.ts'
import { BgpMessageSplitter } from '../../../src/codec/bgp/framing.ts'
import { decodeMessage, encodeMessage } from '../../../src/codec/bgp/message.ts'
import type { DecodeContext } from '../../../src/codec/bgp/decode-context.ts'
import { CONTEXTS, CTX_2, CTX_RIB, hex, toHex } from './hex.ts'
import { seededRandom as prng } from '../../helpers/seeded-random.ts'

const FIXTURES = join(import.meta.dirname, '../../fixtures/bgp')
const ITERATIONS = Number(process.env.BGP_FUZZ_ITERATIONS ?? 20_000)

function readHexFiles (dir: string): Array<{ name: string, bytes: Uint8Array }> {
  return readdirSync(dir).filter(f => f.endsWith('.hex')).sort().map(name => {
    const text = readFileSync(join(dir, name), 'utf8').split('\n').filter(line => !line.startsWith('#')).join('')
    return { name, bytes: hex(text) }
  })
}

function mutate (input: Uint8Array, other: Uint8Array, random: () => number): Uint8Array {
  const pick = (n: number): number => Math.floor(random() * n)
  let out = input.slice()
  const rounds = 1 + pick(4)
  for (let r = 0; r < rounds; r++) {
    const at = out.length === 0 ? 0 : pick(out.length)
    switch (pick(7)) {
      case 0: if (out.length > 0) out[at] ^= 1 << pick(8); break
      case 1: if (out.length > 0) out[at] = pick(256); break
      case 2: out = out.slice(0, pick(out.length + 1)); break
      case 3: {
        const tail = new Uint8Array(1 + pick(40)).map(() => pick(256))
        out = Buffer.concat([out, tail])
        break
      }
      case 4: if (out.length > 0) out[at] = [0, 1, 2, 3, 4, 0x7f, 0x80, 0xfe, 0xff][pick(9)]; break
      case 5: {
        // Splice a part of another message in.
        const from = pick(other.length + 1)
        const part = other.subarray(from, from + pick(64))
        out = Buffer.concat([out.subarray(0, at), part, out.subarray(at + pick(16))])
        break
      }
      default: if (out.length > at + 1) { out[at] = 0; out[at + 1] = pick(256) }
    }
  }
  // Usually keep the header consistent so that the body decoders get exercised.
  if (out.length >= 19 && random() < 0.8) {
    out.fill(0xff, 0, 16)
    out[16] = out.length >>> 8
    out[17] = out.length & 0xff
  }
  return out
}

/** Decode under one context; returns a failure description or null. */
function check (bytes: Uint8Array, ctx: DecodeContext): string | null {
  let message
  try {
    message = decodeMessage(bytes, ctx)
  } catch (e) {
    return e instanceof BgpDecodeError ? null : `decodeMessage threw ${String(e)}`
  }
  let encoded
  try {
    encoded = encodeMessage(message, ctx)
  } catch (e) {
    return `encodeMessage threw ${String(e)}`
  }
  return Buffer.compare(encoded, bytes) === 0 ? null : `re-encoded as ${toHex(encoded)}`
}

function checkAttributes (bytes: Uint8Array): string | null {
  // The body of an UPDATE as an MRT RIB entry's attribute list: a second entry point.
  const start = Math.min(bytes.length, 23)
  let decoded
  try {
    decoded = decodeAttributes(bytes, start, bytes.length, CTX_RIB)
  } catch (e) {
    return `decodeAttributes threw ${String(e)}`
  }
  try {
    return Buffer.compare(encodeAttributes(decoded.attributes, decoded.trailing), bytes.subarray(start)) === 0 ? null : 'attributes re-encoded differently'
  } catch (e) {
    return `encodeAttributes threw ${String(e)}`
  }
}

const corpus = readHexFiles(join(FIXTURES, 'corpus'))

test('the corpus holds diverse real messages that round-trip under their context', () => {
  assert.ok(corpus.length >= 20)
  for (const { name, bytes } of corpus) {
    const ok = CONTEXTS.some(([, ctx]) => {
      try {
        const message = decodeMessage(bytes, ctx)
        return Buffer.compare(encodeMessage(message, ctx), bytes) === 0
      } catch { return false }
    })
    assert.ok(ok, name)
  }
})

test(`${ITERATIONS} seeded mutations decode or throw BgpDecodeError only, under every context`, () => {
  const random = prng(Number(process.env.BGP_FUZZ_SEED ?? 0x5eed))
  const started = performance.now()
  const failures: string[] = []
  for (let n = 0; n < ITERATIONS && failures.length < 10; n++) {
    const input = corpus[Math.floor(random() * corpus.length)].bytes
    const other = corpus[Math.floor(random() * corpus.length)].bytes
    const mutated = mutate(input, other, random)
    for (const [name, ctx] of CONTEXTS) {
      const failure = check(mutated, ctx)
      if (failure !== null) failures.push(`${name}: ${toHex(mutated)}: ${failure}`)
    }
    const failure = checkAttributes(mutated)
    if (failure !== null) failures.push(`attributes: ${toHex(mutated)}: ${failure}`)
  }
  assert.deepEqual(failures, [])
  assert.ok(performance.now() - started < 30_000, 'fuzzing finishes quickly')
})

test('the framing splitter survives mutated streams', () => {
  const random = prng(0xf4a3)
  for (let n = 0; n < 500; n++) {
    const stream = Buffer.concat(Array.from({ length: 4 }, () => mutate(corpus[Math.floor(random() * corpus.length)].bytes, corpus[0].bytes, random)))
    const splitter = new BgpMessageSplitter({ extendedMessage: random() < 0.5 })
    try {
      let at = 0
      while (at < stream.length) {
        const size = 1 + Math.floor(random() * 300)
        for (const message of splitter.push(stream.subarray(at, at + size))) assert.equal((message[16] << 8) | message[17], message.length)
        at += size
        assert.ok(splitter.buffered <= 65535)
      }
    } catch (e) {
      assert.ok(e instanceof BgpDecodeError, String(e))
    }
  }
})

test('inputs that once broke the codec stay fixed', () => {
  const crashers = readHexFiles(join(FIXTURES, 'crashers'))
  assert.ok(crashers.length > 0)
  for (const { name, bytes } of crashers) {
    assert.equal(decodeMessage(bytes, CTX_2).type, 'update', name)
    for (const [context, ctx] of CONTEXTS) assert.equal(check(bytes, ctx), null, `${name} under ${context}`)
    assert.equal(checkAttributes(bytes), null, name)
  }
})
