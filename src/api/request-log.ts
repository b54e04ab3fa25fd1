// Keys out of the logs. Fastify's own request lines are off (they would carry the URL, and with
// it the key of /update_live_prefixes): logRequest writes one line per answered request, with
// the URL redacted and the key's public id when the request was authenticated. Whatever Fastify
// still logs about a request or an error goes through redacting serializers (redactingLogger).
import type { FastifyReply, FastifyRequest } from 'fastify'
import { pino } from 'pino'
import { redactHeaders, redactKeys, redactUrl } from '../keys/redact.ts'
import type { Logger } from '../log.ts'

export function logRequest (request: FastifyRequest, reply: FastifyReply, keyId: string | undefined): void {
  const status = reply.statusCode
  const line = {
    method: request.method,
    url: redactUrl(request.url),
    status,
    ms: Math.round(reply.elapsedTime * 100) / 100,
    ip: request.ip,
    keyId
  }
  if (status >= 500) request.log.warn(line, 'request answered')
  else request.log.info(line, 'request answered')
}

interface RequestLike {
  method?: string
  url?: string
  ip?: string
  headers?: Record<string, string | string[] | undefined>
}

/** A child of `logger` whose `req` and `err` serializers redact keys; Fastify keeps a parent's serializers. */
export function redactingLogger (logger: Logger): Logger {
  return logger.child({}, {
    serializers: {
      req: (req: RequestLike) => ({
        method: req.method,
        url: req.url === undefined ? undefined : redactUrl(req.url),
        remoteAddress: req.ip,
        headers: req.headers === undefined ? undefined : redactHeaders(req.headers)
      }),
      err: (err: Error) => {
        const out = pino.stdSerializers.err(err) as unknown as Record<string, unknown>
        return JSON.parse(redactKeys(JSON.stringify(out))) as unknown
      }
    }
  })
}
