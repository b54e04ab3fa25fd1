// The keys of bench:stream and bench:kafka: seeded, so that runs (and the two benches) are
// comparable. Each key gets `perKey` prefixes: all but two announced in the replayed file, the
// last two the covering /16 (IPv4) or /32 (IPv6) of announced ones, so that some UPDATEs concern
// several keys and most concern none.

export { seededRandom as rng } from '../test/helpers/seeded-random.ts'

/** The covering /16 of an IPv4 prefix, /32 of an IPv6 one (the prefix itself when shorter). */
export function covering (prefix: string): string {
  const [address, length] = prefix.split('/')
  if (address.includes(':')) {
    if (Number(length) <= 32) return prefix
    const groups = address.split(':')
    return `${groups[0]}:${groups[1] === '' ? '0' : groups[1]}::/32`
  }
  if (Number(length) <= 16) return prefix
  const o = address.split('.')
  return `${o[0]}.${o[1]}.0.0/16`
}

/** `keys` prefix lists drawn from `announced`. */
export function keyPrefixLists (announced: readonly string[], keys: number, perKey: number, random: () => number): string[][] {
  const lists: string[][] = []
  for (let k = 0; k < keys; k++) {
    const list = new Set<string>()
    while (list.size < perKey) {
      const p = announced[Math.floor(random() * announced.length)]
      list.add(list.size < perKey - 2 ? p : covering(p))
    }
    lists.push([...list])
  }
  return lists
}
