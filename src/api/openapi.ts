// The OpenAPI 3.1 description of every endpoint, served at /openapi.json. Error responses are
// generated from src/errors.ts: each status lists the codes it can carry, so that the document
// and the errors cannot drift apart.
import { ERROR_TRANSPORT } from '../errors.ts'
import { DEFAULT_KEY_LIMITS } from '../store/types.ts'
import { API_ERROR_CODES, API_ERROR_MEANINGS } from './api-error-codes.ts'
import type { ApiErrorCode } from './api-error-codes.ts'

type Json = Record<string, unknown>

/** Statuses HTTP itself gives BAD_REQUEST errors: no such endpoint, body too large, not JSON. */
const HTTP_LAYER_STATUSES: Readonly<Record<number, string>> = { 404: 'No such endpoint.', 413: 'The body is too large.', 415: 'The body is not JSON (Content-Type: application/json).' }

const EXAMPLE_STATE = {
  keyId: '3f2a9c0d51e7',
  prefixes: ['192.0.2.0/24', '2001:db8::/32'],
  limits: DEFAULT_KEY_LIMITS,
  lastUsedAt: '2026-11-27T10:00:00.000Z',
  prefixesUpdatedAt: '2026-11-27T10:00:00.000Z',
  idleTimeoutSeconds: 14400,
  expiresAt: '2026-11-27T14:00:00.000Z',
  openSessions: 0
}

const EXAMPLE_ERRORS: Partial<Record<ApiErrorCode, Json>> = {
  PREFIX_HOST_BITS: { code: 'PREFIX_HOST_BITS', message: '192.0.2.1/24 has host bits set; did you mean 192.0.2.0/24?', details: { prefix: '192.0.2.1/24', suggestion: '192.0.2.0/24' } },
  TOO_MANY_PREFIXES: { code: 'TOO_MANY_PREFIXES', message: '11 prefixes given, but this key allows at most 10; remove some or aggregate them, or ask the operator for a higher limit.', details: { count: 11, maxPrefixes: 10 } },
  RATE_LIMITED: { code: 'RATE_LIMITED', message: 'Too many requests; try again in 2 s.', details: { retryAfterSeconds: 2 } },
  UNKNOWN_KEY: { code: 'UNKNOWN_KEY', message: 'The API key is not known to this service; check that it was copied whole, or ask the operator for a new one.' }
}

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: Json, example?: unknown): Json => ({ 'application/json': example === undefined ? { schema } : { schema, example } })

function codesFor (status: number): ApiErrorCode[] {
  if (HTTP_LAYER_STATUSES[status] !== undefined) return ['BAD_REQUEST']
  return API_ERROR_CODES.filter(code => ERROR_TRANSPORT[code].http === status)
}

function errorResponse (status: number): Json {
  const codes = codesFor(status)
  if (codes.length === 0) throw new Error(`no API error code has HTTP status ${status}`)
  const lines = codes.map(code => `- \`${code}\`: ${API_ERROR_MEANINGS[code]}`)
  if (HTTP_LAYER_STATUSES[status] !== undefined) lines.unshift(HTTP_LAYER_STATUSES[status])
  const schema = {
    type: 'object',
    required: ['error'],
    additionalProperties: false,
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        additionalProperties: false,
        properties: {
          code: { type: 'string', enum: codes },
          message: { type: 'string', description: 'What went wrong and what to do about it, for a person.' },
          details: ref('ErrorDetails')
        }
      }
    }
  }
  const example = codes.map(code => EXAMPLE_ERRORS[code]).find(e => e !== undefined)
  const response: Json = { description: lines.join('\n'), content: json(schema, example === undefined ? undefined : { error: example }) }
  if (codes.includes('RATE_LIMITED')) {
    response.headers = { 'Retry-After': { description: 'Whole seconds to wait before the next request.', schema: { type: 'integer', minimum: 1 } } }
  }
  return response
}

function errorResponses (...statuses: number[]): Json {
  return Object.fromEntries(statuses.map(status => [String(status), errorResponse(status)]))
}

const keyStateResponse = { description: "The key's state.", content: json(ref('KeyState'), EXAMPLE_STATE) }

export function openApiDocument (): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'bgproutes-live live manager API',
      version: '1',
      description: 'Sets the prefix list of an API key, which selects what its websocket stream carries. ' +
        '/update_live_prefixes is the BGProutes.io endpoint, kept for its public clients; /v1/key is the JSON API, which takes the key in a header. ' +
        'Every error body is {"error": {"code", "message", "details"?}} with a stable code. See docs/api.md.'
    },
    paths: {
      '/update_live_prefixes': {
        get: {
          operationId: 'updateLivePrefixes',
          summary: "Replace the key's prefix list (BGProutes.io compatible)",
          description: 'Replaces the prefix list of the key with new_pfxs (comma separated, IPv4 and IPv6 mixed; empty clears it). ' +
            'Prefixes are checked and stored in canonical form, duplicates removed, order kept. A call with a known key counts as a use of it (the 4-hour rule).',
          security: [{ apiKeyQuery: [] }, { bearerAuth: [] }, { apiKeyHeader: [] }],
          parameters: [
            { name: 'api_key', in: 'query', required: false, description: 'The API key (or send it in a header).', schema: { type: 'string' } },
            { name: 'new_pfxs', in: 'query', required: true, allowEmptyValue: true, description: 'The new prefix list, comma separated, e.g. 192.0.2.0/24,2001:db8::/32; empty to clear.', schema: { type: 'string' } }
          ],
          responses: { 200: keyStateResponse, ...errorResponses(400, 401, 403, 422, 429, 500) }
        }
      },
      '/v1/key': {
        get: {
          operationId: 'getKey',
          summary: "The key's state: prefixes, limits, last use, expiry, open sessions",
          description: 'Counts as a use of the key.',
          security: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
          responses: { 200: keyStateResponse, ...errorResponses(400, 401, 403, 429, 500) }
        }
      },
      '/v1/key/prefixes': {
        put: {
          operationId: 'setKeyPrefixes',
          summary: "Replace the key's prefix list",
          description: 'Same checks as /update_live_prefixes; an empty array clears the list.',
          security: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
          requestBody: {
            required: true,
            content: json(ref('PrefixList'), { prefixes: ['192.0.2.0/24', '2001:db8::/32'] })
          },
          responses: { 200: keyStateResponse, ...errorResponses(400, 401, 403, 413, 415, 422, 429, 500) }
        }
      },
      '/healthz': {
        get: {
          operationId: 'health',
          summary: 'The process is up',
          responses: { 200: { description: 'Always, while the process answers.', content: json(ref('Health')) } }
        }
      },
      '/readyz': {
        get: {
          operationId: 'readiness',
          summary: 'The store answers and the service is ready',
          responses: {
            200: { description: 'Ready.', content: json(ref('Readiness')) },
            503: { description: 'Not ready: the store does not answer (within 2 s), or the service is not ready.', content: json(ref('Readiness')) }
          }
        }
      },
      '/metrics': {
        get: {
          operationId: 'metrics',
          summary: 'Prometheus metrics (text exposition format)',
          responses: { 200: { description: 'Metrics of the API and the gateway.', content: { 'text/plain': { schema: { type: 'string' } } } } }
        }
      },
      '/openapi.json': {
        get: {
          operationId: 'openApi',
          summary: 'This document',
          responses: { 200: { description: 'The OpenAPI 3.1 document.', content: json({ type: 'object', required: ['openapi', 'paths'], properties: { openapi: { const: '3.1.0' }, paths: { type: 'object' } } }) } }
        }
      }
    },
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer KEY' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        apiKeyQuery: { type: 'apiKey', in: 'query', name: 'api_key', description: 'Only /update_live_prefixes, for the BGProutes.io clients.' }
      },
      schemas: {
        KeyState: {
          type: 'object',
          additionalProperties: false,
          required: ['keyId', 'prefixes', 'limits', 'lastUsedAt', 'prefixesUpdatedAt', 'idleTimeoutSeconds', 'expiresAt', 'openSessions'],
          properties: {
            keyId: { type: 'string', pattern: '^[0-9a-f]{12}$', description: 'Public id of the key; never the key.' },
            prefixes: { type: 'array', items: { type: 'string' }, description: 'Canonical prefixes, in the order given.' },
            limits: {
              type: 'object',
              additionalProperties: false,
              required: ['maxPrefixes', 'maxSessions'],
              properties: { maxPrefixes: { type: 'integer', minimum: 1 }, maxSessions: { type: 'integer', minimum: 1 } }
            },
            lastUsedAt: { type: ['string', 'null'], format: 'date-time' },
            prefixesUpdatedAt: { type: ['string', 'null'], format: 'date-time' },
            idleTimeoutSeconds: { type: 'integer', minimum: 0, description: 'How long the key may go unused before its prefix list is cleared.' },
            expiresAt: { type: ['string', 'null'], format: 'date-time', description: 'When the prefix list is cleared unless the key is used before (an open session keeps moving it); null with no prefixes.' },
            openSessions: { type: 'integer', minimum: 0 }
          }
        },
        PrefixList: {
          type: 'object',
          additionalProperties: false,
          required: ['prefixes'],
          properties: { prefixes: { type: 'array', items: { type: 'string' } } }
        },
        ErrorDetails: {
          type: 'object',
          description: 'Machine-readable facts about the error, e.g. prefix, suggestion, maxPrefixes, retryAfterSeconds, keyId.',
          additionalProperties: {
            anyOf: [{ type: ['string', 'number', 'boolean', 'null'] }, { type: 'array', items: { type: 'string' } }]
          }
        },
        Health: {
          type: 'object',
          additionalProperties: false,
          required: ['status'],
          properties: { status: { const: 'ok' } }
        },
        Readiness: {
          type: 'object',
          additionalProperties: false,
          required: ['status', 'checks'],
          properties: {
            status: { enum: ['ready', 'not ready'] },
            checks: {
              type: 'object',
              additionalProperties: false,
              required: ['store', 'service'],
              properties: { store: { type: 'boolean' }, service: { type: 'boolean' } }
            }
          }
        }
      }
    }
  }
}
