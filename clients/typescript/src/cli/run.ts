// Entry point of the bgproutes-live-client command (bin/bgproutes-live-client): runs main() on
// the process's arguments; SIGINT and SIGTERM stop a stream cleanly.
import { main } from './main.ts'

const stop = new AbortController()
process.once('SIGINT', () => { stop.abort() })
process.once('SIGTERM', () => { stop.abort() })
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') { stop.abort(); process.exit(0) }
  throw error
})
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: stop.signal })
