import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BgpDecodeError, ErrorAction, errorActionName, isBgpDecodeError, strongerError } from '../../../src/codec/bgp/errors.ts'

const withAction = (action: typeof ErrorAction[keyof typeof ErrorAction]): BgpDecodeError => new BgpDecodeError(3, 1, 'x', { action })

test('strongerError keeps the most severe action, the first on a tie (RFC 7606 §2)', () => {
  const discard = withAction(ErrorAction.ATTRIBUTE_DISCARD)
  const withdraw = withAction(ErrorAction.TREAT_AS_WITHDRAW)
  const withdraw2 = withAction(ErrorAction.TREAT_AS_WITHDRAW)
  assert.equal(strongerError(undefined, discard), discard)
  assert.equal(strongerError(discard, withdraw), withdraw)
  assert.equal(strongerError(withdraw, discard), withdraw)
  assert.equal(strongerError(withdraw, withdraw2), withdraw)
})

test('defaults: session reset, empty data', () => {
  const error = new BgpDecodeError(1, 2, 'bad length')
  assert.equal(error.action, ErrorAction.SESSION_RESET)
  assert.equal(error.data.length, 0)
  assert.equal(error.name, 'BgpDecodeError')
  assert.ok(isBgpDecodeError(error))
  assert.ok(!isBgpDecodeError(new Error('x')))
  assert.equal(errorActionName(ErrorAction.TREAT_AS_WITHDRAW), 'treat-as-withdraw')
})
