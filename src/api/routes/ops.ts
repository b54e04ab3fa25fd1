// Operational endpoints, never behind a key or a rate limit: /healthz (the process answers),
// /readyz (the store answers and the service says it is ready), /metrics (Prometheus text of
// the shared registry) and /openapi.json (the description of every endpoint).
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { ApiContext } from '../api-context.ts'
import { openApiDocument } from '../openapi.ts'

/** How long /readyz waits for the store before calling it unreachable. */
export const READY_STORE_TIMEOUT_MS = 2000

export interface Health {
  status: 'ok'
}

export interface Readiness {
  status: 'ready' | 'not ready'
  checks: {
    /** The store answered a query. */
    store: boolean
    /** The service's own readiness (e.g. the matcher has loaded every key). */
    service: boolean
  }
}

export function opsRoutes (app: FastifyInstance, ctx: ApiContext): void {
  app.get('/healthz', async (): Promise<Health> => ({ status: 'ok' }))

  app.get('/readyz', async (request, reply): Promise<FastifyReply> => {
    const [store, service] = await Promise.all([
      check(() => ctx.options.store.getSetting('key_secret_fingerprint'), 'store'),
      check(async () => { if (!(await (ctx.options.ready?.() ?? true))) throw new Error('ready() is false') }, 'service')
    ])
    const body: Readiness = { status: store && service ? 'ready' : 'not ready', checks: { store, service } }
    return reply.code(store && service ? 200 : 503).send(body)

    async function check (probe: () => Promise<unknown>, name: string): Promise<boolean> {
      let timer: NodeJS.Timeout | undefined
      try {
        await Promise.race([
          probe(),
          new Promise((_resolve, reject) => { timer = setTimeout(() => reject(new Error(`no answer in ${READY_STORE_TIMEOUT_MS} ms`)), READY_STORE_TIMEOUT_MS) })
        ])
        return true
      } catch (err) {
        request.log.warn({ check: name, reason: err instanceof Error ? err.message : String(err) }, 'not ready')
        return false
      } finally {
        clearTimeout(timer)
      }
    }
  })

  app.get('/metrics', async (_request, reply): Promise<FastifyReply> => {
    const text = await ctx.options.metrics.metrics()
    return reply.type(ctx.options.metrics.contentType).send(text)
  })

  const document = openApiDocument()
  app.get('/openapi.json', async (): Promise<object> => document)
}
