// serve's settings: defaults, then the config file, the environment and flags, each winning over
// the one before; bad values refused naming the setting.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { parseDuration } from '../../src/service/duration.ts'
import { resolveServeConfig } from '../../src/service/serve-config.ts'
import { ConfigError } from '../../src/sources/bgp/collector-config.ts'

it('has the documented defaults', () => {
  const c = resolveServeConfig({}, {}, {})
  assert.equal(c.dataDir, './data')
  assert.equal(c.databaseUrl, undefined)
  assert.deepEqual(c.listenHttp, { host: '127.0.0.1', port: 8080 })
  assert.equal(c.listenWs, undefined)
  assert.deepEqual(c.collector.listen, [{ host: '127.0.0.1', port: 1179 }])
  assert.equal(c.listenBmp, '127.0.0.1:11019')
  assert.equal(c.idleTimeoutMs, 4 * 3600_000)
  assert.equal(c.expiryIntervalMs, 60_000)
  assert.equal(c.logLevel, 'info')
  assert.deepEqual(c.replay, [])
  assert.equal(c.replaySpeed, 'max')
  assert.equal(c.shutdownTimeoutMs, 10_000)
  assert.deepEqual(c.stream, { maxBufferedBytes: 1048576, maxQueuedBytes: 8388608, pingIntervalMs: 30_000, renewIntervalMs: 30_000, closeTimeoutMs: 5000 })
  assert.deepEqual(c.deliveryLog, {})
  assert.equal(c.ingestThread, true)
})

it('runs the ingest thread unless the environment or the config file says off', () => {
  assert.equal(resolveServeConfig({}, {}, { ingestThread: false }).ingestThread, false)
  assert.equal(resolveServeConfig({}, {}, { ingestThread: true }).ingestThread, true)
  assert.equal(resolveServeConfig({}, { BGPL_INGEST_THREAD: 'off' }, { ingestThread: true }).ingestThread, false)
  assert.equal(resolveServeConfig({}, { BGPL_INGEST_THREAD: 'on' }, { ingestThread: false }).ingestThread, true)
  assert.throws(() => resolveServeConfig({}, { BGPL_INGEST_THREAD: 'no' }, {}), (e: unknown) => e instanceof ConfigError && /BGPL_INGEST_THREAD must be on or off/.test(e.message))
  assert.throws(() => resolveServeConfig({}, {}, { ingestThread: 'off' }), (e: unknown) => e instanceof ConfigError && /ingestThread must be true or false/.test(e.message))
})

it('takes flags over the environment over the config file', () => {
  const file = { dataDir: 'file', listenHttp: '127.0.0.2:1', idleTimeout: '1h', logLevel: 'warn', listenBmp: 'none', collector: { listen: ['127.0.0.3:3'], localAs: 65001 }, stream: { pingInterval: '5s', maxQueuedBytes: 100 }, deliveryLog: { maxFramesPerKey: 5 } }
  const fromFile = resolveServeConfig({}, {}, file)
  assert.equal(fromFile.dataDir, 'file')
  assert.deepEqual(fromFile.listenHttp, { host: '127.0.0.2', port: 1 })
  assert.equal(fromFile.idleTimeoutMs, 3600_000)
  assert.equal(fromFile.logLevel, 'warn')
  assert.equal(fromFile.listenBmp, undefined)
  assert.deepEqual(fromFile.collector.listen, [{ host: '127.0.0.3', port: 3 }])
  assert.equal(fromFile.collector.localAs, 65001)
  assert.equal(fromFile.stream.pingIntervalMs, 5000)
  assert.equal(fromFile.stream.maxQueuedBytes, 100)
  assert.deepEqual(fromFile.deliveryLog, { maxFramesPerKey: 5 })

  const env = { BGPL_DATA_DIR: 'env', BGPL_LISTEN_HTTP: '127.0.0.4:4', BGPL_IDLE_TIMEOUT: '30m', LOG_LEVEL: 'error', BGPL_LISTEN_BGP: '127.0.0.5:5, 127.0.0.6:6', DATABASE_URL: 'postgres://x@127.0.0.1/db', BGPL_LISTEN_WS: '127.0.0.7:7' }
  const fromEnv = resolveServeConfig({}, env, file)
  assert.equal(fromEnv.dataDir, 'env')
  assert.deepEqual(fromEnv.listenHttp, { host: '127.0.0.4', port: 4 })
  assert.deepEqual(fromEnv.listenWs, { host: '127.0.0.7', port: 7 })
  assert.equal(fromEnv.idleTimeoutMs, 1800_000)
  assert.equal(fromEnv.logLevel, 'error')
  assert.deepEqual(fromEnv.collector.listen, [{ host: '127.0.0.5', port: 5 }, { host: '127.0.0.6', port: 6 }])
  assert.equal(fromEnv.collector.localAs, 65001)
  assert.equal(fromEnv.databaseUrl, 'postgres://x@127.0.0.1/db')

  const fromFlags = resolveServeConfig({ 'data-dir': 'flag', 'listen-http': '[::1]:8', 'idle-timeout': '90s', 'log-level': 'debug', 'listen-bgp': ['none'], 'listen-ws': '[::1]:8', replay: ['a.gz'], 'replay-speed': '2.5' }, env, file)
  assert.equal(fromFlags.dataDir, 'flag')
  assert.deepEqual(fromFlags.listenHttp, { host: '::1', port: 8 })
  assert.equal(fromFlags.listenWs, undefined) // the same address: one port
  assert.equal(fromFlags.idleTimeoutMs, 90_000)
  assert.equal(fromFlags.logLevel, 'debug')
  assert.deepEqual(fromFlags.collector.listen, [])
  assert.deepEqual(fromFlags.replay, ['a.gz'])
  assert.equal(fromFlags.replaySpeed, 2.5)
})

it('refuses bad settings, naming them', () => {
  const refused = (flags: object, env: Record<string, string>, file: unknown, message: RegExp): void => {
    assert.throws(() => resolveServeConfig(flags, env, file), (e: unknown) => e instanceof ConfigError && message.test(e.message))
  }
  refused({}, {}, { listenHttps: 'x' }, /unknown setting "listenHttps"/)
  refused({}, {}, { stream: { ping: 1 } }, /unknown setting stream.ping/)
  refused({}, {}, { stream: { maxQueuedBytes: -1 } }, /stream.maxQueuedBytes must be a whole number/)
  refused({}, {}, [], /expected a JSON object/)
  refused({ 'idle-timeout': '4 hours' }, {}, {}, /idle timeout/)
  refused({ 'replay-speed': 'fast' }, {}, {}, /replay speed/)
  refused({}, { BGPL_LISTEN_HTTP: 'example.org:80' }, {}, /not an IP address/)
  refused({}, {}, { collector: { localAs: 'x' } }, /collector: localAs/)
  refused({}, {}, { replay: 'a.gz' }, /replay must be a list/)
})

it('parses durations', () => {
  assert.equal(parseDuration('500ms', 'x'), 500)
  assert.equal(parseDuration('90', 'x'), 90_000)
  assert.equal(parseDuration('1.5s', 'x'), 1500)
  assert.equal(parseDuration('30m', 'x'), 1_800_000)
  assert.equal(parseDuration('4h', 'x'), 14_400_000)
  assert.equal(parseDuration('1d', 'x'), 86_400_000)
  assert.throws(() => parseDuration('-1s', 'x'), RangeError)
  assert.throws(() => parseDuration('4 h', 'x'), RangeError)
  assert.throws(() => parseDuration('400d', 'x'), RangeError)
})
