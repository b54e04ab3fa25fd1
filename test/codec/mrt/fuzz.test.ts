// Seeded, deterministic mutations of real records (test/fixtures/mrt/corpus): whatever the bytes,
// framing and decoding either succeed or throw MrtDecodeError, and always finish.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { MrtDecodeError } from '../../../src/codec/mrt/errors.ts'
import { MrtFraming } from '../../../src/codec/mrt/framing.ts'
import { createMrtDecodeContext, decodeMrtRecord, decodeTableDumpBlock } from '../../../src/codec/mrt/record.ts'
import { concatBytes, hex } from './helpers.ts'
import { seededRandom as prng } from '../../helpers/seeded-random.ts'

const corpusDir = resolve(import.meta.dirname, '../../fixtures/mrt/corpus')
const corpus = readdirSync(corpusDir).filter((f) => f.endsWith('.hex')).sort()
  .map((f) => ({ name: f, bytes: hex(readFileSync(join(corpusDir, f), 'utf8')) }))

function mutate (input: Uint8Array, rand: () => number): Uint8Array {
  const out = Uint8Array.from(input)
  const int = (n: number): number => Math.floor(rand() * n)
  switch (int(6)) {
    case 0: // flip a few bytes anywhere
      for (let i = 0, n = 1 + int(4); i < n; i++) out[int(out.length)] = int(256)
      return out
    case 1: // flip bytes in the body's first 48 octets, where the lengths and counts are
      for (let i = 0, n = 1 + int(3); i < n; i++) out[12 + int(Math.min(48, out.length - 12))] = int(256)
      return out
    case 2: { // truncate the body but fix up the header length, so the body itself is short
      const cut = 12 + int(out.length - 12)
      const short = out.slice(0, cut)
      new DataView(short.buffer).setUint32(8, cut - 12)
      return short
    }
    case 3: { // a random record length
      new DataView(out.buffer).setUint32(8, rand() < 0.5 ? int(out.length * 2) : int(0x100000000))
      return out
    }
    case 4: { // another type / subtype
      const view = new DataView(out.buffer)
      view.setUint16(4, [5, 12, 13, 16, 17, int(65536)][int(6)])
      view.setUint16(6, int(14))
      return out
    }
    default: // extend with random octets and claim them
      return (() => {
        const extra = new Uint8Array(1 + int(40)).map(() => int(256))
        const longer = concatBytes(out, extra)
        new DataView(longer.buffer).setUint32(8, longer.length - 12)
        return longer
      })()
  }
}

/**
 * A read past the end of a Uint8Array gives undefined rather than throwing, which would show up
 * as an 'undefined' in an address or a NaN; fail on either.
 */
function assertSane (value: unknown, path: string): void {
  if (typeof value === 'number') assert.ok(Number.isInteger(value) && value >= 0, path + ' = ' + value)
  else if (typeof value === 'string') assert.ok(!value.includes('undefined') && !value.includes('NaN'), path + ' = ' + value)
  else if (value === undefined) assert.fail(path + ' is undefined')
  else if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) for (const [k, v] of Object.entries(value)) assertSane(v, path + '.' + k)
}

/**
 * The body behind a Proxy that fails the test on any index past its end: reading there from a
 * Uint8Array quietly gives undefined (0 once shifted), which no exception would reveal.
 * Views taken with subarray() are plain again (TextDecoder will not take a Proxy).
 */
function strict (bytes: Uint8Array): Uint8Array {
  return new Proxy(bytes, {
    get (target, prop) {
      if (typeof prop === 'string' && /^\d+$/.test(prop) && Number(prop) >= target.length) {
        assert.fail('read at index ' + prop + ' of a ' + target.length + '-octet body')
      }
      const value = Reflect.get(target, prop, target)
      return typeof value === 'function' ? value.bind(target) : value
    }
  })
}

/** Frame and decode everything; returns how many records decoded. Throws only MrtDecodeError. */
function run (stream: Uint8Array, chunk: number): number {
  const framing = new MrtFraming({ maxRecordLength: 1 << 20 })
  const context = createMrtDecodeContext()
  let ok = 0
  const drain = (): void => {
    let frame
    while ((frame = framing.next()) !== null) {
      try {
        const body = strict(frame.body)
        if (framing.tableDumpLengthFix === 4 && frame.header.type === 12) assertSane(decodeTableDumpBlock(frame.header, body), 'entries')
        else assertSane(decodeMrtRecord(frame.header, body, context), 'record')
        ok++
      } catch (error) {
        if (!(error instanceof MrtDecodeError)) throw error
      }
    }
  }
  try {
    for (let i = 0; i < stream.length; i += chunk) {
      framing.push(stream.subarray(i, i + chunk))
      drain()
    }
    framing.end()
    drain()
  } catch (error) {
    if (!(error instanceof MrtDecodeError)) throw error
  }
  return ok
}

test('fuzz corpus: every record decodes unmutated', () => {
  assert.ok(corpus.length >= 15)
  for (const { name, bytes } of corpus) assert.equal(run(bytes, bytes.length), 1, name)
})

test('fuzz: 20,000 seeded mutations throw nothing but MrtDecodeError', { timeout: 60_000 }, () => {
  const rand = prng(0x6d7274)
  let decoded = 0
  let cases = 0
  for (let round = 0; round < 1000; round++) {
    for (const { name, bytes } of corpus) {
      const input = mutate(bytes, rand)
      cases++
      try {
        decoded += run(input, 1 + Math.floor(rand() * 64))
      } catch (error) {
        assert.fail(`${name} mutation ${round} (${Buffer.from(input).toString('hex')}) threw ${String(error)}`)
      }
    }
  }
  assert.ok(cases >= 20_000)
  assert.ok(decoded > 0, 'some mutations still decode')
})

test('fuzz: mutated streams of many records, chunked at random', { timeout: 60_000 }, () => {
  const rand = prng(42)
  for (let round = 0; round < 300; round++) {
    const parts = Array.from({ length: 8 }, () => {
      const { bytes } = corpus[Math.floor(rand() * corpus.length)]
      return rand() < 0.3 ? mutate(bytes, rand) : bytes
    })
    run(concatBytes(...parts), 1 + Math.floor(rand() * 200))
  }
})
