import assert from 'node:assert/strict'
import { createHash, createHmac } from 'node:crypto'
import { describe, it } from 'node:test'
import { apiKeyId, generateApiKey, hashApiKey, isApiKeyFormat, isApiKeyId } from '../../src/keys/api-key.ts'

describe('API keys', () => {
  it('are bgpl_ and 43 base64url characters carrying 32 random bytes', () => {
    const { key } = generateApiKey()
    assert.match(key, /^bgpl_[A-Za-z0-9_-]{43}$/)
    assert.equal(Buffer.from(key.slice(5), 'base64url').length, 32)
    assert.ok(isApiKeyFormat(key))
  })

  it('differ every time', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateApiKey().key))
    assert.equal(keys.size, 1000)
  })

  it('have a public id: 12 hex digits of SHA-256 over the key, not the key itself', () => {
    const { key, id } = generateApiKey()
    assert.equal(id, createHash('sha256').update(key).digest('hex').slice(0, 12))
    assert.equal(apiKeyId(key), id)
    assert.ok(isApiKeyId(id))
    assert.ok(!key.includes(id))
    assert.ok(!isApiKeyId('ABCDEF012345'))
    assert.ok(!isApiKeyId('abc'))
  })

  it('are hashed with HMAC-SHA-256 under the secret, so the secret matters', () => {
    const key = 'bgpl_' + Buffer.alloc(32, 7).toString('base64url')
    const secret = Buffer.alloc(32, 1)
    assert.equal(hashApiKey(key, secret), createHmac('sha256', secret).update(key).digest('hex'))
    assert.notEqual(hashApiKey(key, secret), hashApiKey(key, Buffer.alloc(32, 2)))
  })

  it('reject text that is not a key', () => {
    const body = Buffer.alloc(32, 0xff).toString('base64url')
    assert.ok(isApiKeyFormat('bgpl_' + body))
    for (const bad of ['', 'bgpl_', body, 'bgpx_' + body, 'bgpl_' + body.slice(1), 'bgpl_' + body + 'A', 'bgpl_' + body.slice(0, 42) + '!',
      // Last character with non-zero padding bits: decodes to the same bytes, but is not the canonical text.
      'bgpl_' + body.slice(0, 42) + '_']) {
      assert.ok(!isApiKeyFormat(bad), bad)
    }
  })
})
