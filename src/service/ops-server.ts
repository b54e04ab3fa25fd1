// The HTTP side of a role that has no API of its own (collector, matcher, gateway): /healthz (the
// process answers), /readyz (200 once the role is ready, 503 before and while stopping) and
// /metrics (Prometheus). The gateway mounts its websocket on the same server.
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Registry } from 'prom-client'
import type { ListenAddress } from '../sources/bgp/collector-config.ts'

export interface OpsServer {
  readonly server: Server
  readonly address: AddressInfo
  close (): Promise<void>
}

export async function startOpsServer (listen: ListenAddress, registry: Registry, ready: () => boolean): Promise<OpsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('only GET here\n')
      return
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}')
    } else if (path === '/readyz') {
      const ok = ready()
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ok ? 'ready' : 'not_ready' }))
    } else if (path === '/metrics') {
      registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': registry.contentType }).end(text)
      }, (error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`cannot collect the metrics: ${(error as Error).message}\n`)
      })
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: this port serves /healthz, /readyz and /metrics\n')
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host: listen.host, port: listen.port }, () => {
      server.off('error', reject)
      resolve()
    })
  })
  return {
    server,
    address: server.address() as AddressInfo,
    async close () {
      server.closeAllConnections()
      await new Promise<void>((resolve) => { server.close(() => { resolve() }) })
    }
  }
}

export function hostPort (a: AddressInfo): string {
  return a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`
}
