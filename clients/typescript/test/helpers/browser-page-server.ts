// A loopback HTTP server for the browser test: the client's .ts sources as JavaScript modules
// (types stripped by Node.js, no bundler), a test page that runs the client and leaves its
// outcome in `window.__result`, and, optionally, `/v1/*` forwarded to serve's live manager API so
// that the page and the API share one origin (the API sends no CORS headers).
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { stripTypeScriptTypes } from 'node:module'
import { join, normalize, sep } from 'node:path'

const SRC = join(import.meta.dirname, '../../src')

/**
 * The page: its URL carries the settings (`apiKey`, `apiUrl`, `wsUrl`, `steps`, run in
 * order, among `prefixes,status,stream`, `prefixes` comma separated, `count` frames from `since`).
 */
const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>bgproutes-live client</title></head>
<body>
<script type="module">
import { BgproutesLiveClient, BgplError, ConnectionError, UnknownKeyError } from '/src/index.ts'
const q = new URL(location.href).searchParams
const steps = (q.get('steps') ?? '').split(',')
const out = { ok: false, steps: [], frames: [] }
try {
  const client = new BgproutesLiveClient({ apiKey: q.get('apiKey'), apiUrl: q.get('apiUrl'), wsUrl: q.get('wsUrl'), reconnect: false })
  for (const step of steps) {
    if (step === 'prefixes') out.setPrefixes = await client.setPrefixes((q.get('prefixes') ?? '').split(',').filter((p) => p !== ''))
    else if (step === 'status') out.status = await client.status()
    else if (step === 'stream') {
      const count = Number(q.get('count'))
      for await (const frame of client.messages({ since: Number(q.get('since') ?? 0), signal: AbortSignal.timeout(20000) })) {
        out.frames.push(frame)
        if (out.frames.length >= count) break
      }
      out.stats = { ...client.stats }
    } else throw new Error('unknown step ' + step)
    out.steps.push(step)
  }
  out.ok = true
} catch (error) {
  out.error = {
    name: error?.name,
    message: String(error?.message),
    code: error?.code,
    status: error?.status,
    closeCode: error?.closeCode,
    isBgplError: error instanceof BgplError,
    isUnknownKeyError: error instanceof UnknownKeyError,
    isConnectionError: error instanceof ConnectionError
  }
}
window.__result = out
</script>
</body></html>
`

export interface PageServer {
  origin: string
  close: () => Promise<void>
}

async function source (path: string): Promise<string | undefined> {
  const file = normalize(join(SRC, path))
  if (!file.startsWith(SRC + sep) || !file.endsWith('.ts')) return undefined
  try {
    return stripTypeScriptTypes(await readFile(file, 'utf8'), { mode: 'strip' })
  } catch {
    return undefined
  }
}

async function forward (request: IncomingMessage, response: ServerResponse, apiUrl: string): Promise<void> {
  const chunks: Buffer[] = []
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk)
  const headers: Record<string, string> = {}
  for (const name of ['x-api-key', 'content-type', 'accept']) {
    const value = request.headers[name]
    if (typeof value === 'string') headers[name] = value
  }
  const method = request.method ?? 'GET'
  const answer = await fetch(new URL(request.url ?? '/', apiUrl), { method, headers, body: chunks.length === 0 ? undefined : Buffer.concat(chunks) })
  const out: Record<string, string> = {}
  for (const name of ['content-type', 'retry-after']) {
    const value = answer.headers.get(name)
    if (value !== null) out[name] = value
  }
  response.writeHead(answer.status, out).end(Buffer.from(await answer.arrayBuffer()))
}

/** Serves `/page.html`, `/src/*.ts`, and `/v1/*` forwarded to `apiUrl` when given. */
export async function startPageServer (apiUrl?: string): Promise<PageServer> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname
    const handle = async (): Promise<void> => {
      if (path === '/page.html') {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE)
      } else if (path.startsWith('/src/')) {
        const js = await source(path.slice('/src/'.length))
        if (js === undefined) response.writeHead(404).end()
        else response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(js)
      } else if (path.startsWith('/v1/') && apiUrl !== undefined) {
        await forward(request, response, apiUrl)
      } else {
        response.writeHead(404).end()
      }
    }
    handle().catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' })
      response.end(String(error))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no page server address')
  return {
    origin: `http://127.0.0.1:${address.port}`,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
