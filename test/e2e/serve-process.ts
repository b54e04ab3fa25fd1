// `bgproutes-live serve` as a child process for the end-to-end tests: started on a temp data dir
// and loopback ports, its printed addresses read, stopped with SIGTERM (SIGKILL after 15 s), and
// killed whatever happens when the test process exits. Keys are made with the real CLI.
import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'

export const ROOT = resolve(import.meta.dirname, '../..')
export const NODE = join(ROOT, 'node_modules/.bin/node')
const BIN = join(ROOT, 'bin/bgproutes-live.js')
const run = promisify(execFile)

const running = new Set<ChildProcess>()
process.once('exit', () => { for (const p of running) p.kill('SIGKILL') })

/** The command line of `serve`, through the real CLI entry. */
export function serveCommand (): string[] {
  return [BIN, 'serve']
}

export interface ServeProcess {
  child: ChildProcess
  http: string
  ws: string
  /** The first BGP listener, or undefined with none. */
  bgp: string | undefined
  stdout: () => string
  stderr: () => string
  /** SIGTERM, then the exit code. */
  stop: () => Promise<number | null>
}

export async function startServe (args: string[], env: Record<string, string> = {}): Promise<ServeProcess> {
  const child = spawn(NODE, [...serveCommand(), ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  running.add(child)
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d })
  child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { running.delete(child); resolve(code) }))
  const deadline = Date.now() + 20_000
  while (!/^websocket stream/m.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`serve did not start (exit ${child.exitCode}):\n${out}\n${err}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const field = (label: string): string | undefined => new RegExp(`^${label}\\s+(\\S+)`, 'm').exec(out)?.[1]
  return {
    child,
    http: field('live manager API') as string,
    ws: field('websocket stream') as string,
    bgp: field('BGP collector'),
    stdout: () => out,
    stderr: () => err,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM')
      const timer = setTimeout(() => { child.kill('SIGKILL') }, 15_000)
      const code = await exited
      clearTimeout(timer)
      return code
    }
  }
}

/** `bgproutes-live keys create --json` on the data dir; the key and its id. */
export async function createKeyWithCli (dataDir: string, prefixes: string, env: Record<string, string> = {}): Promise<{ key: string, id: string }> {
  const args = [BIN, 'keys', 'create', '--data-dir', dataDir, '--json']
  if (prefixes !== '') args.push('--prefixes', prefixes)
  const { stdout } = await run(NODE, args, { cwd: ROOT, env: { ...process.env, ...env }, timeout: 20_000 })
  const json = JSON.parse(stdout) as { key: string, id: string }
  return { key: json.key, id: json.id }
}

/**
 * serve numbers each key's frames from `Date.now() * 1000` taken as it starts, plus 1
 * (docs/protocol.md). Call with Date.now() from before startServe, once it has returned: `check`
 * asserts that a seq base (the first seq of a key, minus 1) lies between the two instants.
 */
export function seqBaseWindow (before: number): { check: (base: number) => void } {
  const after = Date.now()
  return {
    check: (base) => {
      assert.ok(Number.isSafeInteger(base) && base >= before * 1000 && base <= after * 1000, `seq base ${base} not within [${before * 1000}, ${after * 1000}]`)
    }
  }
}
