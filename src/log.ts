// The process logger: pino, JSON lines to stderr (stdout carries data, never logs).
// Nothing is created on import; callers make one logger and pass it (or children of it) down.
import { pino } from 'pino'
import type { DestinationStream, Logger, LevelWithSilent } from 'pino'

export type { Logger }

export interface LoggerOptions {
  /** Minimum level; default `info`, or `LOG_LEVEL` from the environment. */
  level?: LevelWithSilent
  /** Where lines go; default stderr (file descriptor 2). */
  destination?: DestinationStream | NodeJS.WritableStream
  /** Fields added to every line, e.g. `{ component: 'collector' }`. */
  base?: Record<string, unknown>
}

export function createLogger (options: LoggerOptions = {}): Logger {
  const level = options.level ?? (process.env.LOG_LEVEL as LevelWithSilent | undefined) ?? 'info'
  const destination = options.destination ?? pino.destination({ fd: 2, sync: false })
  return pino({ level, base: options.base ?? null, timestamp: pino.stdTimeFunctions.isoTime }, destination as DestinationStream)
}

/** A logger that writes nothing (tests, library use without logging). */
export function silentLogger (): Logger {
  return pino({ level: 'silent' })
}
