// `bgproutes-live collector | matcher | gateway | api`: what a wrong command line gets (exit 2, a
// message naming the problem, nothing started) and --help. Running the roles is tested end to end
// in test/e2e (kafka-*.test.ts) on a real broker.
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { describe, it } from 'node:test'
import { runRole } from '../../src/cli/commands/role.ts'
import type { RoleName } from '../../src/service/roles/role.ts'

class Collect extends Writable {
  text = ''
  override _write (chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString()
    done()
  }
}

async function run (role: RoleName, argv: string[], env: Record<string, string> = {}): Promise<{ stdout: string, stderr: string, code: number }> {
  const stdout = new Collect()
  const stderr = new Collect()
  const code = await runRole(role, argv, { stdout, stderr, version: 'test' }, env)
  return { stdout: stdout.text, stderr: stderr.text, code }
}

describe('role command lines', () => {
  for (const role of ['collector', 'matcher', 'gateway', 'api'] as const) {
    it(`${role} --help prints its usage and exits 0`, async () => {
      const r = await run(role, ['--help'])
      assert.equal(r.code, 0)
      assert.match(r.stdout, new RegExp(`^usage: bgproutes-live ${role} --kafka`))
      assert.match(r.stdout, /--listen-http/)
      assert.equal(r.stderr, '')
    })

    it(`${role} without brokers says how to give them`, async () => {
      const r = await run(role, [])
      assert.equal(r.code, 2)
      assert.match(r.stderr, /Kafka brokers are not set: give --kafka host:port/)
      assert.equal(r.stdout, '')
    })
  }

  it('refuses a broker that is not host:port', async () => {
    const r = await run('matcher', ['--kafka', '127.0.0.1'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /Kafka broker "127\.0\.0\.1" is not host:port/)
  })

  it('refuses the collector\'s options on the other roles', async () => {
    for (const role of ['matcher', 'gateway', 'api'] as const) {
      const r = await run(role, ['--kafka', '127.0.0.1:9092', '--listen-bgp', '127.0.0.1:1179'])
      assert.equal(r.code, 2, role)
      assert.match(r.stderr, /--listen-bgp is an option of the collector role/)
    }
  })

  it('refuses an unknown option and a bad setting from the environment', async () => {
    const unknown = await run('api', ['--kafka', '127.0.0.1:9092', '--frobnicate'])
    assert.equal(unknown.code, 2)
    assert.match(unknown.stderr, /Unknown option '--frobnicate'/)
    const partitions = await run('collector', ['--kafka', '127.0.0.1:9092'], { BGPL_KAFKA_RECORD_PARTITIONS: 'many' })
    assert.equal(partitions.code, 2)
    assert.match(partitions.stderr, /BGPL_KAFKA_RECORD_PARTITIONS must be a whole number of at least 1, not "many"/)
  })

  it('fails to start, exit 1, when a role needs the key secret and has none', async () => {
    const r = await run('gateway', ['--kafka', '127.0.0.1:9', '--log-level', 'silent'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres' })
    assert.equal(r.code, 1)
    assert.match(r.stderr, /BGPL_KEY_SECRET is not set/)
  })
})
