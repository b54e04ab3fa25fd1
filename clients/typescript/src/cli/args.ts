// The command line of bgproutes-live-client: the command, its options, the key and the URLs
// (flags first, then the environment, then the defaults).
import { parseArgs } from 'node:util'
import { DEFAULT_API_URL, DEFAULT_WS_URL } from '../client.ts'

export const USAGE = `Usage:
  bgproutes-live-client stream [--prefixes P,...] [--format text|json] [--since SEQ] [--count N] [--no-reconnect]
  bgproutes-live-client set-prefixes P,...        (an empty list clears it: set-prefixes '')
  bgproutes-live-client status

Options (all commands):
  --api-key KEY     the API key (default: $BGP_API_KEY)
  --api-url URL     the live manager API (default: $BGPL_API_URL or ${DEFAULT_API_URL})
  --ws-url URL      the websocket stream (default: $BGPL_WS_URL or ${DEFAULT_WS_URL})

stream sets the prefixes first when --prefixes is given, then prints one line per announcement or
withdrawal (text: the BGProutes.io form) or one JSON frame per line (json: every frame, gap frames
included). It reconnects and resumes by seq; Ctrl-C stops it.`

export class UsageError extends Error {}

export interface CliArgs {
  command: 'stream' | 'set-prefixes' | 'status' | 'help'
  apiKey: string
  apiUrl: string
  wsUrl: string
  prefixes: string[] | undefined
  format: 'text' | 'json'
  since: number | undefined
  count: number | undefined
  reconnect: boolean
}

export function splitPrefixes (text: string): string[] {
  return text.split(',').map((p) => p.trim()).filter((p) => p !== '')
}

function wholeNumber (name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined
  if (!/^[0-9]+$/.test(text) || Number(text) < min) throw new UsageError(`--${name} must be a whole number from ${min}, not ${JSON.stringify(text)}`)
  return Number(text)
}

export function parseCliArgs (argv: string[], env: Record<string, string | undefined>): CliArgs {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'api-key': { type: 'string' },
        'api-url': { type: 'string' },
        'ws-url': { type: 'string' },
        prefixes: { type: 'string' },
        format: { type: 'string' },
        since: { type: 'string' },
        count: { type: 'string' },
        'no-reconnect': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' }
      }
    })
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  const { values, positionals } = parsed
  const [command, ...rest] = positionals
  if (values.help === true || command === 'help' || command === undefined) {
    return { command: 'help', apiKey: '', apiUrl: '', wsUrl: '', prefixes: undefined, format: 'text', since: undefined, count: undefined, reconnect: true }
  }
  if (command !== 'stream' && command !== 'set-prefixes' && command !== 'status') throw new UsageError(`unknown command ${JSON.stringify(command)}`)
  let prefixes = values.prefixes === undefined ? undefined : splitPrefixes(values.prefixes)
  if (command === 'set-prefixes') {
    if (rest.length > 1 || (rest.length === 1 && prefixes !== undefined)) throw new UsageError('set-prefixes takes one comma separated list')
    if (rest.length === 1) prefixes = splitPrefixes(rest[0] as string)
    if (prefixes === undefined) throw new UsageError('set-prefixes needs the prefix list (set-prefixes \'\' clears it)')
  } else if (rest.length > 0) {
    throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`)
  }
  const format = values.format ?? 'text'
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not ${JSON.stringify(format)}`)
  const apiKey = values['api-key'] ?? env.BGP_API_KEY ?? ''
  if (apiKey === '') throw new UsageError('no API key: give --api-key KEY or set BGP_API_KEY')
  return {
    command,
    apiKey,
    apiUrl: values['api-url'] ?? env.BGPL_API_URL ?? DEFAULT_API_URL,
    wsUrl: values['ws-url'] ?? env.BGPL_WS_URL ?? DEFAULT_WS_URL,
    prefixes,
    format,
    since: wholeNumber('since', values.since, 0),
    count: wholeNumber('count', values.count, 1),
    reconnect: values['no-reconnect'] !== true
  }
}
