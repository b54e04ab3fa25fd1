import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FrameArena, MAX_SPARE_CHUNKS } from '../../src/matcher/frame-arena.ts'

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
  assert.equal(arena.copy(a.id, a.at, a.length).toString(), 'a'.repeat(60))
  assert.equal(arena.copy(c.id, c.at, c.length).toString(), 'c'.repeat(20))
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
  assert.equal(arena.copy(d.id, d.at, d.length).toString(), 'd'.repeat(90))
  assert.equal(arena.copy(e.id, e.at, e.length).toString(), 'e'.repeat(50))
})

test('a frame longer than a chunk gets a chunk of its own, released with it; the chunk being written goes on', () => {
  const arena = new FrameArena(100)
  const a = put(arena, 'a'.repeat(10))
  const big = put(arena, 'B'.repeat(250))
  const b = put(arena, 'b'.repeat(10))
  assert.equal(b.id, a.id)
  assert.equal(b.at, 10)
  assert.equal(arena.heldBytes, 350)
  assert.equal(arena.copy(big.id, big.at, big.length).toString(), 'B'.repeat(250))
  arena.release(big.id)
  assert.equal(arena.heldBytes, 100)
})

test('a frame copied out keeps its octets after its chunk is released and written again', () => {
  const arena = new FrameArena(64)
  const first = put(arena, 'x'.repeat(64))
  const copy = arena.copy(first.id, first.at, first.length)
  arena.release(first.id)
  for (let i = 0; i < 100; i++) arena.release(put(arena, 'y'.repeat(64)).id)
  assert.equal(copy.toString(), 'x'.repeat(64))
  assert.ok(arena.chunkCount <= 1)
})

test('released chunks are written again: frames released as fast as they come allocate no new chunk', () => {
  const arena = new FrameArena(100)
  // A log in its steady state: each new frame evicts the oldest.
  const kept: Array<{ id: number, at: number, length: number }> = []
  for (let i = 0; i < 10; i++) kept.push(put(arena, String(i % 10).repeat(50)))
  const allocated = arena.chunksAllocated
  for (let i = 10; i < 1000; i++) {
    kept.push(put(arena, String(i % 10).repeat(50)))
    arena.release((kept.shift() as { id: number }).id)
  }
  assert.ok(arena.chunksAllocated <= allocated + 1, `${arena.chunksAllocated - allocated} chunks allocated after the first ${allocated}`)
  // What is kept reads back right although every chunk was written many times.
  for (const [n, f] of kept.entries()) assert.equal(arena.copy(f.id, f.at, f.length).toString(), String((990 + n) % 10).repeat(50))
})

test('spare chunks are bounded; the chunk of a frame longer than a chunk is never a spare', () => {
  const arena = new FrameArena(100)
  const big = put(arena, 'B'.repeat(250))
  const frames = Array.from({ length: 20 }, () => put(arena, 'z'.repeat(100)))
  arena.release(big.id)
  assert.equal(arena.spareCount, 0)
  for (const f of frames) arena.release(f.id)
  assert.equal(arena.spareCount, MAX_SPARE_CHUNKS)
  // The spares are written before any new chunk is allocated.
  const allocated = arena.chunksAllocated
  for (let i = 0; i < MAX_SPARE_CHUNKS; i++) put(arena, 'w'.repeat(100))
  assert.equal(arena.chunksAllocated, allocated)
  assert.ok(arena.spareCount <= MAX_SPARE_CHUNKS)
})

test('chunk sizes below 64 octets are refused', () => {
  assert.throws(() => new FrameArena(10), RangeError)
  assert.throws(() => new FrameArena(100.5), RangeError)
})
