// The bus between the sources (BGP collector, BMP station, MRT replay) and the matcher: it carries
// normalised records. `InProcessBus` (in-process-bus.ts) serves the single-process `serve`;
// `KafkaBus` (kafka-bus.ts) the roles of a deployment over Kafka (docs/deploy.md):
//
// - Records are keyed by vantage point (`partitionKey`): order holds per key, as within one Kafka
//   partition, and nothing is promised across keys.
// - Publishing never blocks and never throws: it returns false when the record was dropped (a
//   bound was hit, or the bus is closed), and the drop is counted. A source that can wait (MRT
//   replay, a BGP session that can stop reading its socket) awaits `writable()` first.
// - Delivery is at least once: a delivery is acknowledged when the handler's promise resolves
//   (ack 'auto') or when the handler calls `delivery.ack()` (ack 'manual'). A Kafka bus commits a
//   partition's offset only up to the first record not yet acknowledged, so that a crash replays
//   what was not acknowledged; handlers must therefore tolerate a record seen twice.
// - Everything that waits is async (`writable`, `flush`, `close`, `unsubscribe`).

import type { BgpRecord } from '../record/types.ts'

export interface BusDelivery {
  readonly record: BgpRecord
  /** The partition key: the record's vantage point (`partitionKey`). */
  readonly key: string
  /** Position of the record on the bus, increasing in publish order (Kafka: the partition offset). */
  readonly offset: number
  /** Kafka only: the partition the record came from (offsets are per partition). */
  readonly partition?: number
  /** Kafka only: when the record was published (ms since the epoch, the producer's clock). */
  readonly timestamp?: number
  /** Acknowledge the record (idempotent). Called by the bus itself in 'auto' ack mode. */
  ack (): void
}

/** Handles one record; a returned promise is awaited before the next record is handed over. */
export type BusHandler = (delivery: BusDelivery) => void | Promise<void>

export interface SubscribeOptions {
  /**
   * Consumer group. On Kafka, subscriptions of one group share the partitions; in-process each
   * subscription sees every record and the group only names it. Default 'default'.
   */
  group?: string
  /** Records queued for this subscription; past this, records are dropped for it and counted. */
  maxQueued?: number
  /** 'auto' (default): acknowledged when the handler returns or its promise resolves. */
  ack?: 'auto' | 'manual'
  /** A handler that threw or rejected: the record counts as handled (acknowledged in 'auto' mode). */
  onError?: (error: unknown, delivery: BusDelivery) => void
}

export interface SubscriptionStats {
  group: string
  /** Records handed to the handler. */
  delivered: number
  acked: number
  /** Records dropped for this subscription because its queue was full. */
  dropped: number
  /** Records still queued. */
  queued: number
  handlerErrors: number
}

export interface BusSubscription {
  readonly group: string
  readonly stats: SubscriptionStats
  /** Stop delivering; records still queued are discarded (counted as dropped). */
  unsubscribe (): Promise<void>
}

export interface BusStats {
  published: number
  /** Records that at least one subscription dropped. */
  dropped: number
  /** Records published after close. */
  rejectedClosed: number
  subscriptions: SubscriptionStats[]
}

export interface Bus {
  /** Hand a record to the bus. False when it was dropped (for any subscriber) or the bus is closed. */
  publish (record: BgpRecord): boolean
  /** Resolves when a publish would not be dropped for lack of room (or the bus is closed). */
  writable (): Promise<void>
  subscribe (handler: BusHandler, options?: SubscribeOptions): BusSubscription
  /** Resolves when every record published so far has been handled and acknowledged (or dropped). */
  flush (): Promise<void>
  /** Refuse new records, let the queued ones be handled, then stop. */
  close (): Promise<void>
  readonly stats: BusStats
}

/**
 * The partition key of a record: its vantage point as BGProutes.io names it, `asn_ip` for a BGP
 * vantage point and `asn_ip|routerip` for a BMP-monitored peer (the router by address only, since
 * its AS may be learnt later).
 */
export function partitionKey (record: BgpRecord): string {
  const vp = String(record.vp.asn) + '_' + record.vp.ip
  return record.router === undefined ? vp : vp + '|' + record.router.ip
}
