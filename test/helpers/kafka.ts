// A real Kafka broker for a test, through scripts/kafka: started in a temp run dir on loopback
// ports of its own (so a developer's broker on 9092 is left alone), with a bounded wait for
// readiness, and stopped (exactly the processes it started, by pid file) by `stop()` — and, should
// the test process exit without calling it, by an exit hook.
//
//   const kafka = await startKafka()            // 1 broker; startKafka({ brokers: 3 }) for 3
//   after(() => kafka.stop())
//   ... kafka.bootstrap  → ['127.0.0.1:19092']
//
// The broker jars are fetched by Maven into ./.cache/kafka on first use (about 43 MB; see
// docs/kafka.md); KAFKA_CACHE points elsewhere.

import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)
const SCRIPT = resolve(import.meta.dirname, '../../scripts/kafka')

export interface KafkaOptions {
  /** 1 (default) or 3 brokers. */
  brokers?: 1 | 3
  /** PLAINTEXT port of node 1; node n listens on port + 100 (n - 1). Default 19092. */
  port?: number
  /** Seconds to wait for the brokers to be ready (fetching the jars is not counted). Default 60. */
  timeoutSeconds?: number
}

export interface TestKafka {
  readonly bootstrap: string[]
  /** Stops the brokers and deletes their data. Idempotent. */
  stop (): Promise<void>
  /**
   * Fault tests: sends `signal` (default SIGKILL, as kill -9) to broker node `node` (1..N, its
   * node.id), found by its pid file and only if that pid still runs that node. Returns the pid.
   */
  kill (node: number, signal?: NodeJS.Signals): number
}

export async function startKafka (options: KafkaOptions = {}): Promise<TestKafka> {
  const count = options.brokers ?? 1
  const port = options.port ?? 19_092
  const runDir = mkdtempSync(join(tmpdir(), 'bgproutes-kafka-'))
  const env = {
    ...process.env,
    KAFKA_RUN_DIR: runDir,
    KAFKA_PORT: String(port),
    KAFKA_START_TIMEOUT: String(options.timeoutSeconds ?? 60)
  }
  let stopped = false
  const stopSync = (): void => {
    if (stopped) return
    stopped = true
    try {
      execFileSync(SCRIPT, ['stop'], { env, stdio: 'ignore', timeout: 60_000 })
    } finally {
      rmSync(runDir, { recursive: true, force: true })
    }
  }
  process.once('exit', stopSync)
  // The jars first, with their own (longer) bound: a cold Maven download is not broker start-up.
  await execFileAsync(SCRIPT, ['fetch'], { env, timeout: 600_000 })
  try {
    // scripts/kafka start bounds its own wait (KAFKA_START_TIMEOUT) and stops what it started on
    // failure; the timeout here is a second bound should the script itself hang.
    await execFileAsync(SCRIPT, ['start', String(count)], { env, timeout: ((options.timeoutSeconds ?? 60) + 60) * 1000 })
  } catch (error) {
    stopSync()
    process.removeListener('exit', stopSync)
    throw error
  }
  const bootstrap = Array.from({ length: count }, (_, i) => `127.0.0.1:${port + 100 * i}`)
  return {
    bootstrap,
    kill (node: number, signal: NodeJS.Signals = 'SIGKILL'): number {
      const dir = join(runDir, `node-${node}`)
      const pid = Number(readFileSync(join(dir, 'pid'), 'utf8').trim())
      let cmdline = ''
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      } catch {}
      if (!Number.isSafeInteger(pid) || pid <= 1 || !cmdline.includes(join(dir, 'server.properties'))) throw new Error(`broker node ${node} is not running`)
      process.kill(pid, signal)
      return pid
    },
    async stop () {
      if (stopped) return
      stopped = true
      process.removeListener('exit', stopSync)
      try {
        await execFileAsync(SCRIPT, ['stop'], { env, timeout: 60_000 })
      } finally {
        rmSync(runDir, { recursive: true, force: true })
      }
    }
  }
}
