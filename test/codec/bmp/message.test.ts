import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BmpDecodeError } from '../../../src/codec/bmp/errors.ts'
import { decodeBmpMessage, encodeBmpMessage } from '../../../src/codec/bmp/message.ts'
import { createBmpSession } from '../../../src/codec/bmp/session-state.ts'
import { hex, loadCorpus, toHex } from './fixtures.ts'

const KIND_BY_TYPE = ['route-monitoring', 'statistics-report', 'peer-down', 'peer-up', 'initiation', 'termination', 'route-mirroring']

test('message: every corpus message dispatches on its type and round-trips', () => {
  const corpus = loadCorpus()
  assert.ok(corpus.length >= 30, `corpus of ${corpus.length}`)
  let decoded = 0
  for (const { name, bytes } of corpus) {
    if (name === 'frr-205-0-1-peer-up') {
      assert.throws(() => decodeBmpMessage(bytes), BmpDecodeError) // see captures.test.ts
      continue
    }
    const msg = decodeBmpMessage(bytes)
    assert.equal(msg.kind, KIND_BY_TYPE[bytes[5]], name)
    assert.equal(toHex(encodeBmpMessage(msg)), toHex(bytes), name)
    decoded++
  }
  assert.equal(decoded, corpus.length - 1)
})

test('message: an unknown type is kept raw, not an error (RFC 7854 §4.1 registry)', () => {
  const buf = hex('03 00000009 07 abcdef')
  const msg = decodeBmpMessage(buf)
  assert.deepEqual(msg, { kind: 'unknown', type: 7, body: hex('abcdef') })
  assert.equal(toHex(encodeBmpMessage(msg)), toHex(buf))
})

test('message: the length field must match the buffer', () => {
  assert.throws(() => decodeBmpMessage(hex('03 0000000a 04 0000 0000 00')), (e: unknown) =>
    e instanceof BmpDecodeError && /length field 10 but 11 octets given/.test(e.message) && e.messageType === 4 && e.offset === 1)
  assert.throws(() => decodeBmpMessage(hex('03 0000000a 04 00')), /length field 10 but 7/)
  assert.throws(() => decodeBmpMessage(hex('04 00000006 04')), /version 4/)
})

test('message: Initiation and Termination update the session', () => {
  const session = createBmpSession()
  decodeBmpMessage(hex('03 0000000c 04 0002 0002 7231'), session)
  assert.deepEqual(session.initiation, [{ type: 2, value: hex('7231') }])
  assert.equal(session.terminated, false)
  decodeBmpMessage(hex('03 0000000c 05 0001 0002 0000'), session)
  assert.equal(session.terminated, true)
})

test('message: the index re-exports the public API', async () => {
  const api = await import('../../../src/codec/bmp/index.ts')
  assert.equal(api.decodeBmpMessage, decodeBmpMessage)
  assert.equal(api.isBmpDecodeError(new BmpDecodeError('x')), true)
  assert.equal(api.isBmpDecodeError(new Error('x')), false)
  assert.equal(api.BmpMessageType.ROUTE_MIRRORING, 6)
})
