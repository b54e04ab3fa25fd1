// Moves records from the collector's queue (BGP sessions and BMP routers write there) onto the
// bus. It waits for the bus to have room before each record, so the queue fills instead, and the
// queue's own policy applies (pause the sessions, then drop and count). Ends when the queue is
// closed and empty: every record the sources handed over is on the bus.
import type { Bus } from '../bus/bus.ts'
import type { BgpRecord } from '../record/types.ts'
import type { RecordQueue } from '../sources/record-queue.ts'

export async function pumpRecords (queue: RecordQueue<BgpRecord>, bus: Bus): Promise<number> {
  let n = 0
  for (;;) {
    await queue.wait()
    for (let r = queue.shift(); r !== undefined; r = queue.shift()) {
      await bus.writable()
      bus.publish(r)
      n++
    }
    if (queue.isClosed && queue.length === 0) return n
  }
}
