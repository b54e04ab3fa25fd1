// kafkaSettingsFromEnv: every setting parsed from the environment, its default, and the ConfigError
// that names what is wrong. Pure: no broker.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { clientOptions, kafkaSettingsFromEnv } from '../../src/kafka/kafka-settings.ts'
import { ConfigError } from '../../src/sources/bgp/collector-config.ts'

const B = { BGPL_KAFKA_BROKERS: '127.0.0.1:9092' }

function fails (env: Record<string, string | undefined>, message: string | RegExp, flags?: { brokers?: string }): void {
  assert.throws(() => kafkaSettingsFromEnv(env, flags), (error: unknown) => {
    assert.ok(error instanceof ConfigError, `not a ConfigError: ${String(error)}`)
    if (typeof message === 'string') assert.equal(error.message, message)
    else assert.match(error.message, message)
    return true
  })
}

test('defaults: only the brokers are needed', () => {
  const s = kafkaSettingsFromEnv(B)
  assert.deepEqual(s, {
    brokers: ['127.0.0.1:9092'],
    topicPrefix: 'bgproutes-live',
    tls: undefined,
    sasl: undefined,
    replication: -1,
    recordPartitions: 12,
    recordRetentionMs: 3_600_000,
    keyRetentionMs: 86_400_000
  })
})

test('brokers: a comma-separated list, trimmed, empty items ignored; IPv6 in brackets; the flag wins over the environment', () => {
  assert.deepEqual(kafkaSettingsFromEnv({ BGPL_KAFKA_BROKERS: ' a.example:9092 , ,[2001:db8::1]:9093,10.0.0.1:65535,' }).brokers,
    ['a.example:9092', '[2001:db8::1]:9093', '10.0.0.1:65535'])
  assert.deepEqual(kafkaSettingsFromEnv({ BGPL_KAFKA_BROKERS: 'env:1' }, { brokers: 'flag:2,flag:3' }).brokers, ['flag:2', 'flag:3'])
  // A flag given empty does not fall back to the environment.
  fails({ BGPL_KAFKA_BROKERS: 'env:1' }, 'Kafka brokers are not set: give --kafka host:port[,host:port...] or BGPL_KAFKA_BROKERS', { brokers: '' })
})

test('brokers: missing, empty or malformed are ConfigErrors naming the broker', () => {
  const missing = 'Kafka brokers are not set: give --kafka host:port[,host:port...] or BGPL_KAFKA_BROKERS'
  fails({}, missing)
  fails({ BGPL_KAFKA_BROKERS: '' }, missing)
  fails({ BGPL_KAFKA_BROKERS: ' , ,' }, missing)
  for (const bad of ['localhost', 'localhost:', ':9092', 'host:0', 'host:65536', 'host:123456', 'host:port', '2001:db8::1:9092', 'a:b:9092', '[2001:db8::1]', 'host:-1']) {
    fails({ BGPL_KAFKA_BROKERS: `ok:1,${bad}` }, `Kafka broker ${JSON.stringify(bad)} is not host:port`)
  }
})

test('topic prefix: default, accepted characters, and the error', () => {
  assert.equal(kafkaSettingsFromEnv({ ...B, BGPL_KAFKA_TOPIC_PREFIX: 'a.B_c-9' }).topicPrefix, 'a.B_c-9')
  assert.equal(kafkaSettingsFromEnv({ ...B, BGPL_KAFKA_TOPIC_PREFIX: 'x'.repeat(100) }).topicPrefix, 'x'.repeat(100))
  for (const bad of ['', 'a b', 'a/b', 'a:b', 'é', 'x'.repeat(101)]) {
    fails({ ...B, BGPL_KAFKA_TOPIC_PREFIX: bad }, `BGPL_KAFKA_TOPIC_PREFIX must be 1 to 100 of A-Z a-z 0-9 . _ -, not ${JSON.stringify(bad)}`)
  }
})

test('TLS: "1" or "true" for the system CAs; a CA file is read and implies TLS; an unreadable one is a ConfigError', (t) => {
  assert.deepEqual(kafkaSettingsFromEnv({ ...B, BGPL_KAFKA_TLS: '1' }).tls, {})
  assert.deepEqual(kafkaSettingsFromEnv({ ...B, BGPL_KAFKA_TLS: 'true' }).tls, {})
  assert.equal(kafkaSettingsFromEnv({ ...B, BGPL_KAFKA_TLS: '0' }).tls, undefined)
  assert.equal(kafkaSettingsFromEnv({ ...B, BGPL_KAFKA_TLS: 'yes' }).tls, undefined)
  assert.equal(kafkaSettingsFromEnv({ ...B, BGPL_KAFKA_TLS: '', BGPL_KAFKA_TLS_CA: '' }).tls, undefined)
  const dir = mkdtempSync(join(tmpdir(), 'bgpl-kafka-settings-'))
  t.after(() => { rmSync(dir, { recursive: true, force: true }) })
  const ca = join(dir, 'ca.pem')
  writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nnot really\n-----END CERTIFICATE-----\n')
  const tls = kafkaSettingsFromEnv({ ...B, BGPL_KAFKA_TLS_CA: ca }).tls
  assert.ok(tls !== undefined)
  assert.ok(Buffer.isBuffer(tls.ca))
  assert.equal((tls.ca as Buffer).toString(), '-----BEGIN CERTIFICATE-----\nnot really\n-----END CERTIFICATE-----\n')
  const missing = join(dir, 'missing.pem')
  fails({ ...B, BGPL_KAFKA_TLS_CA: missing }, new RegExp(`^BGPL_KAFKA_TLS_CA: cannot read ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ENOENT`))
  fails({ ...B, BGPL_KAFKA_TLS: '1', BGPL_KAFKA_TLS_CA: dir }, /^BGPL_KAFKA_TLS_CA: cannot read .*: EISDIR/)
})

test('SASL: the three mechanisms with a username; password may be empty; errors for others and a missing username', () => {
  for (const mechanism of ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
    assert.deepEqual(kafkaSettingsFromEnv({ ...B, BGPL_KAFKA_SASL_MECHANISM: mechanism, BGPL_KAFKA_SASL_USERNAME: 'u', BGPL_KAFKA_SASL_PASSWORD: 'p' }).sasl,
      { mechanism, username: 'u', password: 'p' })
  }
  assert.deepEqual(kafkaSettingsFromEnv({ ...B, BGPL_KAFKA_SASL_MECHANISM: 'PLAIN', BGPL_KAFKA_SASL_USERNAME: 'u' }).sasl, { mechanism: 'PLAIN', username: 'u', password: '' })
  assert.equal(kafkaSettingsFromEnv({ ...B, BGPL_KAFKA_SASL_MECHANISM: '', BGPL_KAFKA_SASL_USERNAME: 'u' }).sasl, undefined)
  // A username without a mechanism is ignored.
  assert.equal(kafkaSettingsFromEnv({ ...B, BGPL_KAFKA_SASL_USERNAME: 'u' }).sasl, undefined)
  for (const bad of ['plain', 'OAUTHBEARER', 'GSSAPI', 'SCRAM-SHA-1']) {
    fails({ ...B, BGPL_KAFKA_SASL_MECHANISM: bad, BGPL_KAFKA_SASL_USERNAME: 'u' }, `BGPL_KAFKA_SASL_MECHANISM must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, not ${JSON.stringify(bad)}`)
  }
  const noUser = 'BGPL_KAFKA_SASL_USERNAME is required with BGPL_KAFKA_SASL_MECHANISM'
  fails({ ...B, BGPL_KAFKA_SASL_MECHANISM: 'PLAIN' }, noUser)
  fails({ ...B, BGPL_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256', BGPL_KAFKA_SASL_USERNAME: '', BGPL_KAFKA_SASL_PASSWORD: 'p' }, noUser)
})

test('replication and record partitions: whole numbers of at least 1; empty means the default', () => {
  const s = kafkaSettingsFromEnv({ ...B, BGPL_KAFKA_REPLICATION: '3', BGPL_KAFKA_RECORD_PARTITIONS: '48' })
  assert.equal(s.replication, 3)
  assert.equal(s.recordPartitions, 48)
  const e = kafkaSettingsFromEnv({ ...B, BGPL_KAFKA_REPLICATION: '', BGPL_KAFKA_RECORD_PARTITIONS: '' })
  assert.equal(e.replication, -1)
  assert.equal(e.recordPartitions, 12)
  assert.equal(kafkaSettingsFromEnv({ ...B, BGPL_KAFKA_RECORD_PARTITIONS: '1' }).recordPartitions, 1)
  for (const name of ['BGPL_KAFKA_REPLICATION', 'BGPL_KAFKA_RECORD_PARTITIONS']) {
    for (const bad of ['0', '-1', '1.5', 'abc', '3x', 'NaN', 'Infinity', '9007199254740993']) {
      fails({ ...B, [name]: bad }, `${name} must be a whole number of at least 1, not ${JSON.stringify(bad)}`)
    }
  }
})

test('retentions: durations with units or bare seconds; an invalid one is a ConfigError naming the setting', () => {
  const s = kafkaSettingsFromEnv({ ...B, BGPL_KAFKA_RECORD_RETENTION: '90s', BGPL_KAFKA_KEY_RETENTION: '2d' })
  assert.equal(s.recordRetentionMs, 90_000)
  assert.equal(s.keyRetentionMs, 172_800_000)
  assert.equal(kafkaSettingsFromEnv({ ...B, BGPL_KAFKA_RECORD_RETENTION: '30' }).recordRetentionMs, 30_000)
  assert.equal(kafkaSettingsFromEnv({ ...B, BGPL_KAFKA_KEY_RETENTION: '500ms' }).keyRetentionMs, 500)
  assert.equal(kafkaSettingsFromEnv({ ...B, BGPL_KAFKA_KEY_RETENTION: '' }).keyRetentionMs, 86_400_000)
  for (const name of ['BGPL_KAFKA_RECORD_RETENTION', 'BGPL_KAFKA_KEY_RETENTION']) {
    fails({ ...B, [name]: '1 week' }, `${name}: "1 week" is not a duration (e.g. 500ms, 90s, 30m, 4h, 1d)`)
    fails({ ...B, [name]: '-5s' }, `${name}: "-5s" is not a duration (e.g. 500ms, 90s, 30m, 4h, 1d)`)
    fails({ ...B, [name]: '400d' }, `${name}: "400d" is out of range`)
  }
})

test('clientOptions: brokers, client id, TLS and SASL only when set, bounded retries and timeouts, no topic auto-creation', () => {
  const plain = clientOptions(kafkaSettingsFromEnv(B), 'cid')
  assert.deepEqual(plain, { clientId: 'cid', bootstrapBrokers: ['127.0.0.1:9092'], retries: 10, retryDelay: 250, connectTimeout: 5_000, requestTimeout: 30_000, metadataMaxAge: 300_000, autocreateTopics: false })
  assert.equal('tls' in plain, false)
  assert.equal('sasl' in plain, false)
  const secured = clientOptions(kafkaSettingsFromEnv({ ...B, BGPL_KAFKA_TLS: '1', BGPL_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', BGPL_KAFKA_SASL_USERNAME: 'u', BGPL_KAFKA_SASL_PASSWORD: 'p' }), 'cid')
  assert.deepEqual(secured.tls, {})
  assert.deepEqual(secured.sasl, { mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p' })
})
