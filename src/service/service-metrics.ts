// Prometheus metrics of the live service (matcher, delivery log, websocket sessions), registered
// on the registry the live manager API serves at /metrics. Created by the caller and passed down;
// nothing is registered on import.
import { Counter, Gauge, Histogram } from 'prom-client'
import type { Registry } from 'prom-client'

export interface ServiceMetrics {
  /** Records taken from the bus, by their `source` (collector name, `bmp`, `mrt:<file>`). */
  records: Counter<'source'>
  /** Frames the matcher made (one per key and frame). */
  framesMatched: Counter
  /** Frames handed to websocket connections (replayed ones included). */
  framesSent: Counter
  /** Seconds spent in Matcher.match per record. */
  matchSeconds: Histogram
  /** Websocket sessions open now. */
  sessions: Gauge
  /** Sessions opened, and connections refused by error code. */
  sessionsOpened: Counter
  sessionsRefused: Counter<'code'>
  /** Sessions closed, by reason (client, slow_consumer, dead_peer, lease_lost, shutdown, error). */
  sessionsClosed: Counter<'reason'>
  /** Sessions whose lease lapsed in the store while they stayed connected, opened there again. */
  sessionsReopened: Counter
  /** Frames not sent to a session because it was closed as a slow consumer. */
  slowConsumerDrops: Counter
  /** Resumes answered with a gap frame, by reason (too_old, reset). */
  resumeGaps: Counter<'reason'>
  /** Keys whose prefixes were cleared by the 4-hour rule. */
  keysExpired: Counter
  /**
   * Kafka deployment: seconds a record or frame took to reach a stage, by stage: `taken` (matcher:
   * from the record's publication by the collector to its matching), `written` (matcher: from the
   * record's publication to its last frame on the brokers, records with frames only), `fetched`
   * (gateway: from the frame's production by the matcher to its fetch). Measured between the
   * clocks of two processes, so across machines only as good as their clocks' agreement.
   */
  kafkaStageDelay: Histogram<'stage'>
}

/** Register the service's metrics on `registry` (names start with `bgpl_`). */
export function createServiceMetrics (registry: Registry): ServiceMetrics {
  const registers = [registry]
  return {
    records: new Counter({ name: 'bgpl_records_total', help: 'Records taken from the bus, by source', labelNames: ['source'], registers }),
    framesMatched: new Counter({ name: 'bgpl_frames_matched_total', help: 'Frames made by the matcher (one per key and frame)', registers }),
    framesSent: new Counter({ name: 'bgpl_frames_sent_total', help: 'Frames handed to websocket sessions', registers }),
    matchSeconds: new Histogram({
      name: 'bgpl_match_seconds',
      help: 'Time to match one record and log its frames',
      buckets: [0.000_005, 0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.005, 0.025],
      registers
    }),
    sessions: new Gauge({ name: 'bgpl_ws_sessions', help: 'Websocket sessions open now', registers }),
    sessionsOpened: new Counter({ name: 'bgpl_ws_sessions_opened_total', help: 'Websocket sessions opened', registers }),
    sessionsRefused: new Counter({ name: 'bgpl_ws_sessions_refused_total', help: 'Websocket connections refused, by error code', labelNames: ['code'], registers }),
    sessionsClosed: new Counter({ name: 'bgpl_ws_sessions_closed_total', help: 'Websocket sessions closed, by reason', labelNames: ['reason'], registers }),
    sessionsReopened: new Counter({ name: 'bgpl_ws_sessions_reopened_total', help: 'Websocket sessions whose lease lapsed in the store while connected (renewals late), opened there again', registers }),
    slowConsumerDrops: new Counter({ name: 'bgpl_ws_slow_consumer_dropped_frames_total', help: 'Frames not sent because their session was closed as a slow consumer', registers }),
    resumeGaps: new Counter({ name: 'bgpl_ws_resume_gaps_total', help: 'Resumes answered with a gap frame, by reason', labelNames: ['reason'], registers }),
    keysExpired: new Counter({ name: 'bgpl_keys_expired_total', help: 'Keys whose prefixes were cleared after the idle timeout', registers }),
    kafkaStageDelay: new Histogram({
      name: 'bgpl_kafka_stage_delay_seconds',
      help: 'Kafka deployment: seconds from the previous stage, by stage (taken: record published -> matched; written: record published -> its frames on the brokers; fetched: frame produced, or the notice carrying it, -> at the gateway)',
      labelNames: ['stage'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers
    })
  }
}
