// Where a gateway's sessions get their key's frames. Two feeds implement it: the live service in
// this process (`serve`: local-frame-feed.ts) and the key's Kafka topic (the `gateway` role:
// src/kafka/kafka-frame-feed.ts). The gateway authenticates, opens the store's session and hands
// the open session to the feed; the feed sends what the client missed after `since` (a gap frame
// first when some of it is gone, docs/protocol.md) and then every new frame, in seq order.
import type { LoggedFrame } from '../matcher/delivery-log.ts'

/** An open session, as a feed sees it. */
export interface FeedSink {
  /**
   * A frame of the key. `replay` frames were asked for (a resume): they wait in the session's
   * queue whatever its size, the feed bounding how many it hands over; live ones past the
   * session's bound make it a slow consumer.
   */
  deliver (frame: LoggedFrame, replay?: boolean): void
  /** A frame outside the key's numbering (a gap frame). */
  sendControl (text: string): void
  /** Octets of frames waiting in the session behind its socket. */
  readonly backlogBytes: number
}

export interface FrameFeed {
  /**
   * The key's stored prefix list, as authentication read it: a feed that matches in this process
   * applies a list another process changed since its last resync. Optional.
   */
  keyChecked? (keyId: string, prefixes: readonly string[]): void
  /**
   * Start the key's frames for `sink`: after `since` when given, else the new ones only. No frame
   * falls between the resume and the live ones. Resolves with the function that stops them.
   */
  subscribe (keyId: string, sink: FeedSink, since: number | undefined): Promise<() => void>
}
