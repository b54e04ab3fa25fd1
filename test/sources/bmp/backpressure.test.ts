// Backpressure: when the record queue reaches its high-water mark the station stops reading the
// routers' sockets (TCP then holds the router back) and reads again once the queue has drained,
// so that nothing is dropped when the consumer is slow but alive. When the pause lasts longer
// than maxPauseMs the station reads on and the queue drops (and counts) instead.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { readPcapTcpStreams } from '../../helpers/pcap.ts'
import type { BgpRecord } from '../../../src/record/types.ts'
import { RecordQueue } from '../../../src/sources/record-queue.ts'
import { startBmpStation } from '../../../src/sources/bmp/station.ts'
import { connectTo, endSocket, waitFor } from './station-harness.ts'

const CAPTURE = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data', 'bmp', 'pmacct-201-BMP-CISCO-rd_instance.traffic-00.pcap')
/** pmacct 201 gives 293 records (captures-replay.test.ts). */
const RECORDS = 293

function captureBytes (): Uint8Array {
  return readPcapTcpStreams(CAPTURE).filter(s => s.dstPort === 1790)[0].data
}

test('a full queue pauses the routers and nothing is dropped; reading resumes when it drains', async () => {
  const queue = new RecordQueue<BgpRecord>({ capacity: 40, highWaterMark: 20, lowWaterMark: 5 })
  const station = await startBmpStation({ listen: '127.0.0.1:0', queue, maxPauseMs: 60_000 })
  try {
    const socket = await connectTo(station)
    // Written in one go while nobody reads the queue.
    socket.write(captureBytes())
    await waitFor(() => station.stats().paused, 5000, 'pause')
    // Paused: the queue stops filling below its capacity (at most one chunk's records past the mark).
    await new Promise(resolve => setTimeout(resolve, 200))
    assert.ok(queue.length >= 20 && queue.length <= 40, String(queue.length))
    assert.equal(queue.stats.dropped, 0)

    const taken: BgpRecord[] = []
    for (let i = 0; i < 10_000 && taken.length < RECORDS; i++) {
      const r = queue.shift()
      if (r !== undefined) taken.push(r)
      else await new Promise(resolve => setTimeout(resolve, 5))
    }
    assert.equal(taken.length, RECORDS)
    assert.equal(queue.stats.dropped, 0)
    assert.equal(station.stats().totals.droppedRecords, 0)
    assert.equal(station.stats().paused, false)
    await endSocket(socket)
  } finally {
    await station.close()
    queue.close()
  }
})

test('a pause longer than maxPauseMs: reading resumes and the queue drops and counts', async () => {
  const queue = new RecordQueue<BgpRecord>({ capacity: 40, highWaterMark: 20, lowWaterMark: 5, logIntervalMs: 60_000 })
  const station = await startBmpStation({ listen: '127.0.0.1:0', queue, maxPauseMs: 100 })
  try {
    const socket = await connectTo(station)
    const bytes = captureBytes()
    socket.write(bytes)
    const made = (): number => station.stats().totals.updateRecords + station.stats().totals.peerStateRecords
    await waitFor(() => station.stats().paused, 5000, 'pause')
    assert.ok(made() < RECORDS)
    await waitFor(() => made() === RECORDS, 5000, 'every record made after maxPauseMs')
    const totals = station.stats().totals
    assert.equal(queue.length, 40)
    assert.equal(station.stats().paused, false)
    assert.equal(totals.droppedRecords, RECORDS - 40)
    assert.equal(queue.stats.dropped, RECORDS - 40)
    await endSocket(socket)
  } finally {
    await station.close()
    queue.close()
  }
})
