// Real BGP daemons as test peers (see /work/shared/peers/README.md): configs made from the
// shared templates in a temporary folder, daemons started in the foreground as child processes,
// controlled through their own interfaces (gobgp, birdc, vtysh, the ExaBGP API), and killed at
// the end (SIGTERM, then SIGKILL), including when the test fails or the process exits.
import { spawn, execFile } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, openSync, closeSync } from 'node:fs'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

export const TEMPLATES = process.env.PEER_TEMPLATES ?? join(import.meta.dirname, '../../../../shared/peers/configs')
const run = promisify(execFile)

const running = new Set<ChildProcess>()
process.once('exit', () => { for (const p of running) p.kill('SIGKILL') })

/** A free TCP port on 127.0.0.1 (bound, read, released). */
export async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => { resolve() }))
  return port
}

export function makeRunDir (name: string): string {
  return mkdtempSync(join(tmpdir(), `bgproutes-${name}-`))
}

/** A shared template with @RUN_DIR@ and @MRT_DIR@ filled in. */
export function template (file: string, runDir: string): string {
  return readFileSync(join(TEMPLATES, file), 'utf8').replaceAll('@RUN_DIR@', runDir).replaceAll('@MRT_DIR@', runDir)
}

export interface Daemon {
  readonly name: string
  readonly runDir: string
  readonly process: ChildProcess
  /** The daemon's own log (stdout and stderr). */
  log: () => string
  stop: (signal?: NodeJS.Signals) => Promise<void>
}

/** Start a daemon in the foreground; its output goes to RUN_DIR/NAME.out. */
export function startDaemon (name: string, runDir: string, command: string, args: string[], env?: Record<string, string>): Daemon {
  const outPath = join(runDir, `${name}.out`)
  const out = openSync(outPath, 'a')
  const child = spawn(command, args, { cwd: runDir, stdio: ['ignore', out, out], env: { ...process.env, ...env } })
  closeSync(out)
  running.add(child)
  const exited = new Promise<void>((resolve) => child.once('exit', () => { running.delete(child); resolve() }))
  child.once('error', () => { running.delete(child) })
  return {
    name,
    runDir,
    process: child,
    log: () => { try { return readFileSync(outPath, 'utf8') } catch { return '' } },
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill(signal)
      const timer = setTimeout(() => { child.kill('SIGKILL') }, 3000)
      await exited
      clearTimeout(timer)
    }
  }
}

export async function command (cmd: string, args: string[]): Promise<string> {
  const { stdout } = await run(cmd, args, { timeout: 10_000 })
  return stdout
}

export function removeRunDir (dir: string): void {
  if (process.env.KEEP_RUN_DIR !== '1') rmSync(dir, { recursive: true, force: true })
}

/** Remove a `protocol bgp NAME { ... }` block (no nested braces deeper than one level) from a BIRD config. */
export function removeBirdProtocol (config: string, name: string): string {
  const start = config.indexOf(`protocol bgp ${name} {`)
  if (start === -1) return config
  let depth = 0
  for (let i = config.indexOf('{', start); i < config.length; i++) {
    if (config[i] === '{') depth++
    else if (config[i] === '}' && --depth === 0) return config.slice(0, start) + config.slice(i + 1)
  }
  return config
}

export function writeConfig (runDir: string, file: string, text: string): string {
  const path = join(runDir, file)
  writeFileSync(path, text)
  return path
}
