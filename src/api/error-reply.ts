// Every error answer of the API: `{ "error": { "code", "message", "details"? } }` with the HTTP
// status of its code (src/errors.ts). Errors of the HTTP layer itself (a body that is not JSON,
// an unsupported content type, a body too large, no such endpoint) are BAD_REQUEST with the
// status HTTP has for them (400, 404, 413, 415). Anything unexpected is INTERNAL, logged with
// keys redacted, and never shown to the client beyond its code.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { BadRequestError, RateLimitedError, ServiceError, toServiceError } from '../errors.ts'
import type { ServiceErrorJson } from '../errors.ts'
import { redactKeys } from '../keys/redact.ts'
import { API_BODY_LIMIT_BYTES } from './api-options.ts'

/** Fastify's messages for these say what is wrong, not what to do. */
const HTTP_LAYER_MESSAGES: Readonly<Record<string, string>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'The body must be JSON, sent with the header Content-Type: application/json.',
  FST_ERR_CTP_BODY_TOO_LARGE: `The body is larger than ${API_BODY_LIMIT_BYTES} bytes, the most this API accepts.`,
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The body is empty; send a JSON object, e.g. {"prefixes": ["192.0.2.0/24"]}.'
}

export interface ErrorBody {
  error: ServiceErrorJson
}

export function sendError (reply: FastifyReply, error: ServiceError, status = error.httpStatus): FastifyReply {
  if (error instanceof RateLimitedError) reply.header('retry-after', String(error.retryAfterSeconds))
  const body: ErrorBody = { error: error.toJSON() }
  return reply.code(status).type('application/json; charset=utf-8').send(body)
}

export function handleError (error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof ServiceError) {
    if (error.httpStatus >= 500) logFailure(request, error)
    return sendError(reply, error)
  }
  const status = httpLayerStatus(error)
  if (status !== undefined) {
    const code = (error as Partial<FastifyError>).code ?? ''
    const message = HTTP_LAYER_MESSAGES[code] ?? redactKeys((error as Error).message)
    return sendError(reply, new BadRequestError(message), status)
  }
  const internal = toServiceError(error)
  logFailure(request, internal)
  return sendError(reply, internal)
}

export function handleNotFound (request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = request.url.split('?', 1)[0]
  return sendError(reply, new BadRequestError(redactKeys(`No endpoint ${request.method} ${path}; the endpoints are described at /openapi.json.`)), 404)
}

/** The 4xx status Fastify gave one of its own errors (bad JSON, media type, body size), if that is what it is. */
function httpLayerStatus (error: unknown): number | undefined {
  const e = error as Partial<FastifyError> | null
  if (e === null || typeof e !== 'object' || typeof e.statusCode !== 'number') return undefined
  return e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : undefined
}

function logFailure (request: FastifyRequest, error: ServiceError): void {
  const cause = error.cause ?? error
  const err = cause instanceof Error
    ? { type: cause.name, message: redactKeys(cause.message), stack: redactKeys(cause.stack ?? '') }
    : { message: redactKeys(String(cause)) }
  request.log.error({ err, code: error.code }, 'request failed')
}
