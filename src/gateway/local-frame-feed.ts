// The frame feed of `serve`: the live service in this process. A session is registered with the
// service and its resume is answered from the delivery log in the same turn of the event loop, so
// no frame falls between the two.
import type { SinceResult } from '../matcher/delivery-log.ts'
import type { LiveService } from '../service/live-service.ts'
import type { ServiceMetrics } from '../service/service-metrics.ts'
import { gapFrame } from './control-frames.ts'
import type { FeedSink, FrameFeed } from './frame-feed.ts'

export class LocalFrameFeed implements FrameFeed {
  private readonly service: LiveService
  private readonly metrics: ServiceMetrics | undefined

  constructor (service: LiveService, metrics?: ServiceMetrics) {
    this.service = service
    this.metrics = metrics
  }

  keyChecked (keyId: string, prefixes: readonly string[]): void {
    // A list set by another process (the keys CLI) since the last resync: use it now.
    this.service.ensureKeyPrefixes(keyId, prefixes)
  }

  async subscribe (keyId: string, sink: FeedSink, since: number | undefined): Promise<() => void> {
    const attached = this.service.attach(keyId, sink, since)
    if (attached.resume !== undefined && since !== undefined) this.resume(sink, keyId, since, attached.resume)
    return attached.detach
  }

  /** Send what the client missed after `since`: the frames, after a gap frame when some are gone. */
  private resume (sink: FeedSink, keyId: string, since: number, result: SinceResult): void {
    const log = this.service.deliveryLog
    let frames
    if (result.kind === 'frames') {
      frames = result.frames
    } else {
      const reason = result.kind === 'too-old' ? 'too_old' : 'reset'
      // After a reset every frame kept is new to the client; some may be evicted already.
      let from = result.kind === 'too-old' ? result.oldestSeq - 1 : log.seqBase
      let again = log.since(keyId, from)
      if (again.kind === 'too-old') {
        from = again.oldestSeq - 1
        again = log.since(keyId, from)
      }
      frames = again.kind === 'frames' ? again.frames : []
      sink.sendControl(gapFrame(reason, since, from + 1, result.lastSeq))
      this.metrics?.resumeGaps.inc({ reason })
    }
    for (const f of frames) sink.deliver(f, true)
  }
}
