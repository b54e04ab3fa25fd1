// Typed errors of the client, one class per thing a caller handles differently, made from the
// server's stable codes (the server's src/errors.ts): over HTTP from the body
// `{error: {code, message, details}}`, over the websocket from the error frame
// `{error, code, details, last_seq?}` or, when none arrived, from the close code alone.

export type ErrorCode = 'BAD_REQUEST' | 'UNKNOWN_KEY' | 'KEY_REVOKED' | 'NO_PREFIXES' | 'SESSION_ALREADY_OPEN' |
  'PREFIX_MALFORMED' | 'PREFIX_HOST_BITS' | 'PREFIX_TOO_SHORT' | 'TOO_MANY_PREFIXES' | 'RATE_LIMITED' | 'SLOW_CONSUMER' | 'INTERNAL'

/** The websocket close code of each error code (the server's ERROR_TRANSPORT). */
export const CLOSE_CODES: Readonly<Record<ErrorCode, number>> = {
  BAD_REQUEST: 4000,
  UNKNOWN_KEY: 4001,
  KEY_REVOKED: 4003,
  NO_PREFIXES: 4004,
  SESSION_ALREADY_OPEN: 4009,
  PREFIX_MALFORMED: 4020,
  PREFIX_HOST_BITS: 4021,
  PREFIX_TOO_SHORT: 4022,
  TOO_MANY_PREFIXES: 4023,
  RATE_LIMITED: 4029,
  SLOW_CONSUMER: 4030,
  INTERNAL: 1011
}

export type Details = Record<string, unknown>

interface ErrorInit {
  code: ErrorCode
  message: string
  details?: Details | undefined
  /** HTTP status, for an error answered by the API. */
  status?: number | undefined
  /** Websocket close code, for an error of the stream. */
  closeCode?: number | undefined
  cause?: unknown
}

/** Any error the service reported, with its stable code. */
export class BgplError extends Error {
  readonly code: ErrorCode
  readonly details: Details
  readonly status: number | undefined
  readonly closeCode: number | undefined

  constructor (init: ErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause })
    this.name = new.target.name
    this.code = init.code
    this.details = init.details ?? {}
    this.status = init.status
    this.closeCode = init.closeCode
  }
}

export class BadRequestError extends BgplError {}
export class UnknownKeyError extends BgplError {}
export class KeyRevokedError extends BgplError {}
export class NoPrefixesError extends BgplError {}
export class SessionAlreadyOpenError extends BgplError {}
export class InternalError extends BgplError {}

export type PrefixRejectionReason = 'PREFIX_MALFORMED' | 'PREFIX_HOST_BITS' | 'PREFIX_TOO_SHORT' | 'TOO_MANY_PREFIXES'

/** The prefix list was refused; `reason` says why, `prefix` names the prefix (not for TOO_MANY_PREFIXES). */
export class PrefixRejectedError extends BgplError {
  get reason (): PrefixRejectionReason { return this.code as PrefixRejectionReason }
  get prefix (): string | undefined { return typeof this.details.prefix === 'string' ? this.details.prefix : undefined }
  /** PREFIX_HOST_BITS: the prefix meant. */
  get suggestion (): string | undefined { return typeof this.details.suggestion === 'string' ? this.details.suggestion : undefined }
}

export class RateLimitedError extends BgplError {
  /** Seconds until a request would pass (details or the Retry-After header). */
  get retryAfterSeconds (): number | undefined {
    return typeof this.details.retryAfterSeconds === 'number' ? this.details.retryAfterSeconds : undefined
  }
}

/** The stream fell too far behind; the client received exactly the frames up to `lastSeq`. */
export class SlowConsumerError extends BgplError {
  get lastSeq (): number | undefined { return typeof this.details.last_seq === 'number' ? this.details.last_seq : undefined }
}

/** The service could not be reached, or the connection failed without an error of the service. */
export class ConnectionError extends Error {
  readonly closeCode: number | undefined
  constructor (message: string, options: { closeCode?: number, cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'ConnectionError'
    this.closeCode = options.closeCode
  }
}

type ErrorClass = new (init: ErrorInit) => BgplError

const CLASSES: Readonly<Record<ErrorCode, ErrorClass>> = {
  BAD_REQUEST: BadRequestError,
  UNKNOWN_KEY: UnknownKeyError,
  KEY_REVOKED: KeyRevokedError,
  NO_PREFIXES: NoPrefixesError,
  SESSION_ALREADY_OPEN: SessionAlreadyOpenError,
  PREFIX_MALFORMED: PrefixRejectedError,
  PREFIX_HOST_BITS: PrefixRejectedError,
  PREFIX_TOO_SHORT: PrefixRejectedError,
  TOO_MANY_PREFIXES: PrefixRejectedError,
  RATE_LIMITED: RateLimitedError,
  SLOW_CONSUMER: SlowConsumerError,
  INTERNAL: InternalError
}

export function isErrorCode (value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(CLOSE_CODES, value)
}

/** The typed error of a code; an unknown code becomes INTERNAL. */
export function errorFromCode (code: unknown, message: string, extra: Omit<ErrorInit, 'code' | 'message'> = {}): BgplError {
  const known: ErrorCode = isErrorCode(code) ? code : 'INTERNAL'
  return new CLASSES[known]({ ...extra, code: known, message })
}

/** The error code of a websocket close code, if it is one of the service's. */
export function codeOfClose (closeCode: number): ErrorCode | undefined {
  for (const [code, close] of Object.entries(CLOSE_CODES)) if (close === closeCode) return code as ErrorCode
  return undefined
}

/** The typed error of an HTTP error answer (body `{error: {code, message, details}}`). */
export function errorFromHttp (status: number, body: unknown, retryAfter: string | null): BgplError {
  const error = (typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined)
  if (typeof error === 'object' && error !== null) {
    const { code, message, details } = error as { code?: unknown, message?: unknown, details?: unknown }
    const detailObject: Details = typeof details === 'object' && details !== null ? { ...details as Details } : {}
    if (code === 'RATE_LIMITED' && detailObject.retryAfterSeconds === undefined && retryAfter !== null) detailObject.retryAfterSeconds = Number(retryAfter)
    return errorFromCode(code, typeof message === 'string' ? message : `HTTP ${status}`, { status, details: detailObject })
  }
  const code: ErrorCode = status === 401 ? 'UNKNOWN_KEY' : status === 403 ? 'KEY_REVOKED' : status === 429 ? 'RATE_LIMITED' : status >= 500 ? 'INTERNAL' : 'BAD_REQUEST'
  const details: Details = code === 'RATE_LIMITED' && retryAfter !== null ? { retryAfterSeconds: Number(retryAfter) } : {}
  return errorFromCode(code, `HTTP ${status}: ${typeof body === 'string' ? body.slice(0, 200) : 'unexpected answer'}`, { status, details })
}

/** The typed error of a websocket error frame, closed with `closeCode`. */
export function errorFromFrame (frame: { error: string, code?: unknown, details?: unknown, last_seq?: number }, closeCode: number | undefined): BgplError {
  const details: Details = typeof frame.details === 'object' && frame.details !== null ? { ...frame.details as Details } : {}
  if (typeof frame.last_seq === 'number') details.last_seq = frame.last_seq
  const code = isErrorCode(frame.code) ? frame.code : (closeCode === undefined ? undefined : codeOfClose(closeCode))
  return errorFromCode(code, frame.error, { details, closeCode })
}
