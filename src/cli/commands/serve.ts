// `bgproutes-live serve`: the whole live service in one process (src/service/live-server.ts).
// Prints the addresses it listens on to stdout, logs JSON lines to stderr, and stops cleanly on
// SIGTERM or SIGINT (exit 0). Settings: docs/serve.md.
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { KeySecretError } from '../../keys/secret.ts'
import { createLogger } from '../../log.ts'
import { startLiveServer } from '../../service/live-server.ts'
import type { LiveServer } from '../../service/live-server.ts'
import { resolveServeConfig } from '../../service/serve-config.ts'
import type { ServeConfig, ServeFlags } from '../../service/serve-config.ts'
import { ConfigError } from '../../sources/bgp/collector-config.ts'
import type { CliIo } from '../run-cli.ts'
import { waitForSignal } from '../wait-for-signal.ts'

const USAGE = `usage: bgproutes-live serve [options] [--replay FILE...]

Run the live service: BGP collector and BMP station, matcher, websocket stream and live manager
API. Every setting can also come from the environment or a JSON config file (docs/serve.md).

options:
  --config FILE              JSON settings (flags and environment win over it)
  --data-dir DIR             embedded store and key secret (default ./data; BGPL_DATA_DIR);
                             DATABASE_URL selects PostgreSQL instead
  --listen-http ADDR:PORT    live manager API, and the stream unless --listen-ws
                             (default 127.0.0.1:8080; BGPL_LISTEN_HTTP)
  --listen-ws ADDR:PORT      the websocket stream on its own address (BGPL_LISTEN_WS)
  --listen-bgp ADDR:PORT     BGP collector, repeatable; 'none' for no listener
                             (default 127.0.0.1:1179; BGPL_LISTEN_BGP, comma separated)
  --listen-bmp ADDR:PORT     BMP station; 'none' to disable (default 127.0.0.1:11019; BGPL_LISTEN_BMP)
  --idle-timeout DURATION    keys unused this long lose their prefixes (default 4h; BGPL_IDLE_TIMEOUT)
  --expiry-interval DURATION how often that is checked (default 1m; BGPL_EXPIRY_INTERVAL)
  --replay FILE...           feed MRT files (gzip, bzip2 or plain) through the pipeline
  --replay-speed N|max       N times the files' own pace, or max (default max; BGPL_REPLAY_SPEED)
  --shutdown-timeout DURATION  longest wait for sessions to take their last frames (default 10s)
  --log-level LEVEL          trace, debug, info (default), warn, error, fatal, silent (LOG_LEVEL)
  -h, --help                 this text
`

export async function runServe (argv: string[], io: CliIo, env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  let values
  let positionals: string[]
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string' },
        'data-dir': { type: 'string' },
        'listen-http': { type: 'string' },
        'listen-ws': { type: 'string' },
        'listen-bgp': { type: 'string', multiple: true },
        'listen-bmp': { type: 'string' },
        'idle-timeout': { type: 'string' },
        'expiry-interval': { type: 'string' },
        'log-level': { type: 'string' },
        replay: { type: 'string', multiple: true },
        'replay-speed': { type: 'string' },
        'shutdown-timeout': { type: 'string' },
        help: { type: 'boolean', short: 'h' }
      },
      strict: true,
      allowPositionals: true
    }))
  } catch (e) {
    io.stderr.write(`bgproutes-live serve: ${(e as Error).message}\n\n${USAGE}`)
    return 2
  }
  if (values.help === true) {
    io.stdout.write(USAGE)
    return 0
  }
  if (positionals.length > 0 && values.replay === undefined) {
    io.stderr.write(`bgproutes-live serve: unexpected argument ${JSON.stringify(positionals[0])}; MRT files go after --replay\n`)
    return 2
  }
  const { config: configFile, help: _help, ...rest } = values
  const flags: ServeFlags = { ...rest }
  if (values.replay !== undefined) flags.replay = [...values.replay, ...positionals]

  let config: ServeConfig
  try {
    const file: unknown = configFile === undefined ? {} : JSON.parse(await readFile(configFile, 'utf8'))
    config = resolveServeConfig(flags, env, file)
  } catch (e) {
    const what = e instanceof ConfigError || e instanceof SyntaxError ? 'configuration' : 'cannot read configuration'
    io.stderr.write(`bgproutes-live serve: ${what}: ${(e as Error).message}\n`)
    return 2
  }

  const logger = createLogger({ level: config.logLevel, destination: io.stderr, base: { service: 'bgproutes-live', version: io.version } })
  let server: LiveServer
  try {
    server = await startLiveServer(config, { env, logger })
  } catch (e) {
    if (e instanceof KeySecretError) io.stderr.write(`bgproutes-live serve: ${e.message}\n`)
    logger.fatal({ err: e }, 'cannot start the live service')
    return 1
  }
  const a = server.addresses
  // One write, so that a reader sees every address at once.
  let lines = `live manager API  ${a.http}\nwebsocket stream  ${a.ws}\n`
  for (const b of a.bgp) lines += `BGP collector     ${b}\n`
  if (a.bmp !== undefined) lines += `BMP station       ${a.bmp}\n`
  io.stdout.write(lines)

  const failure = await Promise.race([waitForSignal(logger).then(() => undefined), server.failed])
  try {
    await server.stop()
  } catch (e) {
    logger.error({ err: e }, 'shutdown failed')
    return 1
  }
  return failure === undefined ? 0 : 1
}
