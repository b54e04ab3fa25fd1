// The gateway's own frames (error and gap) against schema/control-frame.schema.json, and the
// public client's rule: neither can be taken for an announcement, neither is numbered.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { ERROR_CLASSES, ERROR_CODES, SessionAlreadyOpenError, SlowConsumerError, UnknownKeyError } from '../../src/errors.ts'
import type { ServiceError } from '../../src/errors.ts'
import { errorFrame, gapFrame } from '../../src/gateway/control-frames.ts'

const schema = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../schema/control-frame.schema.json'), 'utf8')) as object
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema)

function valid (text: string): Record<string, unknown> {
  const frame = JSON.parse(text) as Record<string, unknown>
  assert.ok(validate(frame), text + ' ' + JSON.stringify(validate.errors))
  assert.equal('prefixes' in frame, false, 'a control frame never carries prefixes')
  assert.equal('seq' in frame, false, 'a control frame is not numbered')
  return frame
}

test('an error frame of every error code matches the schema', () => {
  for (const code of ERROR_CODES) {
    const ErrorClass = ERROR_CLASSES[code] as unknown as new (message?: string) => ServiceError
    const frame = valid(errorFrame(new ErrorClass('something a person can act on')))
    assert.equal(frame.code, code)
  }
  const slow = valid(errorFrame(new SlowConsumerError(), { last_seq: 4711 }))
  assert.equal(slow.last_seq, 4711)
  const unknownKey = new UnknownKeyError()
  const unknown = valid(errorFrame(unknownKey))
  assert.equal(unknown.error, unknownKey.message)
  const twice = valid(errorFrame(new SessionAlreadyOpenError('3f2a9c1b0d4e', 1)))
  assert.deepEqual(twice.details, { keyId: '3f2a9c1b0d4e', maxSessions: 1 })
})

test('gap frames of both reasons match the schema; anything else does not', () => {
  valid(gapFrame('too_old', 2, 8, 10))
  valid(gapFrame('reset', 5, 1, 3))
  assert.equal(validate({ record_type: 'gap', reason: 'lost', since: 1, first_seq: 2, last_seq: 3 }), false)
  assert.equal(validate({ error: 'x', code: 'NOT_A_CODE' }), false)
})

test('the schema names exactly the error codes of src/errors.ts', () => {
  const defs = (schema as { $defs: { error: { properties: { code: { enum: string[] } } } } }).$defs
  assert.deepEqual(defs.error.properties.code.enum, [...ERROR_CODES])
})
