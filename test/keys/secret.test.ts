import assert from 'node:assert/strict'
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { KeySecretError, keySecretFingerprint, loadKeySecret } from '../../src/keys/secret.ts'

describe('key secret', () => {
  let dir: string
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'bgpl-secret-')) })
  afterEach(() => { rmSync(dir, { recursive: true, force: true }) })

  it('comes from BGPL_KEY_SECRET when set, and nothing is written', () => {
    const value = 'x'.repeat(40)
    const s = loadKeySecret({ env: { BGPL_KEY_SECRET: value }, dataDir: join(dir, 'data'), allowGenerate: true })
    assert.deepEqual(Buffer.from(s.bytes), Buffer.from(value))
    assert.equal(s.source, 'BGPL_KEY_SECRET')
    assert.throws(() => statSync(join(dir, 'data')), { code: 'ENOENT' })
  })

  it('refuses a short one', () => {
    assert.throws(() => loadKeySecret({ env: { BGPL_KEY_SECRET: 'short' }, dataDir: dir, allowGenerate: true }), KeySecretError)
  })

  it('is generated once into the data dir with mode 0600, then read back', () => {
    const dataDir = join(dir, 'data')
    const first = loadKeySecret({ env: {}, dataDir, allowGenerate: true })
    const path = join(dataDir, 'key-secret')
    assert.equal(first.source, path)
    assert.equal(statSync(path).mode & 0o777, 0o600)
    assert.equal(statSync(dataDir).mode & 0o777, 0o700)
    assert.ok(first.bytes.length >= 32)
    assert.equal(readFileSync(path, 'utf8').trim(), Buffer.from(first.bytes).toString('utf8'))
    const second = loadKeySecret({ env: {}, dataDir, allowGenerate: true })
    assert.deepEqual(second.bytes, first.bytes)
  })

  it('is required from the environment when it may not be generated (PostgreSQL)', () => {
    assert.throws(() => loadKeySecret({ env: {}, dataDir: dir, allowGenerate: false }), /BGPL_KEY_SECRET is not set/)
  })

  it('refuses a secret file others can read', () => {
    const path = join(dir, 'key-secret')
    writeFileSync(path, 'y'.repeat(64), { mode: 0o600 })
    chmodSync(path, 0o644)
    assert.throws(() => loadKeySecret({ env: {}, dataDir: dir, allowGenerate: true }), /chmod 600/)
  })

  it('has a fingerprint that differs between secrets and shows nothing of them', () => {
    const a = keySecretFingerprint(Buffer.alloc(32, 1))
    assert.match(a, /^[0-9a-f]{16}$/)
    assert.equal(keySecretFingerprint(Buffer.alloc(32, 1)), a)
    assert.notEqual(keySecretFingerprint(Buffer.alloc(32, 2)), a)
  })
})
