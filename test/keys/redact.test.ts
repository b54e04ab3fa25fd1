import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generateApiKey } from '../../src/keys/api-key.ts'
import { redactHeaders, redactKeys, redactUrl } from '../../src/keys/redact.ts'

const { key } = generateApiKey()

describe('redaction', () => {
  it('removes key-shaped tokens from free text, truncated ones too', () => {
    const out = redactKeys(`auth failed for ${key} and bgpl_abc-_9 (twice: ${key})`)
    assert.ok(!out.includes(key.slice(5)))
    assert.equal(out, 'auth failed for bgpl_[redacted] and bgpl_[redacted] (twice: bgpl_[redacted])')
  })

  it('removes secret query parameters whatever their value, and keys anywhere in a URL', () => {
    assert.equal(redactUrl(`/v1/stream?prefixes=192.0.2.0/24&key=${key}&x=1`), '/v1/stream?prefixes=192.0.2.0/24&key=[redacted]&x=1')
    assert.equal(redactUrl('wss://h.example/s?API_KEY=notakeyshape&token=t#frag'), 'wss://h.example/s?API_KEY=[redacted]&token=[redacted]#frag')
    assert.equal(redactUrl('/s?api%5Fkey=v'), '/s?api%5Fkey=[redacted]')
    assert.equal(redactUrl(`/keys/${key}/prefixes`), '/keys/bgpl_[redacted]/prefixes')
    assert.equal(redactUrl(`/s?q=${key}`), '/s?q=bgpl_[redacted]')
    assert.equal(redactUrl('/s?flag&bad=%E0%A4%A'), '/s?flag&bad=%E0%A4%A')
    assert.equal(redactUrl('/plain/path'), '/plain/path')
  })

  it('replaces secret headers and keys in the others', () => {
    assert.deepEqual(redactHeaders({
      Authorization: `Bearer ${key}`,
      'x-api-key': 'anything',
      referer: `https://h.example/?key=${key}`,
      'x-forwarded-for': ['192.0.2.1', key],
      'content-length': 3
    }), {
      Authorization: '[redacted]',
      'x-api-key': '[redacted]',
      referer: 'https://h.example/?key=bgpl_[redacted]',
      'x-forwarded-for': ['192.0.2.1', 'bgpl_[redacted]'],
      'content-length': 3
    })
  })
})
