import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  ERROR_CLASSES, ERROR_CODES, ERROR_TRANSPORT, InternalError, KeyRevokedError, PrefixHostBitsError, RateLimitedError,
  NoPrefixesError, ServiceError, SessionAlreadyOpenError, SlowConsumerError, TooManyPrefixesError, UnknownKeyError, WS_CLOSE_REASON_MAX_BYTES,
  isErrorCode, isServiceError, toServiceError
} from '../src/errors.ts'

describe('service errors', () => {
  it('have one class per code, whose static code is that code', () => {
    for (const code of ERROR_CODES) assert.equal(ERROR_CLASSES[code].code, code)
    assert.equal(new Set(Object.values(ERROR_CLASSES)).size, ERROR_CODES.length)
  })

  it('map each code to an HTTP error status and its own websocket close code', () => {
    const closeCodes = ERROR_CODES.map(c => ERROR_TRANSPORT[c].ws)
    assert.equal(new Set(closeCodes).size, ERROR_CODES.length, 'close codes are distinct')
    for (const code of ERROR_CODES) {
      const { http, ws } = ERROR_TRANSPORT[code]
      assert.ok(http >= 400 && http <= 599, `${code} http ${http}`)
      assert.ok((ws >= 4000 && ws <= 4999) || (code === 'INTERNAL' && ws === 1011), `${code} ws ${ws}`)
    }
    assert.equal(ERROR_TRANSPORT.UNKNOWN_KEY.http, 401)
    assert.equal(ERROR_TRANSPORT.RATE_LIMITED.http, 429)
    assert.equal(ERROR_TRANSPORT.INTERNAL.http, 500)
  })

  it('carry code, statuses, an actionable message and details on each instance', () => {
    const err = new PrefixHostBitsError('192.0.2.1/24', '192.0.2.0/24')
    assert.ok(err instanceof ServiceError)
    assert.ok(err instanceof Error)
    assert.equal(err.name, 'PrefixHostBitsError')
    assert.equal(err.code, 'PREFIX_HOST_BITS')
    assert.equal(err.httpStatus, 422)
    assert.equal(err.wsCloseCode, ERROR_TRANSPORT.PREFIX_HOST_BITS.ws)
    assert.equal(err.message, '192.0.2.1/24 has host bits set; did you mean 192.0.2.0/24?')
    assert.deepEqual(err.toJSON(), { code: 'PREFIX_HOST_BITS', message: err.message, details: { prefix: '192.0.2.1/24', suggestion: '192.0.2.0/24' } })
    assert.deepEqual(new TooManyPrefixesError(12, 10).details, { count: 12, maxPrefixes: 10 })
    assert.equal(new RateLimitedError(30).retryAfterSeconds, 30)
    assert.match(new SessionAlreadyOpenError('0123456789ab', 1).message, /already has 1 session open, its limit; close it first/)
    assert.match(new SessionAlreadyOpenError('0123456789ab', 3).message, /already has 3 sessions open, its limit; close one first/)
    assert.match(new KeyRevokedError('0123456789ab').message, /0123456789ab has been revoked/)
  })

  it('keep the cause, and leave it out of what the client sees', () => {
    const cause = new Error('connection refused at 10.0.0.5')
    const err = new InternalError(undefined, { cause })
    assert.equal(err.cause, cause)
    assert.deepEqual(Object.keys(err.toJSON()), ['code', 'message'])
    assert.ok(!JSON.stringify(err).includes('10.0.0.5'))
  })

  it('are recognised by the type guards', () => {
    const err = new UnknownKeyError()
    assert.ok(isServiceError(err))
    assert.ok(isServiceError(err, 'UNKNOWN_KEY'))
    assert.ok(!isServiceError(err, 'KEY_REVOKED'))
    assert.ok(!isServiceError(new Error('x')))
    assert.ok(!isServiceError({ code: 'UNKNOWN_KEY' }))
    assert.ok(isErrorCode('SLOW_CONSUMER'))
    assert.ok(!isErrorCode('slow_consumer'))
    assert.ok(!isErrorCode(4))
  })

  it('wrap anything else as INTERNAL', () => {
    const err = new SlowConsumerError()
    assert.equal(toServiceError(err), err)
    const wrapped = toServiceError(new TypeError('boom'))
    assert.equal(wrapped.code, 'INTERNAL')
    assert.ok(wrapped.cause instanceof TypeError)
  })

  it('fit a websocket close frame, cutting on a character boundary', () => {
    const long = new NoPrefixesError('0123456789ab')
    assert.ok(Buffer.byteLength(long.message) > WS_CLOSE_REASON_MAX_BYTES, 'this message is long enough to need cutting')
    const reason = long.closeReason()
    assert.ok(Buffer.byteLength(reason) <= WS_CLOSE_REASON_MAX_BYTES)
    assert.ok(reason.endsWith('...'))
    assert.ok(long.message.startsWith(reason.slice(0, -3)))
    const accented = new InternalError('é'.repeat(100))
    assert.ok(Buffer.byteLength(accented.closeReason()) <= WS_CLOSE_REASON_MAX_BYTES)
    assert.ok(!accented.closeReason().includes('\uFFFD'))
    assert.equal(new InternalError('brief').closeReason(), 'brief')
  })
})
