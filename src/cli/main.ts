// bgproutes-live: one command, a subcommand per role.
import { readFileSync } from 'node:fs'
import { enableCompileCache } from 'node:module'

// V8's code cache, with our TypeScript already stripped, in the OS temp dir: a command starts
// in a fifth of the time. Enabled before anything of ours is imported, hence the dynamic import.
enableCompileCache()
const { runCli } = await import('./run-cli.ts')

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  version: pkg.version
})
