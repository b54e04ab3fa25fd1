// A loopback TCP proxy between a client and serve, to cut the client's connections mid-stream:
// `cut()` destroys every connection on both sides at once (the client sees 1006, no close frame).
import { createConnection, createServer } from 'node:net'
import type { Socket } from 'node:net'

export interface TcpProxy {
  port: number
  /** Connections made through the proxy so far. */
  connections: () => number
  cut: () => void
  close: () => Promise<void>
}

export interface ThrottleOptions {
  /** Server-to-client bytes per write (default: no throttling). */
  chunkBytes: number
  /** Pause between writes, ms. */
  delayMs: number
}

/** Forwards `from` to `to` in small chunks with pauses, so that a stream takes a while to arrive. */
async function trickle (from: Socket, to: Socket, throttle: ThrottleOptions): Promise<void> {
  try {
    for await (const data of from as AsyncIterable<Buffer>) {
      for (let i = 0; i < data.length && !to.destroyed; i += throttle.chunkBytes) {
        to.write(data.subarray(i, i + throttle.chunkBytes))
        await new Promise((resolve) => setTimeout(resolve, throttle.delayMs))
      }
    }
    to.end()
  } catch {
    to.destroy()
  }
}

export async function startTcpProxy (targetHost: string, targetPort: number, throttle?: ThrottleOptions): Promise<TcpProxy> {
  const open = new Set<Socket>()
  let count = 0
  const server = createServer((client) => {
    count++
    const upstream = createConnection({ host: targetHost, port: targetPort })
    open.add(client)
    open.add(upstream)
    const drop = (): void => { client.destroy(); upstream.destroy(); open.delete(client); open.delete(upstream) }
    client.on('error', drop).on('close', drop)
    upstream.on('error', drop).on('close', drop)
    client.pipe(upstream)
    if (throttle === undefined) upstream.pipe(client)
    else trickle(upstream, client, throttle).catch(() => undefined)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no proxy address')
  return {
    port: address.port,
    connections: () => count,
    cut: () => { for (const s of [...open]) s.destroy() },
    close: async () => {
      for (const s of [...open]) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
