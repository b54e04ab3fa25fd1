// The status line of `stream` on a terminal: messages per second, totals, reconnects, rewritten
// in place on stderr once a second.
import type { StreamStats } from '../stream.ts'

export interface StatusLine {
  stop: () => void
}

export function startStatusLine (stats: StreamStats, write: (text: string) => void, intervalMs = 1000): StatusLine {
  let previous = stats.messages
  let previousAt = Date.now()
  const timer = setInterval(() => {
    const now = Date.now()
    const rate = (stats.messages - previous) * 1000 / Math.max(1, now - previousAt)
    previous = stats.messages
    previousAt = now
    write(`\r\x1b[K${rate.toFixed(1)} msg/s, ${stats.messages} messages, ${stats.reconnects} reconnects, last seq ${stats.lastSeq ?? '-'}`)
  }, intervalMs)
  timer.unref()
  return {
    stop () {
      clearInterval(timer)
      write('\r\x1b[K')
    }
  }
}
