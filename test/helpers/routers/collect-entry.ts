// Runs `collect` as its own process for tests, before the command is wired into run-cli.ts.
import { runCollect } from '../../../src/cli/commands/collect.ts'

process.exitCode = await runCollect(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, version: 'test' })
