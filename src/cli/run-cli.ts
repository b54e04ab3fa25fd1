// Subcommand dispatch for the `bgproutes-live` command. Each subcommand lives in
// commands/<name>.ts, takes its own arguments and the output streams, and returns an exit code.
// Commands are imported when chosen, so that one does not pay for loading the others.

export interface CliIo {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
  version: string
}

const USAGE = `usage: bgproutes-live <command> [options]

commands:
  serve [--config FILE] [--listen-http ADDR:PORT] [--replay FILE...]
                                              run the live service: collector, BMP station, matcher,
                                              websocket stream and live manager API (docs/serve.md)
  mrt dump [--format bgpdump|json] FILE...   print the records of MRT files (RFC 6396), gzip/bzip2 or plain
  collect [--config FILE] [--listen-bgp ADDR:PORT] [--listen-bmp ADDR:PORT]
                                              run the BGP route collector and BMP station,
                                              records as JSON lines on stdout
  collector | matcher | gateway | api --kafka BROKERS
                                              one role of a deployment over Kafka (docs/deploy.md)
  keys create|list|revoke|set-limit|set-prefixes
                                              manage API keys ('bgproutes-live keys help')
  help                                        this text
  version                                     print the version

Run 'bgproutes-live <command> --help' for a command's options.
`

export async function runCli (argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case 'mrt': {
      const [sub, ...args] = rest
      if (sub === 'dump') return await (await import('./commands/mrt-dump.ts')).runMrtDump(args, io)
      io.stderr.write(`bgproutes-live mrt: unknown subcommand ${JSON.stringify(sub ?? '')}; try 'bgproutes-live mrt dump FILE'\n`)
      return 2
    }
    case 'serve':
      return await (await import('./commands/serve.ts')).runServe(rest, io)
    case 'collect':
      return await (await import('./commands/collect.ts')).runCollect(rest, io)
    case 'collector':
    case 'matcher':
    case 'gateway':
    case 'api':
      return await (await import('./commands/role.ts')).runRole(command, rest, io)
    case 'keys':
      return await (await import('./commands/keys.ts')).runKeys(rest, io)
    case 'version':
    case '--version':
      io.stdout.write(io.version + '\n')
      return 0
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.stdout.write(USAGE)
      return command === undefined ? 2 : 0
    default:
      io.stderr.write(`bgproutes-live: unknown command ${JSON.stringify(command)}\n\n${USAGE}`)
      return 2
  }
}
