import { test } from 'node:test'
import assert from 'node:assert/strict'
import { familyName, formatCommunity, maskPrefix, toHex } from '../../src/record/format.ts'

test('maskPrefix clears the bits past the length, IPv4 and IPv6', () => {
  assert.equal(maskPrefix('11.13.0.0/13'), '11.8.0.0/13')
  assert.equal(maskPrefix('192.0.2.255/32'), '192.0.2.255/32')
  assert.equal(maskPrefix('192.0.2.255/0'), '0.0.0.0/0')
  assert.equal(maskPrefix('10.255.255.255/9'), '10.128.0.0/9')
  assert.equal(maskPrefix('2001:db8:ffff:ffff::1/33'), '2001:db8:8000::/33')
  assert.equal(maskPrefix('2001:db8::1/128'), '2001:db8::1/128')
  assert.equal(maskPrefix('2001:db8::1/64'), '2001:db8::/64')
  assert.equal(maskPrefix('::ffff:192.0.2.1/120'), '::ffff:192.0.2.0/120')
})

test('maskPrefix leaves text that is not a prefix alone', () => {
  assert.equal(maskPrefix('192.0.2.1'), '192.0.2.1')
  assert.equal(maskPrefix('192.0.2.0/33'), '192.0.2.0/33')
  assert.equal(maskPrefix('nonsense/8'), 'nonsense/8')
})

test('communities, hex and family names', () => {
  assert.equal(formatCommunity(0xffffff01), '65535:65281')
  assert.equal(formatCommunity(0), '0:0')
  assert.equal(toHex(Uint8Array.of(0, 1, 0xab, 0xff)), '0001abff')
  assert.equal(toHex(Uint8Array.of(0, 1, 0xab, 0xff), 1, 2), '01ab')
  assert.equal(familyName(1, 1), 'ipv4-unicast')
  assert.equal(familyName(2, 2), 'ipv6-multicast')
  assert.equal(familyName(1, 128), 'ipv4-vpn')
  assert.equal(familyName(25, 70), 'l2vpn-evpn')
  assert.equal(familyName(3, 1), 'afi-3-safi-1')
})
