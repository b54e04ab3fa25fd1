// Test support for the BMP station: a station on a free loopback port whose records land in an
// array, bounded polling, and a client that writes bytes in random-sized chunks.

import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { RecordQueue } from '../../../src/sources/record-queue.ts'
import { startBmpStation } from '../../../src/sources/bmp/station.ts'
import type { BmpStation, BmpStationOptions } from '../../../src/sources/bmp/station.ts'
import type { BgpRecord } from '../../../src/record/types.ts'
import { createLogger } from '../../../src/log.ts'
import { seededRandom } from '../../helpers/seeded-random.ts'

export interface Harness {
  station: BmpStation
  records: BgpRecord[]
  close: () => Promise<void>
}

/** A station on 127.0.0.1 with a free port; its queue is drained into `records` as it fills. */
export async function startHarness (options: Partial<BmpStationOptions> = {}): Promise<Harness> {
  const queue = new RecordQueue<BgpRecord>({ capacity: 1_000_000 })
  const records: BgpRecord[] = []
  const logger = createLogger({ level: process.env.LOG_LEVEL === undefined ? 'silent' : undefined })
  const station = await startBmpStation({ listen: '127.0.0.1:0', queue, logger, source: 'test-bmp', ...options })
  let draining = true
  const drained = (async () => {
    for await (const r of queue) {
      records.push(r)
      if (!draining && queue.length === 0) break
    }
  })()
  return {
    station,
    records,
    close: async () => {
      draining = false
      await station.close()
      queue.close()
      await drained
    }
  }
}

/** Poll `condition` every 20 ms until it holds; throws with `what` after `timeoutMs`. */
export async function waitFor (condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

export function connectTo (station: BmpStation, localAddress = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: station.address.port, localAddress }, () => {
      socket.off('error', reject)
      resolve(socket)
    })
    socket.once('error', reject)
  })
}

/** Write `data` in chunks of 1 to `maxChunk` octets, yielding to the event loop between some. */
export async function writeChunked (socket: Socket, data: Uint8Array, random: () => number, maxChunk = 3000): Promise<number> {
  let chunks = 0
  for (let offset = 0; offset < data.length; chunks++) {
    const size = 1 + Math.floor(random() * maxChunk)
    const chunk = data.subarray(offset, Math.min(data.length, offset + size))
    offset += chunk.length
    if (!socket.write(chunk)) await new Promise(resolve => socket.once('drain', resolve))
    if (chunks % 16 === 0) await new Promise(resolve => setImmediate(resolve))
  }
  return chunks
}

/** End the socket and wait until it is closed. */
export function endSocket (socket: Socket): Promise<void> {
  return new Promise(resolve => {
    if (socket.closed) { resolve(); return }
    socket.once('close', () => { resolve() })
    socket.end()
  })
}

/** A record without its time (checked by the caller), for comparing with an expected one. */
export function untimed (record: BgpRecord): Omit<BgpRecord, 'time_us'> {
  const { time_us: _time, ...rest } = record
  return rest
}

/** Update records of `view` that announce or withdraw `prefix`, in arrival order. */
export function recordsFor (records: readonly BgpRecord[], view: string, prefix: string): BgpRecord[] {
  return records.filter(r => r.type === 'update' && r.router?.view === view &&
    (r.announce.some(a => a.prefixes.includes(prefix)) || r.withdraw.some(w => w.prefixes.includes(prefix))))
}

export { seededRandom }
