// bgproutes-live-client: stream, set-prefixes, status. Returns the exit code: 0 done, 1 the
// service refused or could not be reached, 2 a bad command line.
import { BgproutesLiveClient } from '../client.ts'
import { BgplError } from '../errors.ts'
import { formatText } from '../format-text.ts'
import { USAGE, UsageError, parseCliArgs } from './args.ts'
import type { CliArgs } from './args.ts'
import { startStatusLine } from './status-line.ts'

export interface CliIo {
  stdout: { write: (text: string) => unknown }
  stderr: { write: (text: string) => unknown, isTTY?: boolean }
  env: Record<string, string | undefined>
  /** Stops `stream` (Ctrl-C). */
  signal?: AbortSignal
}

export async function main (argv: string[], io: CliIo): Promise<number> {
  let args: CliArgs
  try {
    args = parseCliArgs(argv, io.env)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    io.stderr.write(`bgproutes-live-client: ${error.message}\n\n${USAGE}\n`)
    return 2
  }
  if (args.command === 'help') {
    io.stdout.write(USAGE + '\n')
    return 0
  }
  const client = new BgproutesLiveClient({
    apiKey: args.apiKey,
    apiUrl: args.apiUrl,
    wsUrl: args.wsUrl,
    reconnect: args.reconnect
  })
  try {
    if (args.command === 'status') {
      io.stdout.write(JSON.stringify(await client.status({ signal: io.signal })) + '\n')
    } else if (args.command === 'set-prefixes') {
      io.stdout.write(JSON.stringify(await client.setPrefixes(args.prefixes ?? [], { signal: io.signal })) + '\n')
    } else {
      await stream(client, args, io)
    }
    return 0
  } catch (error) {
    if (io.signal?.aborted === true) return 0
    const code = error instanceof BgplError ? ` ${error.code}` : ''
    io.stderr.write(`bgproutes-live-client: error${code}: ${(error as Error).message}\n`)
    return 1
  }
}

async function stream (client: BgproutesLiveClient, args: CliArgs, io: CliIo): Promise<void> {
  if (args.prefixes !== undefined) await client.setPrefixes(args.prefixes, { signal: io.signal })
  const stop = new AbortController()
  const signal = io.signal === undefined ? stop.signal : AbortSignal.any([io.signal, stop.signal])
  const status = io.stderr.isTTY === true ? startStatusLine(client.stats, (t) => io.stderr.write(t)) : undefined
  let printed = 0
  try {
    for await (const frame of client.messages({ since: args.since, signal })) {
      if (args.format === 'json') {
        io.stdout.write(JSON.stringify(frame) + '\n')
        if (frame.record_type !== 'gap') printed++
      } else if (frame.record_type === 'gap') {
        io.stderr.write(`bgproutes-live-client: gap (${frame.reason}): frames ${frame.since + 1}..${frame.first_seq - 1} are lost\n`)
      } else {
        const line = formatText(frame)
        if (line !== undefined) { io.stdout.write(line + '\n'); printed++ }
      }
      if (args.count !== undefined && printed >= args.count) stop.abort()
    }
  } finally {
    status?.stop()
  }
}
