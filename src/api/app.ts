// The live manager API: the public /update_live_prefixes endpoint, the JSON API of a key
// (/v1/key), and the operational endpoints (/healthz, /readyz, /metrics, /openapi.json), as one
// Fastify instance that the live service listens with (and mounts its websocket gateway on).
// Building it opens nothing: the caller decides when to listen, and on what.
import cors from '@fastify/cors'
import { fastify, LogController } from 'fastify'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import { ApiContext } from './api-context.ts'
import { API_BODY_LIMIT_BYTES } from './api-options.ts'
import type { ApiOptions } from './api-options.ts'
import { handleError, handleNotFound } from './error-reply.ts'
import { httpMetrics } from './http-metrics.ts'
import { logRequest, redactingLogger } from './request-log.ts'
import { keyRoutes } from './routes/key.ts'
import { opsRoutes } from './routes/ops.ts'
import { updateLivePrefixesRoute } from './routes/update-live-prefixes.ts'

export { API_BODY_LIMIT_BYTES, DEFAULT_API_RATE_LIMITS } from './api-options.ts'
export type { ApiOptions, ApiRateLimits } from './api-options.ts'

export function buildApi (options: ApiOptions): FastifyInstance {
  const ctx = new ApiContext(options)
  const metrics = httpMetrics(options.metrics)
  const app = fastify({
    loggerInstance: redactingLogger(options.logger) as FastifyBaseLogger,
    // Fastify's request lines would carry the URL, key and all: request-log.ts writes redacted ones.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: options.trustProxy ?? false,
    bodyLimit: API_BODY_LIMIT_BYTES,
    return503OnClosing: true,
    // A HEAD of /update_live_prefixes would change the list: only the documented methods are served.
    exposeHeadRoutes: false
  })

  // JSON bodies only: a text/plain body is refused (415) rather than parsed into a string.
  app.removeContentTypeParser('text/plain')
  app.setErrorHandler(handleError)
  app.setNotFoundHandler(handleNotFound)
  // Answers describe a key at one moment (or the service's state): never to be cached.
  app.addHook('onRequest', async (_request, reply) => { reply.header('cache-control', 'no-store') })
  app.addHook('onResponse', async (request, reply) => {
    metrics.observe(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000)
    logRequest(request, reply, ctx.keyIdOf(request))
  })

  // CORS, so that browser apps on other origins can call the API (the TypeScript client runs in
  // browsers). Keys travel in a header or the query, never in cookies, so any origin may be
  // allowed by default; `corsOrigins` narrows it. Retry-After is exposed for rate-limited calls.
  app.register(cors, {
    origin: options.corsOrigins ?? '*',
    methods: ['GET', 'PUT'],
    allowedHeaders: ['Authorization', 'X-API-Key', 'Content-Type'],
    exposedHeaders: ['Retry-After'],
    maxAge: 600
  })
  updateLivePrefixesRoute(app, ctx)
  keyRoutes(app, ctx)
  opsRoutes(app, ctx)
  return app
}
