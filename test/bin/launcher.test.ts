// bin/bgproutes-live, the sh launcher a deployment runs: the node of node_modules with V8's old
// generation pre-sized and memory outside the heap counted in V8's global limit (docs/deploy.md,
// "Node.js and V8"), and BGPL_NODE_ARGS after them.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { join, resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '../..')
const LAUNCHER = join(ROOT, 'bin/bgproutes-live')
// Runs before the CLI's entry and ends the process: what node was started with.
const SHOW = '--import=data:text/javascript,console.log(JSON.stringify({argv:process.execArgv,node:process.version}));process.exit(0)'

function launch (nodeArgs: string): { argv: string[], node: string } {
  return JSON.parse(execFileSync(LAUNCHER, ['--help'], { env: { ...process.env, BGPL_NODE_ARGS: nodeArgs }, encoding: 'utf8' })) as { argv: string[], node: string }
}

test('the launcher runs Node.js 24 with the old generation pre-sized and external memory in the global limit', () => {
  const { argv, node } = launch(SHOW)
  assert.match(node, /^v24\./)
  assert.deepEqual(argv.slice(0, 2), ['--initial-old-space-size=256', '--external-memory-accounted-in-global-limit'])
})

test('BGPL_NODE_ARGS come after the launcher\'s flags (V8 takes a flag\'s last value: a size given there wins)', () => {
  const { argv } = launch(`--initial-old-space-size=512 ${SHOW}`)
  assert.deepEqual(argv.slice(0, 3), ['--initial-old-space-size=256', '--external-memory-accounted-in-global-limit', '--initial-old-space-size=512'])
})

test('the launcher runs the CLI', () => {
  const out = execFileSync(LAUNCHER, ['--help'], { encoding: 'utf8' })
  assert.match(out, /^usage: bgproutes-live <command>/)
})
