// The machine's busy cores during a run, from /proc/stat every 250 ms, with each watched process's
// share in the busiest second. bench:kafka runs every process of a deployment on one machine; its
// p99 is set in the seconds when they all want a core at once, which a mean over the run hides.
import { readFileSync } from 'node:fs'

const TICKS = 100 // USER_HZ: /proc counts CPU time in 1/100 s on Linux

export interface CpuPeak {
  /** Busy cores of the machine over the whole sampling, on average. */
  meanCores: number
  /** Busy cores in the busiest second (a sliding window over the samples). */
  peakCores: number
  /** When that second began, seconds after the sampling started. */
  peakAtS: number
  /** Each process's cores in that second, by name (a name may stand for several processes). */
  peakByProcess: Map<string, number>
}

interface Sample {
  ms: number
  box: number
  procs: Map<string, number>
}

/** Busy ticks of all CPUs so far: everything but idle and iowait (proc(5), /proc/stat). */
function boxBusyTicks (): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]
  const f = line.trim().split(/\s+/).slice(1).map(Number)
  const [user, nice, system, , , irq, softirq, steal] = f
  return user + nice + system + irq + softirq + (steal ?? 0)
}

/** CPU seconds (user + system) of a process so far (proc(5), /proc/PID/stat), or NaN when unknown or gone. */
export function cpuSeconds (pid: number | undefined): number {
  if (pid === undefined) return NaN
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(f[11]) + Number(f[12])) / TICKS
  } catch {
    return NaN
  }
}

export class CpuSampler {
  private readonly processes: () => ReadonlyArray<readonly [string, readonly number[]]>
  private readonly intervalMs: number
  private readonly samples: Sample[] = []
  private timer: NodeJS.Timeout | undefined

  /** `processes`: the processes to follow, by name, asked at each sample. */
  constructor (processes: () => ReadonlyArray<readonly [string, readonly number[]]>, intervalMs = 250) {
    this.processes = processes
    this.intervalMs = intervalMs
  }

  start (): void {
    this.samples.length = 0
    this.take()
    this.timer = setInterval(() => { this.take() }, this.intervalMs)
  }

  stop (): CpuPeak {
    clearInterval(this.timer)
    this.take()
    const s = this.samples
    const first = s[0]
    const last = s[s.length - 1]
    const cores = (a: Sample, b: Sample, ticksA: number, ticksB: number): number => (ticksB - ticksA) / TICKS / ((b.ms - a.ms) / 1000)
    const result: CpuPeak = { meanCores: NaN, peakCores: NaN, peakAtS: NaN, peakByProcess: new Map() }
    if (s.length < 2 || last.ms <= first.ms) return result
    result.meanCores = cores(first, last, first.box, last.box)
    let best: [Sample, Sample] | undefined
    for (let i = 0, j = 0; i < s.length; i++) {
      while (j < s.length && s[j].ms - s[i].ms < 1000) j++
      if (j === s.length) break
      const c = cores(s[i], s[j], s[i].box, s[j].box)
      if (!(c <= result.peakCores)) {
        result.peakCores = c
        best = [s[i], s[j]]
      }
    }
    if (best === undefined) return result
    const [a, b] = best
    result.peakAtS = (a.ms - first.ms) / 1000
    for (const [name, ticks] of b.procs) result.peakByProcess.set(name, cores(a, b, a.procs.get(name) ?? NaN, ticks))
    return result
  }

  private take (): void {
    const procs = new Map<string, number>()
    for (const [name, pids] of this.processes()) procs.set(name, (procs.get(name) ?? 0) + pids.reduce((sum, pid) => sum + cpuSeconds(pid) * TICKS, 0))
    this.samples.push({ ms: performance.now(), box: boxBusyTicks(), procs })
  }
}
