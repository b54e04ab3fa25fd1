import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ConfigError, parseListenAddress, resolveConfig } from '../../../src/sources/bgp/collector-config.ts'
import { anyContains, cidrContains, parseCidr } from '../../../src/sources/bgp/cidr.ts'
import { backoffDelay } from '../../../src/sources/bgp/connector.ts'

test('defaults: listen on 127.0.0.1:1179, accept loopback only', () => {
  const c = resolveConfig({})
  assert.deepEqual(c.listen, [{ host: '127.0.0.1', port: 1179 }])
  assert.deepEqual(c.accept.map((a) => a.text), ['127.0.0.0/8', '::1/128'])
  assert.equal(c.peerDefaults.holdTime, 90)
  assert.deepEqual(c.peers, [])
  assert.deepEqual(c.queue, { capacity: 100000, highWaterMark: 25000, lowWaterMark: 12500, maxPauseMs: 60000 })
})

test('peers get the defaults, overridden per peer', () => {
  const c = resolveConfig({ peerDefaults: { holdTime: 30, addPath: false }, peers: [{ address: '192.0.2.1', remoteAs: 64500, passive: false, holdTime: 0, families: ['ipv6-unicast'] }, { address: '2001:db8::1' }] })
  assert.deepEqual([c.peers[0].holdTime, c.peers[0].addPath, c.peers[0].passive, c.peers[0].families, c.peers[0].remoteAs], [0, false, false, ['ipv6-unicast'], 64500])
  assert.deepEqual([c.peers[1].holdTime, c.peers[1].remoteAs, c.peers[1].passive, c.peers[1].port], [30, 'any', true, 179])
})

test('errors name the field', () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ peers: [{ address: 'x' }] }, /peers\[0\]\.address: "x" is not an IP address/],
    [{ peers: [{ address: '192.0.2.1', holdTime: 1 }] }, /peers\[0\]\.holdTime/],
    [{ peers: [{ address: '192.0.2.1' }, { address: '192.0.2.1' }] }, /configured twice/],
    [{ accept: ['10.0.0.0/33'] }, /accept\[0\]/],
    [{ listen: ['1.2.3.4'] }, /bad listen address/],
    [{ routerId: '::1' }, /routerId/],
    [{ bogus: 1 }, /unknown field "bogus"/],
    [{ peerDefaults: { families: ['ipv4-flowspec'] } }, /peerDefaults\.families\[0\]/],
    [{ queue: { capacity: 10, highWaterMark: 20 } }, /queue\.highWaterMark/]
  ]
  for (const [json, message] of cases) assert.throws(() => resolveConfig(json), (e: unknown) => e instanceof ConfigError && message.test(e.message))
})

test('listen addresses', () => {
  assert.deepEqual(parseListenAddress('[::1]:179'), { host: '::1', port: 179 })
  assert.deepEqual(parseListenAddress(':179'), { host: '::', port: 179 })
  assert.deepEqual(parseListenAddress('0.0.0.0:0'), { host: '0.0.0.0', port: 0 })
  assert.throws(() => parseListenAddress('::1:179'), ConfigError)
  assert.throws(() => parseListenAddress('127.0.0.1:65536'), ConfigError)
})

test('CIDR matching, IPv4-mapped addresses included', () => {
  const c = parseCidr('10.1.2.0/23')
  assert.equal(cidrContains(c, '10.1.3.255'), true)
  assert.equal(cidrContains(c, '10.1.4.0'), false)
  assert.equal(cidrContains(c, '::ffff:10.1.2.9'), true)
  assert.equal(cidrContains(parseCidr('2001:db8::/33'), '2001:db8:7fff::1'), true)
  assert.equal(cidrContains(parseCidr('2001:db8::/33'), '2001:db8:8000::1'), false)
  assert.equal(anyContains([parseCidr('::1')], '127.0.0.1'), false)
  assert.equal(cidrContains(parseCidr('0.0.0.0/0'), '203.0.113.9'), true)
})

test('connect retry backoff doubles up to the maximum', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 10, 100].map((n) => backoffDelay(n, 1000, 10_000)), [1000, 2000, 4000, 8000, 10_000, 10_000, 10_000, 10_000])
})
