// `serve --replay FILE...`: the records of MRT files published on the bus as if their vantage
// points were live, one file after the other. Records keep the files' own timestamps and get the
// source `mrt:<file name>`. At speed N the gaps between records are the file's own divided by N
// (1 = the pace they were recorded at); at `max` records go as fast as the pipeline takes them.
// The bus is awaited before every publish, so a replay never drops a record.
import { basename } from 'node:path'
import type { Bus } from '../bus/bus.ts'
import type { Logger } from '../log.ts'
import { MrtRecordNormaliser } from '../record/from-mrt.ts'
import { readMrtFile } from '../sources/mrt/read-mrt-file.ts'

export interface ReplayOptions {
  files: readonly string[]
  speed: number | 'max'
  bus: Bus
  logger: Logger
  /** Aborting stops the replay after the record in hand. */
  signal?: AbortSignal
}

export interface ReplayResult {
  files: number
  records: number
  /** Records the normaliser refused (a message a session would reset on); reported and skipped. */
  errors: number
  aborted: boolean
}

/** Longest single wait at speed N: a gap of hours in a file is not waited out whole. */
const MAX_WAIT_MS = 60_000

export async function replayMrtFiles (options: ReplayOptions): Promise<ReplayResult> {
  const { bus, logger, speed, signal } = options
  const aborted = (): boolean => signal?.aborted === true
  const result: ReplayResult = { files: 0, records: 0, errors: 0, aborted: false }
  let firstUs: number | undefined
  const started = Date.now()
  let skippedMs = 0
  for (const file of options.files) {
    if (aborted()) break
    const source = 'mrt:' + basename(file)
    const normaliser = new MrtRecordNormaliser()
    const reader = readMrtFile(file, { onError: (err) => { logger.warn({ file, err: err.message }, 'malformed MRT record skipped') } })
    let count = 0
    try {
      count = await replayFile()
    } catch (err) {
      result.errors++
      logger.error({ file, err: (err as Error).message }, 'MRT file replay stopped')
    }
    result.files++
    result.records += count
    logger.info({ file, records: count, stats: { records: reader.stats.records, malformed: reader.stats.malformed } }, 'MRT file replayed')

    async function replayFile (): Promise<number> {
      for await (const rec of reader) {
        if (aborted()) break
        let records
        try {
          records = normaliser.toRecords(rec, source)
        } catch (err) {
          result.errors++
          logger.warn({ file, err: (err as Error).message }, 'MRT record skipped')
          continue
        }
        for (const record of records) {
          if (speed !== 'max') {
            firstUs ??= record.time_us
            const due = started + skippedMs + (record.time_us - firstUs) / 1000 / speed
            let wait = due - Date.now()
            if (wait > MAX_WAIT_MS) {
              skippedMs -= wait - MAX_WAIT_MS
              wait = MAX_WAIT_MS
            }
            if (wait > 1) await sleep(wait, signal)
            if (aborted()) break
          }
          await bus.writable()
          bus.publish(record)
          count++
        }
      }
      return count
    }
  }
  result.aborted = aborted()
  return result
}

async function sleep (ms: number, signal: AbortSignal | undefined): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms)
    function done (): void {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done)
  })
}
