// bgproutes-live: one command, a subcommand per role.
import { readFileSync } from 'node:fs'
import { runCli } from './run-cli.ts'

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  version: pkg.version
})
