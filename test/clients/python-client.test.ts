// Runs the Python client's own tests (clients/python/tests, pytest with Debian's python3-pytest,
// python3-requests and python3-websocket), so that `npm test` covers the client. The pytest
// fixtures start `bgproutes-live serve` themselves, with an MRT replay, on temp data dirs.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { it } from 'node:test'
import { NODE, ROOT } from '../e2e/serve-process.ts'

const PYTHON = process.env.BGPL_TEST_PYTHON ?? '/usr/bin/python3'

it('the Python client (clients/python): pytest against the real server', { timeout: 300_000 }, async () => {
  const env = { ...process.env, BGPL_NODE: NODE, PYTHONDONTWRITEBYTECODE: '1' }
  const child = spawn(PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', join(ROOT, 'clients/python/tests')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => { output += d })
  child.stderr.setEncoding('utf8').on('data', (d: string) => { output += d })
  // The whole process group: pytest and the `serve` processes its fixtures started.
  const kill = (): void => { try { process.kill(-(child.pid as number), 'SIGKILL') } catch {} }
  const timer = setTimeout(kill, 240_000)
  process.once('exit', kill)
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  clearTimeout(timer)
  process.removeListener('exit', kill)
  // 0: every test passed; 5 (no tests collected) and anything else fail.
  assert.equal(code, 0, output)
  const summary = output.trim().split('\n').at(-1) ?? ''
  assert.match(summary, /^\d+ passed/, output)
  assert.doesNotMatch(summary, /failed|error|skipped|deselected/, output)
})
