// `bgproutes-live collect`: run the BGP route collector and print its records as JSON lines on
// stdout (one record a line, the form of docs/record.md); logs go to stderr. Stops on SIGINT or
// SIGTERM: sessions get Cease / Administrative Shutdown, the peer-down records are printed, and
// the command exits 0. stdout is written with backpressure: a slow reader makes the collector
// pause its sessions, then drop records (counted and logged), never buffer without bound.
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { createLogger } from '../../log.ts'
import { recordToJson } from '../../record/json.ts'
import { Collector } from '../../sources/bgp/collector.ts'
import { startBmpStation } from '../../sources/bmp/station.ts'
import type { BmpStation } from '../../sources/bmp/station.ts'
import { ConfigError, parseListenAddress, resolveConfig } from '../../sources/bgp/collector-config.ts'
import type { CliIo } from '../run-cli.ts'

const USAGE = `usage: bgproutes-live collect [--config FILE] [--listen-bgp ADDR:PORT]... [--listen-bmp ADDR:PORT]

Receive-only BGP route collector and BMP station: peers connect (or are connected to), routers
export BMP; their messages are printed as JSON records on stdout, one a line; logs are JSON
lines on stderr.

options:
  --config FILE            JSON configuration (see docs/collector.md); default: listen on
                           127.0.0.1:1179, accept any peer from loopback with the AS it announces
  --listen-bgp ADDR:PORT   listen here instead of the configured addresses (repeatable);
                           [::1]:1179 for IPv6, :179 for all addresses
  --listen-bmp ADDR:PORT   also run the BMP station (RFC 7854) here, e.g. 127.0.0.1:11019;
                           routers' records go to the same output (see docs/bmp.md)
  --log-level LEVEL        trace, debug, info (default), warn, error, silent
  -h, --help               this text
`

/** Lines are gathered up to this many characters before one write to stdout. */
const WRITE_BATCH = 64 * 1024

export async function runCollect (argv: string[], io: CliIo): Promise<number> {
  let values
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string' },
        'listen-bgp': { type: 'string', multiple: true },
        'listen-bmp': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' }
      },
      strict: true,
      allowPositionals: false
    }))
  } catch (e) {
    io.stderr.write(`bgproutes-live collect: ${(e as Error).message}\n\n${USAGE}`)
    return 2
  }
  if (values.help === true) {
    io.stdout.write(USAGE)
    return 0
  }
  const levels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']
  if (values['log-level'] !== undefined && !levels.includes(values['log-level'])) {
    io.stderr.write(`bgproutes-live collect: --log-level must be one of ${levels.join(', ')}\n`)
    return 2
  }

  let config
  try {
    if (values['listen-bmp'] !== undefined) parseListenAddress(values['listen-bmp'])
    const json: Record<string, unknown> = values.config === undefined ? {} : JSON.parse(await readFile(values.config, 'utf8')) as Record<string, unknown>
    if (values['listen-bgp'] !== undefined) {
      for (const l of values['listen-bgp']) parseListenAddress(l)
      if (typeof json === 'object' && json !== null) json.listen = values['listen-bgp']
    }
    config = resolveConfig(json)
  } catch (e) {
    const what = e instanceof ConfigError || e instanceof SyntaxError ? 'configuration' : 'cannot read configuration'
    io.stderr.write(`bgproutes-live collect: ${what}: ${(e as Error).message}\n`)
    return 2
  }

  const logger = createLogger({ level: values['log-level'] as 'info' | undefined, destination: io.stderr, base: { component: 'bgp-collector' } })
  const collector = new Collector({ config, logger })
  try {
    await collector.start()
  } catch (e) {
    logger.fatal({ err: e }, 'cannot start the collector')
    return 1
  }
  let bmp: BmpStation | undefined
  if (values['listen-bmp'] !== undefined) {
    try {
      bmp = await startBmpStation({ listen: values['listen-bmp'], source: config.name, queue: collector.queue, logger })
    } catch (e) {
      logger.fatal({ err: e }, 'cannot start the BMP station')
      await collector.stop()
      collector.queue.close()
      return 1
    }
  }

  let stopping: Promise<void> | undefined
  const stop = (signal: string): void => {
    if (stopping !== undefined) return
    logger.info({ signal }, 'stopping')
    stopping = Promise.all([collector.stop(), bmp?.close()]).then(() => { collector.queue.close() })
  }
  const onSigint = (): void => { stop('SIGINT') }
  const onSigterm = (): void => { stop('SIGTERM') }
  process.on('SIGINT', onSigint)
  process.on('SIGTERM', onSigterm)
  try {
    await writeRecords(collector, io.stdout, () => { stop('stdout closed') })
    await stopping
  } finally {
    process.off('SIGINT', onSigint)
    process.off('SIGTERM', onSigterm)
  }
  return 0
}

/**
 * Print records until the queue is closed, waiting for stdout to drain when it is full. When
 * stdout goes away (EPIPE), the collector is stopped and what is left is discarded.
 */
async function writeRecords (collector: Collector, out: NodeJS.WritableStream, onClosed: () => void): Promise<void> {
  const queue = collector.queue
  let closed = false
  let waitingDrain: (() => void) | undefined
  const onError = (): void => {
    closed = true
    waitingDrain?.()
    onClosed()
  }
  out.on('error', onError)
  const drain = async (): Promise<void> => {
    await new Promise<void>((resolve) => {
      waitingDrain = resolve
      out.once('drain', resolve)
    })
    waitingDrain = undefined
  }
  try {
    for (;;) {
      await queue.wait()
      let batch = ''
      for (let r = queue.shift(); r !== undefined; r = queue.shift()) {
        batch += recordToJson(r) + '\n'
        if (batch.length >= WRITE_BATCH) break
      }
      if (batch === '') {
        if (queue.isClosed) return
        continue
      }
      if (closed) continue
      if (!out.write(batch)) await drain()
    }
  } finally {
    out.off('error', onError)
  }
}
