// The Prometheus text format of a service's /metrics, as numbers: each series by its full name
// (with labels) and, summed over its labels, by its bare name.
export function parseMetricsText (text: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const space = line.lastIndexOf(' ')
    const full = line.slice(0, space)
    const name = full.replace(/\{.*$/, '')
    const v = Number(line.slice(space + 1))
    out.set(full, v)
    if (full !== name) out.set(name, (out.get(name) ?? 0) + v)
  }
  return out
}
