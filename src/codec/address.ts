// IPv4 and IPv6 addresses between wire bytes and text. The text form is the one glibc's
// inet_ntop(3) prints (RFC 5952 §4: lower case, the longest run of two or more zero groups
// shortened to "::", leftmost on a tie), with the IPv4-mapped and IPv4-compatible forms
// written with a dotted quad, so output lines up byte for byte with C tools such as bgpdump.

const DECIMAL: readonly string[] = Array.from({ length: 256 }, (_, i) => String(i))

/** Dotted quad of the 4 octets at `offset`. The caller checks the bounds. */
export function formatIpv4 (buf: Uint8Array, offset: number): string {
  return DECIMAL[buf[offset]] + '.' + DECIMAL[buf[offset + 1]] + '.' + DECIMAL[buf[offset + 2]] + '.' + DECIMAL[buf[offset + 3]]
}

/** Dotted quad of a 32-bit unsigned number (a BGP identifier, an IPv4 address as a number). */
export function formatIpv4Number (n: number): string {
  return DECIMAL[(n >>> 24) & 0xff] + '.' + DECIMAL[(n >>> 16) & 0xff] + '.' + DECIMAL[(n >>> 8) & 0xff] + '.' + DECIMAL[n & 0xff]
}

/** Text form of the 16 octets at `offset`, as inet_ntop prints it. The caller checks the bounds. */
export function formatIpv6 (buf: Uint8Array, offset: number): string {
  const words = new Array<number>(8)
  for (let i = 0; i < 8; i++) words[i] = (buf[offset + 2 * i] << 8) | buf[offset + 2 * i + 1]

  // The longest run of zero words, leftmost on a tie; a run of one is not shortened.
  let bestStart = -1
  let bestLen = 0
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) { i++; continue }
    let j = i
    while (j < 8 && words[j] === 0) j++
    if (j - i > bestLen) { bestStart = i; bestLen = j - i }
    i = j
  }
  if (bestLen < 2) bestStart = -1

  // ::a.b.c.d (IPv4-compatible) and ::ffff:a.b.c.d (IPv4-mapped), exactly when glibc uses them.
  const embedsIpv4 = bestStart === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))

  let out = ''
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += ':'
      i += bestLen - 1
      if (i === 7) out += ':'
      continue
    }
    if (i > 0) out += ':'
    if (i === 6 && embedsIpv4) {
      out += formatIpv4(buf, offset + 12)
      break
    }
    out += words[i].toString(16)
  }
  return out
}

/** Text form of a 4- or 16-octet address; anything else as hex digits. */
export function formatIp (buf: Uint8Array, offset: number, length: number): string {
  if (length === 4) return formatIpv4(buf, offset)
  if (length === 16) return formatIpv6(buf, offset)
  let hex = ''
  for (let i = 0; i < length; i++) hex += (buf[offset + i] < 16 ? '0' : '') + buf[offset + i].toString(16)
  return hex
}

const IPV4_RE = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/

/** Parse a dotted quad into 4 octets, or return null. */
export function parseIpv4 (text: string): Uint8Array | null {
  const m = IPV4_RE.exec(text)
  if (m === null) return null
  return Uint8Array.of(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]))
}

/** Parse an IPv6 address (RFC 4291 §2.2 text forms, with an embedded IPv4 tail) into 16 octets, or null. */
export function parseIpv6 (text: string): Uint8Array | null {
  if (text.length < 2 || text.length > 45) return null
  const out = new Uint8Array(16)
  const halves = text.split('::')
  if (halves.length > 2) return null
  const head = halves[0] === '' ? [] : halves[0].split(':')
  const tail = halves.length === 2 ? (halves[1] === '' ? [] : halves[1].split(':')) : []
  const groups: number[] = []
  const parseGroups = (parts: string[], allowIpv4Tail: boolean): number[] | null => {
    const words: number[] = []
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]
      if (allowIpv4Tail && i === parts.length - 1 && part.includes('.')) {
        const v4 = parseIpv4(part)
        if (v4 === null) return null
        words.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3])
        continue
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return null
      words.push(parseInt(part, 16))
    }
    return words
  }
  const headWords = parseGroups(head, halves.length === 1)
  const tailWords = parseGroups(tail, true)
  if (headWords === null || tailWords === null) return null
  if (halves.length === 1) {
    if (headWords.length !== 8) return null
    groups.push(...headWords)
  } else {
    const missing = 8 - headWords.length - tailWords.length
    if (missing < 1) return null
    groups.push(...headWords, ...new Array<number>(missing).fill(0), ...tailWords)
  }
  for (let i = 0; i < 8; i++) {
    out[2 * i] = groups[i] >> 8
    out[2 * i + 1] = groups[i] & 0xff
  }
  return out
}

/** Parse either family: 4 octets for IPv4, 16 for IPv6, or null. */
export function parseIp (text: string): Uint8Array | null {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text)
}
