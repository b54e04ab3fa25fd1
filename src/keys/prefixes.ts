// The prefix list a key is associated with: parsed, checked and returned in canonical text.
// Canonical means: the address as inet_ntop prints it (src/codec/address.ts), no host bits set
// (a host-bits prefix is refused with the canonical form suggested, never silently fixed: the
// user may have meant a different length), the length in plain decimal.
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../codec/address.ts'
import { PrefixHostBitsError, PrefixMalformedError, PrefixTooShortError, TooManyPrefixesError } from '../errors.ts'

export interface PrefixPolicy {
  /** Shortest IPv4 prefix accepted (0 accepts the whole table). */
  minLengthIpv4: number
  /** Shortest IPv6 prefix accepted (0 accepts the whole table). */
  minLengthIpv6: number
}

/**
 * /8 for IPv4: the largest block a single network holds (legacy /8s such as 12.0.0.0/8), so
 * every holder can watch all of its space with one prefix, while 0.0.0.0/0 or a block spanning
 * many networks (a /4, a /6) — a large share of the whole table on one key — needs the operator.
 * /19 for IPv6: the largest allocations RIRs have made to a single network are around /19
 * (2003::/19); anything shorter spans many networks. See docs/store.md.
 */
export const DEFAULT_PREFIX_POLICY: Readonly<PrefixPolicy> = { minLengthIpv4: 8, minLengthIpv6: 19 }

export interface ParsePrefixesOptions {
  /** At most this many distinct prefixes (the key's max-prefixes limit). */
  maxPrefixes: number
  policy?: PrefixPolicy
}

/** Parse a comma-separated list ("192.0.2.0/24, 2001:db8::/32"); empty entries are ignored. */
export function parsePrefixList (text: string, options: ParsePrefixesOptions): string[] {
  return parsePrefixes(text.split(','), options)
}

/**
 * Check each prefix and return the canonical strings, duplicates removed, in first-seen order.
 * Throws the first problem found as a typed error naming the offending entry.
 */
export function parsePrefixes (entries: readonly string[], options: ParsePrefixesOptions): string[] {
  const policy = options.policy ?? DEFAULT_PREFIX_POLICY
  const seen = new Set<string>()
  for (const raw of entries) {
    const entry = raw.trim()
    if (entry === '') continue
    seen.add(parsePrefix(entry, policy))
  }
  if (seen.size > options.maxPrefixes) throw new TooManyPrefixesError(seen.size, options.maxPrefixes)
  return [...seen]
}

/** One prefix ("192.0.2.0/24") to its canonical text, or a typed error. */
export function parsePrefix (text: string, policy: PrefixPolicy = DEFAULT_PREFIX_POLICY): string {
  const slash = text.indexOf('/')
  if (slash < 0) {
    const hostLength = text.includes(':') ? 128 : 32
    throw new PrefixMalformedError(text, `no prefix length; write it as address/length, e.g. ${text}/${hostLength} for a single address`)
  }
  const addressText = text.slice(0, slash)
  const lengthText = text.slice(slash + 1)
  const ipv6 = addressText.includes(':')
  const bytes = ipv6 ? parseIpv6(addressText) : parseIpv4(addressText)
  if (bytes === null) throw new PrefixMalformedError(text, `${JSON.stringify(addressText)} is not an ${ipv6 ? 'IPv6' : 'IPv4'} address`)
  const maxLength = bytes.length * 8
  if (!/^(0|[1-9]\d{0,2})$/.test(lengthText) || Number(lengthText) > maxLength) {
    throw new PrefixMalformedError(text, `the length must be a whole number from 0 to ${maxLength}`)
  }
  const length = Number(lengthText)

  const network = maskHostBits(bytes, length)
  const format = (b: Uint8Array): string => (ipv6 ? formatIpv6(b, 0) : formatIpv4(b, 0)) + '/' + length
  const canonical = format(network)
  if (!network.every((b, i) => b === bytes[i])) throw new PrefixHostBitsError(text, canonical)

  const minLength = ipv6 ? policy.minLengthIpv6 : policy.minLengthIpv4
  if (length < minLength) throw new PrefixTooShortError(canonical, minLength)
  return canonical
}

function maskHostBits (bytes: Uint8Array, length: number): Uint8Array {
  const out = Uint8Array.from(bytes)
  for (let i = 0; i < out.length; i++) {
    const bitsHere = Math.min(8, Math.max(0, length - 8 * i))
    out[i] &= (0xff00 >> bitsHere) & 0xff
  }
  return out
}

/** The policy from BGPL_MIN_PREFIX_LENGTH_V4 / _V6, each defaulting to DEFAULT_PREFIX_POLICY. */
export function prefixPolicyFromEnv (env: Readonly<Record<string, string | undefined>>): PrefixPolicy {
  const read = (name: string, max: number, fallback: number): number => {
    const text = env[name]
    if (text === undefined || text === '') return fallback
    if (!/^\d{1,3}$/.test(text) || Number(text) > max) throw new RangeError(`${name} must be a prefix length from 0 to ${max}, not ${JSON.stringify(text)}`)
    return Number(text)
  }
  return {
    minLengthIpv4: read('BGPL_MIN_PREFIX_LENGTH_V4', 32, DEFAULT_PREFIX_POLICY.minLengthIpv4),
    minLengthIpv6: read('BGPL_MIN_PREFIX_LENGTH_V6', 128, DEFAULT_PREFIX_POLICY.minLengthIpv6)
  }
}
