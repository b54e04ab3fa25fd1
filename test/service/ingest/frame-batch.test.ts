import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MessageChannel } from 'node:worker_threads'
import { FrameBatchWriter } from '../../../src/service/ingest/frame-batch.ts'
import type { FrameBatch } from '../../../src/service/ingest/frame-batch.ts'
import { frameBatchTexts as texts } from '../../helpers/frame-batch.ts'

test('a batch holds each frame\'s UTF-8 octets end to end, growing past its first buffer, and starts afresh when taken', () => {
  const writer = new FrameBatchWriter()
  const frames: Array<[string, string]> = []
  for (let i = 0; i < 500; i++) {
    const text = JSON.stringify({ record_type: 'update', n: i, collector: i % 7 === 0 ? 'rrc00-é€' : 'c'.repeat(i % 50) })
    frames.push(['k' + String(i % 13), text])
    writer.push('k' + String(i % 13), text)
  }
  // One frame larger than the writer's first buffer (64 KiB).
  const big = JSON.stringify({ record_type: 'update', prefixes: Array.from({ length: 5000 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`).join(',') })
  frames.push(['big', big])
  writer.push('big', big)
  assert.equal(writer.count, 501)
  const batch = writer.take()
  assert.deepEqual(texts(batch), frames)
  assert.equal(batch.octets.byteOffset, 0)
  assert.equal(writer.count, 0)
  writer.push('next', '{"a":1}')
  assert.deepEqual(texts(writer.take()), [['next', '{"a":1}']])
  // The earlier batch is untouched by the writer's new buffer.
  assert.deepEqual(texts(batch), frames)
})

test('a batch\'s octets go to another thread by transfer, not copy', async () => {
  const writer = new FrameBatchWriter()
  writer.push('k', '{"record_type":"update","prefixes":"10.0.0.0/8"}')
  const batch = writer.take()
  const { port1, port2 } = new MessageChannel()
  const got = new Promise<FrameBatch>((resolve) => { port2.once('message', resolve) })
  port1.postMessage(batch, [batch.octets.buffer])
  assert.equal(batch.octets.byteLength, 0) // detached here
  const received = await got
  assert.deepEqual(texts(received), [['k', '{"record_type":"update","prefixes":"10.0.0.0/8"}']])
  port1.close()
  port2.close()
})
