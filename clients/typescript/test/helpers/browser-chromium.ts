// Headless Chromium (the Debian package, never a downloaded browser) through playwright-core, and
// a page of it run to its `window.__result`. A missing Chromium fails with how to install it.
import { existsSync } from 'node:fs'
import { chromium } from 'playwright-core'
import type { Browser } from 'playwright-core'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

export async function launchChromium (): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium, as scripts/install-test-deps does) or set CHROMIUM_PATH`)
  }
  return await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 30_000 })
}

/** What the test page leaves in `window.__result` (see browser-page-server.ts). */
export interface PageResult {
  ok: boolean
  steps: string[]
  frames: unknown[]
  setPrefixes?: { prefixes: string[] }
  status?: { prefixes: string[], openSessions?: number }
  stats?: { messages: number, reconnects: number, lastSeq: number | undefined }
  error?: {
    name: string
    message: string
    code: string | undefined
    status: number | undefined
    closeCode: number | undefined
    isBgplError: boolean
    isUnknownKeyError: boolean
    isConnectionError: boolean
  }
  /** The page's console and uncaught errors, for a failure's message. */
  log: string[]
}

/** Opens `url` in a new context and waits (at most `ms`) for the page's `window.__result`. */
export async function runPage (browser: Browser, url: string, ms = 30_000): Promise<PageResult> {
  const context = await browser.newContext()
  const log: string[] = []
  try {
    const page = await context.newPage()
    page.on('console', (m) => { log.push(`${m.type()}: ${m.text()}`) })
    page.on('pageerror', (e) => { log.push(`pageerror: ${e.message}`) })
    page.on('requestfailed', (r) => { log.push(`requestfailed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`) })
    await page.goto(url, { timeout: ms })
    try {
      await page.waitForFunction('window.__result !== undefined', undefined, { timeout: ms })
    } catch (error) {
      throw new Error(`the page left no result within ${ms} ms:\n${log.join('\n')}`, { cause: error })
    }
    const result = await page.evaluate('window.__result') as Omit<PageResult, 'log'>
    return { ...result, log }
  } finally {
    await context.close()
  }
}
