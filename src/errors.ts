// Typed service errors: one code per thing that can go wrong for a client, the same code over
// HTTP (JSON body `{ error: { code, message, details } }` with the status below) and over the
// websocket (close frame with the close code below and the message as its reason).
//
// Websocket close codes 4000-4999 are reserved for applications (RFC 6455 §7.4.2); each code
// gets its own so that a client can tell them apart from the close frame alone. INTERNAL uses
// the standard 1011 ("server encountered an unexpected condition").

export const ERROR_CODES = [
  'BAD_REQUEST',
  'UNKNOWN_KEY',
  'KEY_REVOKED',
  'NO_PREFIXES',
  'SESSION_ALREADY_OPEN',
  'PREFIX_MALFORMED',
  'PREFIX_HOST_BITS',
  'PREFIX_TOO_SHORT',
  'TOO_MANY_PREFIXES',
  'RATE_LIMITED',
  'SLOW_CONSUMER',
  'INTERNAL'
] as const

export type ErrorCode = typeof ERROR_CODES[number]

export interface ErrorTransport {
  /** HTTP status of a response carrying this error. */
  http: number
  /** Websocket close code of a connection closed for this error. */
  ws: number
}

export const ERROR_TRANSPORT: Readonly<Record<ErrorCode, ErrorTransport>> = {
  BAD_REQUEST: { http: 400, ws: 4000 },
  UNKNOWN_KEY: { http: 401, ws: 4001 },
  KEY_REVOKED: { http: 403, ws: 4003 },
  NO_PREFIXES: { http: 409, ws: 4004 },
  SESSION_ALREADY_OPEN: { http: 409, ws: 4009 },
  PREFIX_MALFORMED: { http: 422, ws: 4020 },
  PREFIX_HOST_BITS: { http: 422, ws: 4021 },
  PREFIX_TOO_SHORT: { http: 422, ws: 4022 },
  TOO_MANY_PREFIXES: { http: 422, ws: 4023 },
  RATE_LIMITED: { http: 429, ws: 4029 },
  SLOW_CONSUMER: { http: 503, ws: 4030 },
  INTERNAL: { http: 500, ws: 1011 }
}

/** Largest close reason a websocket close frame can carry (RFC 6455 §5.5: 125-byte payload less the code). */
export const WS_CLOSE_REASON_MAX_BYTES = 123

export type ErrorDetails = Record<string, string | number | boolean | null | readonly string[]>

export interface ServiceErrorJson {
  code: ErrorCode
  message: string
  details?: ErrorDetails
}

interface ServiceErrorOptions {
  cause?: unknown
  details?: ErrorDetails
}

/** Base of every error a client can be told about. Subclasses set `static code`. */
export class ServiceError extends Error {
  static readonly code: ErrorCode = 'INTERNAL'

  readonly code: ErrorCode
  readonly httpStatus: number
  readonly wsCloseCode: number
  readonly details: ErrorDetails | undefined

  constructor (message: string, options: ServiceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    const code = (new.target as typeof ServiceError).code
    this.name = new.target.name
    this.code = code
    this.httpStatus = ERROR_TRANSPORT[code].http
    this.wsCloseCode = ERROR_TRANSPORT[code].ws
    this.details = options.details
  }

  /** What goes to the client: code, message, details; never the cause (it may hold internals). */
  toJSON (): ServiceErrorJson {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details }
  }

  /** The message cut to fit a websocket close frame, on a character boundary. */
  closeReason (): string {
    return truncateUtf8(this.message, WS_CLOSE_REASON_MAX_BYTES)
  }
}

export class BadRequestError extends ServiceError {
  static override readonly code = 'BAD_REQUEST'
}

export class UnknownKeyError extends ServiceError {
  static override readonly code = 'UNKNOWN_KEY'
  constructor (options: ServiceErrorOptions = {}) {
    super('The API key is not known to this service; check that it was copied whole, or ask the operator for a new one.', options)
  }
}

export class KeyRevokedError extends ServiceError {
  static override readonly code = 'KEY_REVOKED'
  constructor (keyId: string, options: ServiceErrorOptions = {}) {
    super(`API key ${keyId} has been revoked; ask the operator for a new one.`, { ...options, details: { keyId } })
  }
}

export class NoPrefixesError extends ServiceError {
  static override readonly code = 'NO_PREFIXES'
  constructor (keyId: string, options: ServiceErrorOptions = {}) {
    super(`API key ${keyId} has no prefixes associated (none were set, or they lapsed after a period without use); set them through the API, then connect again.`, { ...options, details: { keyId } })
  }
}

export class SessionAlreadyOpenError extends ServiceError {
  static override readonly code = 'SESSION_ALREADY_OPEN'
  constructor (keyId: string, maxSessions: number, options: ServiceErrorOptions = {}) {
    super(`API key ${keyId} already has ${maxSessions} session${maxSessions === 1 ? '' : 's'} open, its limit; close ${maxSessions === 1 ? 'it' : 'one'} first.`, { ...options, details: { keyId, maxSessions } })
  }
}

export class PrefixMalformedError extends ServiceError {
  static override readonly code = 'PREFIX_MALFORMED'
  constructor (input: string, reason: string, options: ServiceErrorOptions = {}) {
    super(`${JSON.stringify(input)} is not a prefix: ${reason}`, { ...options, details: { prefix: input } })
  }
}

export class PrefixHostBitsError extends ServiceError {
  static override readonly code = 'PREFIX_HOST_BITS'
  constructor (input: string, canonical: string, options: ServiceErrorOptions = {}) {
    super(`${input} has host bits set; did you mean ${canonical}?`, { ...options, details: { prefix: input, suggestion: canonical } })
  }
}

export class PrefixTooShortError extends ServiceError {
  static override readonly code = 'PREFIX_TOO_SHORT'
  constructor (prefix: string, minLength: number, options: ServiceErrorOptions = {}) {
    super(`${prefix} is shorter than /${minLength}, the shortest prefix this service accepts for its address family; split it into /${minLength} or longer prefixes.`, { ...options, details: { prefix, minLength } })
  }
}

export class TooManyPrefixesError extends ServiceError {
  static override readonly code = 'TOO_MANY_PREFIXES'
  constructor (count: number, maxPrefixes: number, options: ServiceErrorOptions = {}) {
    super(`${count} prefixes given, but this key allows at most ${maxPrefixes}; remove some or aggregate them, or ask the operator for a higher limit.`, { ...options, details: { count, maxPrefixes } })
  }
}

export class RateLimitedError extends ServiceError {
  static override readonly code = 'RATE_LIMITED'
  readonly retryAfterSeconds: number
  constructor (retryAfterSeconds: number, options: ServiceErrorOptions = {}) {
    super(`Too many requests; try again in ${retryAfterSeconds} s.`, { ...options, details: { retryAfterSeconds } })
    this.retryAfterSeconds = retryAfterSeconds
  }
}

export class SlowConsumerError extends ServiceError {
  static override readonly code = 'SLOW_CONSUMER'
  constructor (message = 'The connection fell too far behind the stream and was closed; read faster, or narrow the prefix list, then reconnect.', options: ServiceErrorOptions = {}) {
    super(message, options)
  }
}

export class InternalError extends ServiceError {
  static override readonly code = 'INTERNAL'
  constructor (message = 'Internal error; the operator has been told through the logs. Try again later.', options: ServiceErrorOptions = {}) {
    super(message, options)
  }
}

/** A class of service error: constructible, with its `static code`. */
export type ServiceErrorClass = (abstract new (...args: never[]) => ServiceError) & { readonly code: ErrorCode }

/** The class of each code (every code has exactly one). */
export const ERROR_CLASSES: Readonly<Record<ErrorCode, ServiceErrorClass>> = {
  BAD_REQUEST: BadRequestError,
  UNKNOWN_KEY: UnknownKeyError,
  KEY_REVOKED: KeyRevokedError,
  NO_PREFIXES: NoPrefixesError,
  SESSION_ALREADY_OPEN: SessionAlreadyOpenError,
  PREFIX_MALFORMED: PrefixMalformedError,
  PREFIX_HOST_BITS: PrefixHostBitsError,
  PREFIX_TOO_SHORT: PrefixTooShortError,
  TOO_MANY_PREFIXES: TooManyPrefixesError,
  RATE_LIMITED: RateLimitedError,
  SLOW_CONSUMER: SlowConsumerError,
  INTERNAL: InternalError
}

export function isErrorCode (value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value)
}

/** True for any ServiceError; with `code`, only for that code. */
export function isServiceError (value: unknown): value is ServiceError
export function isServiceError<C extends ErrorCode> (value: unknown, code: C): value is ServiceError & { code: C }
export function isServiceError (value: unknown, code?: ErrorCode): boolean {
  return value instanceof ServiceError && (code === undefined || value.code === code)
}

/** A ServiceError as is; anything else wrapped as INTERNAL with the original as `cause`. */
export function toServiceError (value: unknown): ServiceError {
  return value instanceof ServiceError ? value : new InternalError(undefined, { cause: value })
}

function truncateUtf8 (text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text
  let out = ''
  let bytes = 0
  for (const ch of text) {
    const n = Buffer.byteLength(ch)
    if (bytes + n > maxBytes - 3) break
    out += ch
    bytes += n
  }
  return out + '...'
}
