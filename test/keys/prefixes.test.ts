import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isServiceError } from '../../src/errors.ts'
import { DEFAULT_PREFIX_POLICY, parsePrefix, parsePrefixList, parsePrefixes } from '../../src/keys/prefixes.ts'

function throwsCode (fn: () => unknown, code: string, message?: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isServiceError(err), String(err))
    assert.equal(err.code, code)
    if (message !== undefined) assert.equal(err.message, message)
    return true
  })
}

describe('parsePrefix', () => {
  it('returns the canonical text of IPv4 and IPv6 prefixes', () => {
    assert.equal(parsePrefix('192.0.2.0/24'), '192.0.2.0/24')
    assert.equal(parsePrefix('10.0.0.0/8'), '10.0.0.0/8')
    assert.equal(parsePrefix('192.0.2.1/32'), '192.0.2.1/32')
    assert.equal(parsePrefix('2001:DB8:0:0::/32'), '2001:db8::/32')
    assert.equal(parsePrefix('2001:0db8:0000:0001:0000:0000:0000:0000/64'), '2001:db8:0:1::/64')
    assert.equal(parsePrefix('2001:db8::1/128'), '2001:db8::1/128')
  })

  it('refuses host bits and suggests the network', () => {
    throwsCode(() => parsePrefix('192.0.2.1/24'), 'PREFIX_HOST_BITS', '192.0.2.1/24 has host bits set; did you mean 192.0.2.0/24?')
    throwsCode(() => parsePrefix('10.1.0.0/8'), 'PREFIX_HOST_BITS', '10.1.0.0/8 has host bits set; did you mean 10.0.0.0/8?')
    throwsCode(() => parsePrefix('192.0.2.192/25'), 'PREFIX_HOST_BITS', '192.0.2.192/25 has host bits set; did you mean 192.0.2.128/25?')
    assert.equal(parsePrefix('192.0.2.128/25'), '192.0.2.128/25')
    throwsCode(() => parsePrefix('2001:db8::1/64'), 'PREFIX_HOST_BITS', '2001:db8::1/64 has host bits set; did you mean 2001:db8::/64?')
  })

  it('masks at bit granularity', () => {
    assert.equal(parsePrefix('2001:db8:8000::/33'), '2001:db8:8000::/33')
    throwsCode(() => parsePrefix('2001:db8:4000::/33'), 'PREFIX_HOST_BITS', '2001:db8:4000::/33 has host bits set; did you mean 2001:db8::/33?')
    throwsCode(() => parsePrefix('192.0.3.0/23'), 'PREFIX_HOST_BITS', '192.0.3.0/23 has host bits set; did you mean 192.0.2.0/23?')
  })

  it('refuses malformed input with a reason', () => {
    throwsCode(() => parsePrefix('192.0.2.1'), 'PREFIX_MALFORMED', '"192.0.2.1" is not a prefix: no prefix length; write it as address/length, e.g. 192.0.2.1/32 for a single address')
    throwsCode(() => parsePrefix('2001:db8::1'), 'PREFIX_MALFORMED')
    for (const bad of ['192.0.2.0/33', '2001:db8::/129', '192.0.2.0/', '192.0.2.0/024', '192.0.2.0/x', '192.0.2/24', '256.0.0.0/8', 'example.net/24', '2001:db8:::/32', '/24', '192.0.2.0/24/1', ' 192.0.2.0/24']) {
      throwsCode(() => parsePrefix(bad), 'PREFIX_MALFORMED')
    }
  })

  it('refuses prefixes shorter than the policy, with the defaults /8 and /19', () => {
    assert.deepEqual(DEFAULT_PREFIX_POLICY, { minLengthIpv4: 8, minLengthIpv6: 19 })
    throwsCode(() => parsePrefix('0.0.0.0/0'), 'PREFIX_TOO_SHORT')
    throwsCode(() => parsePrefix('8.0.0.0/7'), 'PREFIX_TOO_SHORT', '8.0.0.0/7 is shorter than /8, the shortest prefix this service accepts for its address family; split it into /8 or longer prefixes.')
    throwsCode(() => parsePrefix('2000::/18'), 'PREFIX_TOO_SHORT')
    throwsCode(() => parsePrefix('::/0'), 'PREFIX_TOO_SHORT')
    assert.equal(parsePrefix('2003::/19'), '2003::/19')
    assert.equal(parsePrefix('0.0.0.0/0', { minLengthIpv4: 0, minLengthIpv6: 0 }), '0.0.0.0/0')
    assert.equal(parsePrefix('::/0', { minLengthIpv4: 0, minLengthIpv6: 0 }), '::/0')
    throwsCode(() => parsePrefix('192.0.2.0/24', { minLengthIpv4: 25, minLengthIpv6: 0 }), 'PREFIX_TOO_SHORT')
  })

  it('checks host bits before length, so the suggestion is the prefix to fix first', () => {
    throwsCode(() => parsePrefix('1.2.3.4/4'), 'PREFIX_HOST_BITS', '1.2.3.4/4 has host bits set; did you mean 0.0.0.0/4?')
  })
})

describe('parsePrefixList', () => {
  it('splits on commas, trims, drops empty entries and duplicates (after canonicalisation), keeps order', () => {
    assert.deepEqual(
      parsePrefixList(' 198.51.100.0/24, 2001:DB8::/32,,192.0.2.0/24 , 2001:db8:0::/32, 198.51.100.0/24,', { maxPrefixes: 3 }),
      ['198.51.100.0/24', '2001:db8::/32', '192.0.2.0/24'])
    assert.deepEqual(parsePrefixList('', { maxPrefixes: 1 }), [])
  })

  it('keeps overlapping prefixes: they are not duplicates', () => {
    assert.deepEqual(parsePrefixList('192.0.2.0/24,192.0.2.0/25', { maxPrefixes: 2 }), ['192.0.2.0/24', '192.0.2.0/25'])
  })

  it('counts distinct prefixes against the limit', () => {
    throwsCode(() => parsePrefixList('192.0.2.0/24,198.51.100.0/24,203.0.113.0/24', { maxPrefixes: 2 }), 'TOO_MANY_PREFIXES',
      '3 prefixes given, but this key allows at most 2; remove some or aggregate them, or ask the operator for a higher limit.')
  })

  it('names the first bad entry', () => {
    throwsCode(() => parsePrefixList('192.0.2.0/24, 198.51.100.1/24, nonsense', { maxPrefixes: 10 }), 'PREFIX_HOST_BITS')
  })

  it('takes an array as well', () => {
    assert.deepEqual(parsePrefixes(['192.0.2.0/24', ' 2001:db8::/32 '], { maxPrefixes: 10 }), ['192.0.2.0/24', '2001:db8::/32'])
  })
})
