// A whole Kafka deployment (docs/deploy.md) as child processes for the end-to-end tests: the roles
// `api`, `gateway`, `matcher` and `collector` of the real CLI, each on ephemeral loopback ports,
// over a real broker (test/helpers/kafka.ts), a fresh PostgreSQL database, a topic prefix of
// their own and one shared key secret. Each process's printed addresses are read; a process can
// be killed with any signal (SIGKILL included) and restarted under its name; `stop()` ends them
// all (SIGTERM, then SIGKILL after a bound), and an exit hook kills whatever is left should the
// test process end first. Every process's stderr (pino JSON) is kept for diagnostics.
//
//   const kafka = await startKafka({ port: 19700 })
//   const d = await startDeployment({ brokers: kafka.bootstrap, gateways: 2, matchers: 2 })
//   await d.start('collector', 'collector', ['--listen-bgp', '127.0.0.1:0', '--listen-bmp', 'none'])
//   const { key } = await d.createKey()
//   await d.setPrefixes(key, ['10.0.0.0/8'])
//   ... d.address('gateway-1', 'websocket stream') → ws://127.0.0.1:PORT/
//   await d.kill('matcher-1', 'SIGKILL')
//   await d.stop()   // then kafka.stop()
import { execFile, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Admin, Consumer } from '@platformatic/kafka'
import { createTestDatabase } from '../store/postgres-test-db.ts'
import type { TestDatabase } from '../store/postgres-test-db.ts'
import { NODE, ROOT } from './serve-process.ts'

const BIN = join(ROOT, 'bin/bgproutes-live.js')
const run = promisify(execFile)

export type Role = 'api' | 'gateway' | 'matcher' | 'collector'

/** The label every role prints first, once it has started (src/service/roles/*.ts). */
const READY_LABEL: Record<Role, string> = {
  api: 'live manager API',
  gateway: 'websocket stream',
  matcher: 'metrics',
  collector: 'metrics'
}

/** Kept of each process's stderr (the tail), for diagnostics. */
const STDERR_KEEP = 512 * 1024

const running = new Set<ChildProcess>()
process.once('exit', () => { for (const p of running) p.kill('SIGKILL') })

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

export interface RoleProcess {
  readonly name: string
  readonly role: Role
  readonly args: readonly string[]
  readonly child: ChildProcess
  /** The printed `label  address` lines, by label (the first of each label). */
  readonly addresses: ReadonlyMap<string, string>
  /** Every address printed under a label (the collector may print several BGP listeners). */
  readonly all: (label: string) => string[]
  readonly stdout: () => string
  readonly stderr: () => string
  /** Resolves when the process has exited. */
  readonly exited: Promise<Exit>
  /** Set once exited. */
  readonly exit: () => Exit | undefined
}

export interface DeploymentOptions {
  brokers: readonly string[]
  /** Gateways started as gateway-1..N (default 1). */
  gateways?: number
  /** Matchers started as matcher-1..M (default 1). */
  matchers?: number
  /** Start the api role as `api` (default true). */
  api?: boolean
  /** Partitions of the records topic (BGPL_KAFKA_RECORD_PARTITIONS); default 6. */
  recordPartitions?: number
  /** More environment for every process (and the keys CLI). */
  env?: Record<string, string>
  /** Bound on each process's start-up (default 60 s). */
  startTimeoutMs?: number
  /** Bound on a SIGTERM before SIGKILL in `stop()` (default 20 s). */
  stopTimeoutMs?: number
  /**
   * Before the matchers start, join and leave a consumer group of our own until the broker's group
   * coordinator answers (default true). On a fresh broker the first JoinGroup gets NOT_COORDINATOR
   * while __consumer_offsets is being created and the client's retries (10 × 250 ms) can run out:
   * before 2237bcb the matcher's subscription then stopped for good (process up, /readyz 200,
   * nothing consumed); since, it logs "Kafka subscription failed: joining the group again" (level
   * error, seen by `errors()`) and rejoins after a backoff. The warm-up keeps start-up short and
   * that error out of the logs; `warmUpGroupCoordinator: false` exercises the rejoin.
   */
  warmUpGroupCoordinator?: boolean
}

export interface Deployment {
  /** The environment every process gets (DATABASE_URL, BGPL_KEY_SECRET, BGPL_KAFKA_*). */
  readonly env: Readonly<Record<string, string>>
  readonly topicPrefix: string
  readonly database: TestDatabase
  /** Start a role under a name (unique among the running ones); --kafka and --listen-http 127.0.0.1:0 are added. */
  start: (name: string, role: Role, args?: string[]) => Promise<RoleProcess>
  /** The running (or last) process of that name. */
  get: (name: string) => RoleProcess
  names: () => string[]
  /** The address printed under `label` by that process (throws if none). */
  address: (name: string, label: string) => string
  /** http://HOST:PORT of the api role. */
  apiUrl: () => string
  /** ws://HOST:PORT/ of a gateway. */
  wsUrl: (name: string) => string
  /** The process's /metrics (the api's and the gateway's on their own port). */
  metrics: (name: string) => Promise<string>
  /** A metric's value (the first sample of that name, labels ignored), or undefined. */
  metric: (name: string, metric: string) => Promise<number | undefined>
  /** Wait (bounded) until `test` holds for the metric's value. */
  waitForMetric: (name: string, metric: string, test: (value: number) => boolean, timeoutMs?: number) => Promise<number>
  /** Send a signal and wait (bounded, 30 s) for the exit. */
  kill: (name: string, signal?: NodeJS.Signals) => Promise<Exit>
  /** Start the same role with the same arguments under the same name (it must have exited). */
  restart: (name: string) => Promise<RoleProcess>
  /** `keys create --json` with the deployment's environment; no prefixes unless given; more CLI options (e.g. --max-sessions 2). */
  createKey: (prefixes?: readonly string[], more?: readonly string[]) => Promise<{ key: string, id: string }>
  /** Set a key's prefixes through the api role (published to the matchers at once). */
  setPrefixes: (key: string, prefixes: readonly string[]) => Promise<void>
  /** Committed offsets of a consumer group of the deployment (e.g. 'matcher') on the records topic, by partition. */
  committedOffsets: (group: string) => Promise<Map<number, bigint>>
  /** End offsets (latest) of one of the deployment's topics (e.g. 'records'), by partition. */
  endOffsets: (topic: string, partitions: number) => Promise<Map<number, bigint>>
  /** The error and fatal log lines (pino level >= 50) of every process, prefixed with its name. */
  errors: () => string[]
  /** Every process: name, pid, exit, the last lines of stderr. */
  diagnostics: (lines?: number) => string
  /** SIGTERM to every running process, SIGKILL after the bound; the exits by name. Drops the database. Idempotent. */
  stop: () => Promise<Map<string, Exit>>
}

export async function startDeployment (options: DeploymentOptions): Promise<Deployment> {
  const database = await createTestDatabase()
  const topicPrefix = `bgpl-e2e-${randomBytes(5).toString('hex')}`
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    BGPL_KEY_SECRET: `e2e-kafka-secret-${randomBytes(16).toString('hex')}`,
    BGPL_KAFKA_BROKERS: options.brokers.join(','),
    BGPL_KAFKA_TOPIC_PREFIX: topicPrefix,
    BGPL_KAFKA_RECORD_PARTITIONS: String(options.recordPartitions ?? 6),
    LOG_LEVEL: 'info',
    ...options.env
  }
  const startTimeoutMs = options.startTimeoutMs ?? 60_000
  const stopTimeoutMs = options.stopTimeoutMs ?? 20_000
  const procs = new Map<string, RoleProcess>()
  let stopped: Promise<Map<string, Exit>> | undefined

  const get = (name: string): RoleProcess => {
    const p = procs.get(name)
    if (p === undefined) throw new Error(`no process named ${name} (have ${[...procs.keys()].join(', ')})`)
    return p
  }
  const address = (name: string, label: string): string => {
    const a = get(name).addresses.get(label)
    if (a === undefined) throw new Error(`${name} printed no ${JSON.stringify(label)} line:\n${get(name).stdout()}`)
    return a
  }
  const metricsUrl = (name: string): string => {
    const p = get(name)
    if (p.role === 'api') return `${address(name, 'live manager API')}/metrics`
    return address(name, 'metrics')
  }
  const metrics = async (name: string): Promise<string> => {
    const started = Date.now()
    try {
      const res = await fetch(metricsUrl(name), { signal: AbortSignal.timeout(30_000) })
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`)
      return await res.text()
    } catch (error) {
      throw new Error(`${name} /metrics: ${(error as Error).message} (after ${Date.now() - started} ms)`, { cause: error })
    }
  }
  const metric = async (name: string, metricName: string): Promise<number | undefined> => {
    const m = new RegExp(`^${metricName}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(await metrics(name))
    return m === null ? undefined : Number(m[1])
  }

  const start = async (name: string, role: Role, args: string[] = []): Promise<RoleProcess> => {
    if (stopped !== undefined) throw new Error('the deployment is stopped')
    const previous = procs.get(name)
    if (previous !== undefined && previous.exit() === undefined) throw new Error(`${name} is running (pid ${previous.child.pid ?? '?'})`)
    const argv = [BIN, role, '--kafka', options.brokers.join(','), '--listen-http', '127.0.0.1:0', ...args]
    const child = spawn(NODE, argv, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    running.add(child)
    let out = ''
    let err = ''
    let exit: Exit | undefined
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d })
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d
      if (err.length > 2 * STDERR_KEEP) err = err.slice(-STDERR_KEEP)
    })
    const exited = new Promise<Exit>((resolve) => {
      child.once('exit', (code, signal) => {
        running.delete(child)
        exit = { code, signal }
        resolve(exit)
      })
    })
    const addresses = new Map<string, string>()
    const all = (label: string): string[] => [...out.matchAll(new RegExp(`^${label}\\s+(\\S+)$`, 'gm'))].map((m) => m[1])
    const proc: RoleProcess = { name, role, args, child, addresses, all, stdout: () => out, stderr: () => err, exited, exit: () => exit }
    procs.set(name, proc)
    // The lines are printed in one write once the role has started; wait for the whole of it.
    const ready = new RegExp(`^${READY_LABEL[role]}\\s+\\S+$`, 'm')
    const deadline = Date.now() + startTimeoutMs
    while (!(ready.test(out) && out.endsWith('\n'))) {
      if (exit !== undefined || Date.now() > deadline) {
        child.kill('SIGKILL')
        await exited
        throw new Error(`${name} (${role} ${args.join(' ')}) did not start (exit ${JSON.stringify(exit)}):\n${out}\n${tail(err, 40)}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    for (const m of out.matchAll(/^(\S.*?)\s{2,}(\S+)$/gm)) if (!addresses.has(m[1])) addresses.set(m[1], m[2])
    return proc
  }

  const kill = async (name: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> => {
    const p = get(name)
    if (p.exit() === undefined) p.child.kill(signal)
    const timer = setTimeout(() => { p.child.kill('SIGKILL') }, 30_000)
    try {
      return await p.exited
    } finally {
      clearTimeout(timer)
    }
  }

  const deployment: Deployment = {
    env,
    topicPrefix,
    database,
    start,
    get,
    names: () => [...procs.keys()],
    address,
    apiUrl: () => address('api', 'live manager API'),
    wsUrl: (name) => address(name, 'websocket stream'),
    metrics,
    metric,
    waitForMetric: async (name, metricName, test, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs
      let last: number | undefined
      let failure: Error | undefined
      for (;;) {
        try {
          last = await metric(name, metricName)
          failure = undefined
        } catch (error) {
          failure = error as Error
        }
        if (last !== undefined && failure === undefined && test(last)) return last
        if (Date.now() > deadline) throw new Error(`${name}: ${metricName} is ${String(last)} after ${timeoutMs} ms${failure === undefined ? '' : `; last scrape: ${failure.message}`}`)
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
    },
    kill,
    restart: async (name) => {
      const p = get(name)
      if (p.exit() === undefined) throw new Error(`${name} is still running`)
      return await start(name, p.role, [...p.args])
    },
    createKey: async (prefixes = [], more = []) => {
      const args = [BIN, 'keys', 'create', '--json', ...more]
      if (prefixes.length > 0) args.push('--prefixes', prefixes.join(','))
      const { stdout } = await run(NODE, args, { cwd: ROOT, env: { ...process.env, ...env }, timeout: 30_000 })
      const json = JSON.parse(stdout) as { key: string, id: string }
      return { key: json.key, id: json.id }
    },
    setPrefixes: async (key, prefixes) => {
      const url = `${deployment.apiUrl()}/update_live_prefixes?api_key=${encodeURIComponent(key)}&new_pfxs=${encodeURIComponent(prefixes.join(','))}`
      const res = await fetch(url, { signal: AbortSignal.timeout(30_000) })
      if (res.status !== 200) throw new Error(`update_live_prefixes: HTTP ${res.status} ${await res.text()}`)
    },
    committedOffsets: async (group) => {
      return await withAdmin(options.brokers, async (admin) => {
        const out = new Map<number, bigint>()
        const [g] = await admin.listConsumerGroupOffsets({ groups: [`${topicPrefix}.${group}`] })
        for (const t of g?.topics ?? []) {
          if (t.name !== `${topicPrefix}.records`) continue
          for (const p of t.partitions) if (p.committedOffset >= 0n) out.set(p.partitionIndex, p.committedOffset)
        }
        return out
      })
    },
    endOffsets: async (topic, partitions) => {
      return await withAdmin(options.brokers, async (admin) => {
        const out = new Map<number, bigint>()
        const name = `${topicPrefix}.${topic}`
        const listed = await admin.listOffsets({ topics: [{ name, partitions: Array.from({ length: partitions }, (_, i) => ({ partitionIndex: i, timestamp: -1n })) }] })
        for (const t of listed) if (t.name === name) for (const p of t.partitions) out.set(p.partitionIndex, p.offset)
        return out
      })
    },
    errors: () => {
      const out: string[] = []
      for (const p of procs.values()) {
        for (const line of p.stderr().split('\n')) {
          const level = /^\{"level":(\d+)/.exec(line)?.[1]
          if (level !== undefined && Number(level) >= 50) out.push(`${p.name}: ${line.length > 600 ? line.slice(0, 600) + '...' : line}`)
        }
      }
      return out
    },
    diagnostics: (lines = 30) => {
      const parts: string[] = []
      for (const p of procs.values()) {
        parts.push(`--- ${p.name} (${p.role} ${p.args.join(' ')}) pid ${p.child.pid ?? '?'} exit ${JSON.stringify(p.exit() ?? 'running')}\n${p.stdout()}${tail(p.stderr(), lines)}`)
      }
      return parts.join('\n')
    },
    stop: async () => {
      stopped ??= (async () => {
        const exits = new Map<string, Exit>()
        await Promise.all([...procs.values()].map(async (p) => {
          if (p.exit() === undefined) p.child.kill('SIGTERM')
          const timer = setTimeout(() => { p.child.kill('SIGKILL') }, stopTimeoutMs)
          exits.set(p.name, await p.exited)
          clearTimeout(timer)
        }))
        await database.drop().catch(() => {})
        return exits
      })()
      return await stopped
    }
  }

  try {
    if (options.warmUpGroupCoordinator ?? true) await warmUpGroupCoordinator(options.brokers, `${topicPrefix}.warmup`)
    if (options.api ?? true) await start('api', 'api')
    // Matchers and gateways start together (each waits for its own readiness).
    const starting: Array<Promise<RoleProcess>> = []
    for (let i = 1; i <= (options.matchers ?? 1); i++) starting.push(start(`matcher-${i}`, 'matcher'))
    for (let i = 1; i <= (options.gateways ?? 1); i++) starting.push(start(`gateway-${i}`, 'gateway'))
    const results = await Promise.allSettled(starting)
    const failed = results.find((r) => r.status === 'rejected')
    if (failed !== undefined) throw failed.reason
  } catch (error) {
    await deployment.stop()
    throw error
  }
  return deployment
}

async function withAdmin<T> (brokers: readonly string[], fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Admin({ clientId: 'bgpl-e2e-admin', bootstrapBrokers: [...brokers], retries: 5, retryDelay: 250 })
  try {
    return await fn(admin)
  } finally {
    await admin.close().catch(() => {})
  }
}

/** Join and leave a consumer group until that works (bounded, 60 s): the group coordinator is up. */
export async function warmUpGroupCoordinator (brokers: readonly string[], groupId: string): Promise<void> {
  const consumer = new Consumer({ clientId: 'bgpl-e2e-warmup', bootstrapBrokers: [...brokers], groupId, retries: 2, retryDelay: 250 })
  const deadline = Date.now() + 60_000
  try {
    for (;;) {
      try {
        await consumer.joinGroup()
        await consumer.leaveGroup()
        return
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`the group coordinator did not answer in 60 s: ${(error as Error).message}`)
        await new Promise((resolve) => setTimeout(resolve, 500))
      }
    }
  } finally {
    await consumer.close(true).catch(() => {})
  }
}

/** The last `lines` lines of a text. */
function tail (text: string, lines: number): string {
  return text.split('\n').slice(-lines - 1).join('\n')
}

/** Run `fn`; should it throw, print the deployment's diagnostics to stderr first. */
export async function withDiagnostics<T> (deployment: Deployment | undefined, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    if (deployment !== undefined) process.stderr.write(`\n=== deployment diagnostics ===\n${deployment.diagnostics()}\n`)
    throw error
  }
}
