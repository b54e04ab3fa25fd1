import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FrameArena } from '../../src/matcher/frame-arena.ts'

function put (arena: FrameArena, text: string): { id: number, at: number, length: number } {
  const { id, buffer, at } = arena.place(text.length)
  buffer.write(text, at, 'latin1')
  return { id, at, length: text.length }
}

test('frames are written front to back in chunks; a chunk goes when its last frame is released and it is not being written', () => {
  const arena = new FrameArena(100)
  const a = put(arena, 'a'.repeat(60))
  const b = put(arena, 'b'.repeat(30))
  assert.equal(a.id, b.id)
  assert.equal(b.at, 60)
  const c = put(arena, 'c'.repeat(20)) // 110 > 100: a new chunk
  assert.notEqual(c.id, a.id)
  assert.equal(arena.heldBytes, 200)
  assert.equal(arena.view(a.id, a.at, a.length).toString(), 'a'.repeat(60))
  assert.equal(arena.view(c.id, c.at, c.length).toString(), 'c'.repeat(20))
  arena.release(a.id)
  assert.equal(arena.heldBytes, 200)
  arena.release(b.id)
  assert.equal(arena.heldBytes, 100)
  assert.equal(arena.chunkCount, 1)
  // The chunk being written stays when emptied, and is released once another is started.
  arena.release(c.id)
  assert.equal(arena.heldBytes, 100)
  const d = put(arena, 'd'.repeat(90))
  assert.equal(arena.heldBytes, 100)
  assert.equal(arena.chunkCount, 1)
  const e = put(arena, 'e'.repeat(50))
  assert.equal(arena.chunkCount, 2)
  assert.equal(arena.view(d.id, d.at, d.length).toString(), 'd'.repeat(90))
  assert.equal(arena.view(e.id, e.at, e.length).toString(), 'e'.repeat(50))
})

test('a frame longer than a chunk gets a chunk of its own, released with it; the chunk being written goes on', () => {
  const arena = new FrameArena(100)
  const a = put(arena, 'a'.repeat(10))
  const big = put(arena, 'B'.repeat(250))
  const b = put(arena, 'b'.repeat(10))
  assert.equal(b.id, a.id)
  assert.equal(b.at, 10)
  assert.equal(arena.heldBytes, 350)
  assert.equal(arena.view(big.id, big.at, big.length).toString(), 'B'.repeat(250))
  arena.release(big.id)
  assert.equal(arena.heldBytes, 100)
})

test('a view handed out keeps its octets after its chunk is released: chunks are never written again', () => {
  const arena = new FrameArena(64)
  const first = put(arena, 'x'.repeat(64))
  const view = arena.view(first.id, first.at, first.length)
  arena.release(first.id)
  for (let i = 0; i < 100; i++) arena.release(put(arena, 'y'.repeat(64)).id)
  assert.equal(view.toString(), 'x'.repeat(64))
  assert.ok(arena.chunkCount <= 1)
})

test('chunk sizes below 64 octets are refused', () => {
  assert.throws(() => new FrameArena(10), RangeError)
  assert.throws(() => new FrameArena(100.5), RangeError)
})
