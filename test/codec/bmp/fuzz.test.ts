// Seeded mutation fuzzing over the corpus of real messages: whatever the bytes, decoding either
// succeeds or throws a BmpDecodeError (BGP errors inside Route Monitoring / Mirroring are on the
// message, inside Peer Up / Down wrapped as the cause), and always finishes. The splitter sees the
// same mutated streams.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BmpDecodeError } from '../../../src/codec/bmp/errors.ts'
import { createBmpSplitter } from '../../../src/codec/bmp/framing.ts'
import { decodeBmpMessage } from '../../../src/codec/bmp/message.ts'
import { createBmpSession } from '../../../src/codec/bmp/session-state.ts'
import { loadCorpus } from './fixtures.ts'
import { seededRandom as rng } from '../../helpers/seeded-random.ts'

function mutate (input: Uint8Array, random: () => number): Uint8Array {
  let buf = input.slice()
  const edits = 1 + Math.floor(random() * 4)
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * buf.length)
    const op = random()
    if (op < 0.5) {
      buf[at] = Math.floor(random() * 256)
    } else if (op < 0.65) {
      buf[at] ^= 1 << Math.floor(random() * 8)
    } else if (op < 0.8) {
      buf = buf.slice(0, at) // truncate
    } else if (op < 0.9) {
      const extra = new Uint8Array(1 + Math.floor(random() * 8)).map(() => Math.floor(random() * 256))
      buf = new Uint8Array([...buf.subarray(0, at), ...extra, ...buf.subarray(at)])
    } else {
      buf[at] = random() < 0.5 ? 0 : 0xff
    }
  }
  // Mostly keep the common header's length consistent, so the fuzzing reaches the bodies.
  if (buf.length >= 6 && random() < 0.8) new DataView(buf.buffer, buf.byteOffset).setUint32(1, buf.length)
  return buf
}

const ITERATIONS = 20000

test(`fuzz: ${ITERATIONS} mutated corpus messages throw only BmpDecodeError`, () => {
  const corpus = loadCorpus()
  const random = rng(0x5eed)
  const session = createBmpSession()
  let ok = 0
  let failed = 0
  const started = Date.now()
  for (let i = 0; i < ITERATIONS; i++) {
    const input = mutate(corpus[i % corpus.length].bytes, random)
    try {
      decodeBmpMessage(input, session)
      ok++
    } catch (err) {
      if (!(err instanceof BmpDecodeError)) {
        assert.fail(`iteration ${i}: ${String(err)} for ${Buffer.from(input).toString('hex')}`)
      }
      failed++
    }
  }
  // Both outcomes happen, or the fuzzing is not reaching anything.
  assert.ok(ok > ITERATIONS / 20 && failed > ITERATIONS / 20, `${ok} decoded, ${failed} rejected`)
  assert.ok(Date.now() - started < 60000, 'fuzzing took too long')
})

test('fuzz: mutated streams through the splitter end or fail cleanly', () => {
  const corpus = loadCorpus()
  const random = rng(42)
  for (let i = 0; i < 300; i++) {
    const parts: Uint8Array[] = []
    for (let j = 0; j < 8; j++) parts.push(corpus[Math.floor(random() * corpus.length)].bytes)
    const stream = mutate(Buffer.concat(parts), random)
    const splitter = createBmpSplitter({ maxMessageLength: 65536 })
    const session = createBmpSession()
    try {
      for (let at = 0; at < stream.length; at += 1 + Math.floor(random() * 700)) {
        for (const msg of splitter.push(stream.subarray(at, at + 700))) {
          try {
            decodeBmpMessage(msg, session)
          } catch (err) {
            assert.ok(err instanceof BmpDecodeError, String(err))
          }
        }
      }
    } catch (err) {
      assert.ok(err instanceof BmpDecodeError, String(err))
    }
    assert.ok(splitter.pending() <= 65536 + 700)
  }
})
