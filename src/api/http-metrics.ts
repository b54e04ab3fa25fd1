// Prometheus metrics of the HTTP API, registered on the registry the service shares between the
// API and the gateway. The route label is the route's pattern ('unmatched' for unknown paths),
// so that a client cannot make new series by requesting new URLs.
import { Counter, Histogram } from 'prom-client'
import type { Registry } from 'prom-client'

export const REQUESTS_METRIC = 'bgpl_api_requests_total'
export const DURATION_METRIC = 'bgpl_api_request_duration_seconds'

/** Upper bounds in seconds: store calls take a millisecond or so, PostgreSQL round trips a few. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

export interface HttpMetrics {
  observe (method: string, route: string, status: number, seconds: number): void
}

export function httpMetrics (registry: Registry): HttpMetrics {
  // The same registry may serve more than one API instance (tests, reloads): reuse what is there.
  const requests = (registry.getSingleMetric(REQUESTS_METRIC) as Counter<'method' | 'route' | 'status'> | undefined) ??
    new Counter({ name: REQUESTS_METRIC, help: 'HTTP API requests answered, by method, route and status.', labelNames: ['method', 'route', 'status'], registers: [registry] })
  const duration = (registry.getSingleMetric(DURATION_METRIC) as Histogram<'method' | 'route'> | undefined) ??
    new Histogram({ name: DURATION_METRIC, help: 'Time from receiving an HTTP API request to answering it, in seconds.', labelNames: ['method', 'route'], buckets: DURATION_BUCKETS, registers: [registry] })
  return {
    observe (method, route, status, seconds) {
      requests.inc({ method, route, status: String(status) })
      duration.observe({ method, route }, seconds)
    }
  }
}
