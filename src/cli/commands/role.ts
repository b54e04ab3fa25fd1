// `bgproutes-live collector | matcher | gateway | api`: one role of a deployment over Kafka
// (docs/deploy.md). Each prints what it listens on, logs JSON lines to stderr, and stops cleanly
// on SIGTERM or SIGINT (exit 0). Settings are those of `serve` (docs/serve.md) plus Kafka's.
import { readFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { parseArgs } from 'node:util'
import { kafkaSettingsFromEnv } from '../../kafka/kafka-settings.ts'
import { KeySecretError } from '../../keys/secret.ts'
import { createLogger } from '../../log.ts'
import { ROLE_DEFAULT_HTTP } from '../../service/roles/role.ts'
import type { RoleContext, RoleName, RunningRole } from '../../service/roles/role.ts'
import { resolveServeConfig } from '../../service/serve-config.ts'
import type { ServeFlags } from '../../service/serve-config.ts'
import { ConfigError } from '../../sources/bgp/collector-config.ts'
import type { CliIo } from '../run-cli.ts'
import { waitForSignal } from '../wait-for-signal.ts'

const WHAT: Record<RoleName, string> = {
  collector: 'BGP collector and BMP station (and --replay): records to the Kafka records topic',
  matcher: 'a member of the matchers\' group: records to each key\'s frames topic',
  gateway: 'the websocket stream over the keys\' topics',
  api: 'the live manager API; publishes prefix changes to the matchers'
}

function usage (role: RoleName): string {
  const collector = role !== 'collector'
    ? ''
    : `  --listen-bgp ADDR:PORT     BGP collector, repeatable; 'none' for no listener (default 127.0.0.1:1179)
  --listen-bmp ADDR:PORT     BMP station; 'none' to disable (default 127.0.0.1:11019)
  --replay FILE...           publish the records of MRT files too
  --replay-speed N|max       N times the files' own pace, or max (default max)
`
  return `usage: bgproutes-live ${role} --kafka HOST:PORT[,HOST:PORT...] [options]

Run ${WHAT[role]}.
One role of a deployment over Kafka (docs/deploy.md); \`serve\` runs them all in one process.

options:
  --kafka BROKERS            bootstrap brokers (BGPL_KAFKA_BROKERS); TLS, SASL and topic
                             settings from the environment (docs/kafka.md)
  --config FILE              JSON settings, as for serve (flags and environment win over it)
  --listen-http ADDR:PORT    this role's HTTP port (default ${ROLE_DEFAULT_HTTP[role]}): ${role === 'api' ? 'the API' : role === 'gateway' ? 'the stream' : '/metrics'},
                             /healthz and /readyz
  --data-dir DIR             the embedded store (one machine only); DATABASE_URL for PostgreSQL
${collector}  --idle-timeout DURATION    keys unused this long lose their prefixes (default 4h)
  --expiry-interval DURATION how often the api role checks it (default 1m)
  --shutdown-timeout DURATION  longest wait for sessions to take their last frames (default 10s)
  --log-level LEVEL          trace, debug, info (default), warn, error, fatal, silent
  -h, --help                 this text
`
}

export async function runRole (role: RoleName, argv: string[], io: CliIo, env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  let values
  let positionals: string[]
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: {
        kafka: { type: 'string' },
        config: { type: 'string' },
        'data-dir': { type: 'string' },
        'listen-http': { type: 'string' },
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
    io.stderr.write(`bgproutes-live ${role}: ${(e as Error).message}\n\n${usage(role)}`)
    return 2
  }
  if (values.help === true) {
    io.stdout.write(usage(role))
    return 0
  }
  const onlyCollector = ['listen-bgp', 'listen-bmp', 'replay', 'replay-speed'] as const
  for (const f of onlyCollector) {
    if (role !== 'collector' && values[f] !== undefined) {
      io.stderr.write(`bgproutes-live ${role}: --${f} is an option of the collector role\n`)
      return 2
    }
  }
  if (positionals.length > 0 && values.replay === undefined) {
    io.stderr.write(`bgproutes-live ${role}: unexpected argument ${JSON.stringify(positionals[0])}\n`)
    return 2
  }
  const { config: configFile, help: _help, kafka: brokers, ...rest } = values
  const flags: ServeFlags = { ...rest }
  if (values.replay !== undefined) flags.replay = [...values.replay, ...positionals]
  flags['listen-http'] ??= env.BGPL_LISTEN_HTTP !== undefined && env.BGPL_LISTEN_HTTP !== '' ? env.BGPL_LISTEN_HTTP : ROLE_DEFAULT_HTTP[role]

  let ctx: RoleContext
  try {
    const file: unknown = configFile === undefined ? {} : JSON.parse(await readFile(configFile, 'utf8'))
    const config = resolveServeConfig(flags, env, file)
    const kafka = kafkaSettingsFromEnv(env, brokers === undefined ? {} : { brokers })
    const logger = createLogger({ level: config.logLevel, destination: io.stderr, base: { service: 'bgproutes-live', role, version: io.version } })
    ctx = { config, kafka, env, logger, clientId: `bgproutes-live-${role}-${hostname()}-${process.pid}` }
  } catch (e) {
    const what = e instanceof ConfigError || e instanceof SyntaxError ? 'configuration' : 'cannot read configuration'
    io.stderr.write(`bgproutes-live ${role}: ${what}: ${(e as Error).message}\n`)
    return 2
  }

  let running: RunningRole
  try {
    running = await start(role, ctx)
  } catch (e) {
    if (e instanceof KeySecretError) io.stderr.write(`bgproutes-live ${role}: ${e.message}\n`)
    ctx.logger.fatal({ err: e }, `cannot start the ${role} role`)
    return 1
  }
  const width = Math.max(...running.lines.map(([label]) => label.length)) + 2
  io.stdout.write(running.lines.map(([label, address]) => label.padEnd(width) + address + '\n').join(''))

  await waitForSignal(ctx.logger)
  try {
    await running.stop()
  } catch (e) {
    ctx.logger.error({ err: e }, 'shutdown failed')
    return 1
  }
  return 0
}

async function start (role: RoleName, ctx: RoleContext): Promise<RunningRole> {
  switch (role) {
    case 'collector': return await (await import('../../service/roles/collector-role.ts')).startCollectorRole(ctx)
    case 'matcher': return await (await import('../../service/roles/matcher-role.ts')).startMatcherRole(ctx)
    case 'gateway': return await (await import('../../service/roles/gateway-role.ts')).startGatewayRole(ctx)
    case 'api': return await (await import('../../service/roles/api-role.ts')).startApiRole(ctx)
  }
}
