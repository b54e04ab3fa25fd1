// The error codes the HTTP API answers with, and what each means here. The other codes of
// src/errors.ts (NO_PREFIXES, SESSION_ALREADY_OPEN, SLOW_CONSUMER) belong to the websocket stream.
import type { ErrorCode } from '../errors.ts'

export const API_ERROR_MEANINGS = {
  BAD_REQUEST: 'A parameter or the body is missing or malformed, the key was sent in the URL of the JSON API, or (with 404, 413, 415) no such endpoint, a body too large, or a body that is not JSON.',
  UNKNOWN_KEY: 'No key was given, or the key is malformed or not known to this service.',
  KEY_REVOKED: 'The key was revoked by the operator.',
  PREFIX_MALFORMED: 'A prefix does not parse (details.prefix names it).',
  PREFIX_HOST_BITS: 'A prefix has bits set past its length (details.suggestion is the canonical form).',
  PREFIX_TOO_SHORT: 'A prefix is shorter than this service accepts for its address family (details.minLength).',
  TOO_MANY_PREFIXES: "More distinct prefixes than the key's limit (details.maxPrefixes).",
  RATE_LIMITED: 'Too many requests from this key or address; retry after the Retry-After header (details.retryAfterSeconds).',
  INTERNAL: 'Anything else; the operator has the details in the logs.'
} as const satisfies Partial<Record<ErrorCode, string>>

export type ApiErrorCode = keyof typeof API_ERROR_MEANINGS

export const API_ERROR_CODES = Object.keys(API_ERROR_MEANINGS) as ApiErrorCode[]
