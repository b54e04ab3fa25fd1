// The decompressed octets of a file as an async sequence of chunks, with backpressure. Unlike
// iterating a pipeline, an error (a truncated gzip or bzip2 stream, an I/O error) is thrown only
// after every chunk decoded before it has been handed out, so a reader can still use them.

import { createReadStream } from 'node:fs'
import type { Readable } from 'node:stream'
import { createDecompressor } from './decompress.ts'
import type { Compression } from './decompress.ts'

/** Chunks queued before the stream is paused. */
const MAX_QUEUED = 4

export async function * readChunks (path: string, compression: Compression, highWaterMark: number): AsyncGenerator<Uint8Array, void, undefined> {
  const file = createReadStream(path, { highWaterMark })
  const decompressor = await createDecompressor(compression, highWaterMark)
  const stream: Readable = decompressor === null ? file : file.pipe(decompressor) as unknown as Readable
  const queue: Uint8Array[] = []
  let done = false
  let failure: unknown = null
  let wake: (() => void) | null = null
  const notify = (): void => {
    const w = wake
    wake = null
    if (w !== null) w()
  }
  const onError = (error: unknown): void => {
    if (failure === null) failure = error
    done = true
    notify()
  }
  stream.on('data', (chunk: Uint8Array) => {
    queue.push(chunk)
    if (queue.length >= MAX_QUEUED) stream.pause()
    notify()
  })
  stream.on('end', () => {
    done = true
    notify()
  })
  stream.on('error', onError)
  if (stream !== file) file.on('error', onError)
  try {
    while (true) {
      let chunk = queue.shift()
      if (chunk === undefined) {
        // Resume when the queue runs dry, also after an error: a paused `through` stream (bzip2)
        // still holds decoded chunks and hands them over, synchronously, on resume().
        stream.resume()
        chunk = queue.shift()
      }
      if (chunk !== undefined) {
        yield chunk
        continue
      }
      if (done) break
      await new Promise<void>((resolve) => { wake = resolve })
    }
    if (failure !== null) throw failure
  } finally {
    file.destroy()
    if (stream !== file) stream.destroy()
  }
}
