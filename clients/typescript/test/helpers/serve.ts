// `bgproutes-live serve` for the client's tests: the root end-to-end helpers (a child process on a
// temp data dir and loopback ports, keys made with the real CLI), and the RIS rrc06 replay data.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { NODE, ROOT, createKeyWithCli, startServe } from '../../../../test/e2e/serve-process.ts'
import type { ServeProcess } from '../../../../test/e2e/serve-process.ts'
import { RRC06, RRC06_PREFIXES, expectedFrames } from '../../../../test/service/rrc06.ts'

export { NODE, ROOT, RRC06, RRC06_PREFIXES, expectedFrames }

/** A Route Views update file whose routes change origin AS (rrc06's never do). */
export const JINX = join(dirname(RRC06), 'routeviews.route-views.jinx.updates.1427846400.bz2')
export const JINX_PREFIXES = ['207.0.0.0/8', '214.0.0.0/8', '209.0.0.0/8']
export type { ServeProcess }

export interface ReplayServe {
  serve: ServeProcess
  dataDir: string
  /** A new key (made with the CLI, on the stopped-or-running store), with these prefixes. */
  key: (prefixes: string) => Promise<string>
  stop: () => Promise<void>
}

/**
 * serve on a temp data dir, HTTP and the stream on one loopback port, no BGP or BMP listener,
 * replaying an MRT file (default rrc06) at full speed. `keys` are made before it starts (their prefixes known
 * to the matcher at once); `key()` makes more while it runs.
 */
export async function startReplayServe (keyPrefixes: string[], file = RRC06): Promise<ReplayServe & { keys: string[] }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bgpl-ts-client-'))
  try {
    const keys: string[] = []
    for (const prefixes of keyPrefixes) keys.push((await createKeyWithCli(dataDir, prefixes)).key)
    const serve = await startServe(['--data-dir', dataDir, '--listen-http', '127.0.0.1:0', '--listen-bgp', 'none', '--listen-bmp', 'none', '--replay', file, '--replay-speed', 'max'])
    return {
      serve,
      dataDir,
      keys,
      key: async (prefixes) => (await createKeyWithCli(dataDir, prefixes)).key,
      stop: async () => {
        await serve.stop()
        rmSync(dataDir, { recursive: true, force: true })
      }
    }
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true })
    throw error
  }
}

/** Polls `check` every 25 ms until it is true; throws after `ms`. */
export async function waitUntil (check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
