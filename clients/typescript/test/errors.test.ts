// The client's error codes and close codes are the server's (src/errors.ts), and each maps to its
// typed error from an HTTP body, an error frame or a close code alone.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { ERROR_CODES, ERROR_TRANSPORT } from '../../../src/errors.ts'
import {
  CLOSE_CODES, ConnectionError, InternalError, PrefixRejectedError, RateLimitedError, SessionAlreadyOpenError, SlowConsumerError,
  UnknownKeyError, codeOfClose, errorFromCode, errorFromFrame, errorFromHttp
} from '../src/errors.ts'

it('has every code of the server, with the server\'s close code', () => {
  assert.deepEqual(Object.keys(CLOSE_CODES).sort(), [...ERROR_CODES].sort())
  for (const code of ERROR_CODES) {
    assert.equal(CLOSE_CODES[code], ERROR_TRANSPORT[code].ws, code)
    assert.equal(codeOfClose(ERROR_TRANSPORT[code].ws), code)
    assert.equal(errorFromCode(code, 'm').code, code)
  }
  assert.equal(codeOfClose(1001), undefined)
})

it('maps an HTTP error body to its typed error', () => {
  const rejected = errorFromHttp(422, { error: { code: 'PREFIX_HOST_BITS', message: 'host bits', details: { prefix: '192.0.2.1/24', suggestion: '192.0.2.0/24' } } }, null)
  assert.ok(rejected instanceof PrefixRejectedError)
  assert.equal(rejected.reason, 'PREFIX_HOST_BITS')
  assert.equal(rejected.prefix, '192.0.2.1/24')
  assert.equal(rejected.suggestion, '192.0.2.0/24')
  assert.equal(rejected.status, 422)
  const limited = errorFromHttp(429, { error: { code: 'RATE_LIMITED', message: 'slow down' } }, '7')
  assert.ok(limited instanceof RateLimitedError)
  assert.equal(limited.retryAfterSeconds, 7)
  assert.ok(errorFromHttp(401, 'not json', null) instanceof UnknownKeyError)
  assert.ok(errorFromHttp(502, '<html>', null) instanceof InternalError)
  assert.ok(errorFromHttp(500, { error: { code: 'SOMETHING_NEW', message: 'x' } }, null) instanceof InternalError)
})

it('maps an error frame, or a close code alone, to its typed error', () => {
  const slow = errorFromFrame({ error: 'behind', code: 'SLOW_CONSUMER', last_seq: 4711 }, 4030)
  assert.ok(slow instanceof SlowConsumerError)
  assert.equal(slow.lastSeq, 4711)
  assert.equal(slow.closeCode, 4030)
  const session = errorFromFrame({ error: 'busy', code: 'SESSION_ALREADY_OPEN', details: { keyId: 'abc', maxSessions: 1 } }, 4009)
  assert.ok(session instanceof SessionAlreadyOpenError)
  assert.equal(session.details.maxSessions, 1)
  // The public client's bare form: the close code names it.
  assert.ok(errorFromFrame({ error: 'unknown' }, 4001) instanceof UnknownKeyError)
  assert.equal(new ConnectionError('x', { closeCode: 1006 }).closeCode, 1006)
})
