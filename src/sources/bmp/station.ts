// The BMP station (RFC 7854 §3.3: the monitoring station listens, routers connect to it): a TCP
// listener whose every connection is one router's BMP session (router-connection.ts). Records go
// into the shared bounded record queue; while the queue is above its high-water mark every
// router's socket is paused (TCP then slows the router down), and reading resumes when the
// queue drains, or after `maxPauseMs` at the latest, when the queue drops and counts instead.

import { createServer } from 'node:net'
import type { Server, Socket } from 'node:net'
import { MAX_BMP_MESSAGE_LENGTH } from '../../codec/bmp/constants.ts'
import type { BgpRecord } from '../../record/types.ts'
import { silentLogger } from '../../log.ts'
import type { Logger } from '../../log.ts'
import type { RecordQueue } from '../record-queue.ts'
import { anyContains, parseCidr } from '../bgp/cidr.ts'
import type { Cidr } from '../bgp/cidr.ts'
import { parseListenAddress } from '../bgp/collector-config.ts'
import { RouterConnection } from './router-connection.ts'
import type { RouterConnectionInfo } from './router-connection.ts'
import { addCounters, copyCounters, createCounters } from './station-stats.ts'
import type { BmpCounters } from './station-stats.ts'

/** Where the station listens unless told otherwise (the BMP port of our deployment). */
export const DEFAULT_BMP_LISTEN = '127.0.0.1:11019'

export interface BmpStationOptions {
  /** `host:port` or `[v6]:port`; port 0 picks a free one. Default DEFAULT_BMP_LISTEN. */
  listen?: string
  /** The `source` of every record. Default `bmp`. */
  source?: string
  /** Where records go. */
  queue: RecordQueue<BgpRecord>
  logger?: Logger
  /** Addresses routers may connect from (CIDR); others are refused. Default: any. */
  accept?: string[]
  /** Routers connected at once at most. Default 256. */
  maxConnections?: number
  /** Largest BMP message accepted, in octets; a larger one closes the connection. Default 1 MiB. */
  maxMessageLength?: number
  /** Longest pause of the routers' sockets for backpressure. Default 30000 ms. */
  maxPauseMs?: number
}

export interface BmpStationStats {
  /** Connections accepted and refused since the start. */
  accepted: number
  refused: number
  /** Routers connected now. */
  connected: number
  /** Counters of all connections, closed ones included. */
  totals: BmpCounters
  /** Sockets are paused for backpressure. */
  paused: boolean
}

export interface BmpStation {
  /** The address actually listened on (the port is known when 0 was asked for). */
  readonly address: { host: string, port: number }
  stats: () => BmpStationStats
  /** The routers connected now. */
  connections: () => RouterConnectionInfo[]
  /** Close one router's connection (it reconnects with a fresh session); false if unknown. */
  disconnect: (id: number) => boolean
  /** Stop listening and close every router's connection. */
  close: () => Promise<void>
}

function listen (server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => { reject(err) }
    server.once('error', onError)
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', onError)
      resolve()
    })
  })
}

export async function startBmpStation (options: BmpStationOptions): Promise<BmpStation> {
  const where = parseListenAddress(options.listen ?? DEFAULT_BMP_LISTEN)
  const logger = (options.logger ?? silentLogger()).child({ bmpListen: options.listen ?? DEFAULT_BMP_LISTEN })
  const source = options.source ?? 'bmp'
  const queue = options.queue
  const accept: Cidr[] | undefined = options.accept?.map(parseCidr)
  const maxMessageLength = options.maxMessageLength ?? MAX_BMP_MESSAGE_LENGTH
  const maxPauseMs = options.maxPauseMs ?? 30_000
  const connections = new Map<number, RouterConnection>()
  const closedTotals = createCounters()
  let nextId = 1
  let accepted = 0
  let refused = 0
  let paused = false
  let pauseTimer: NodeJS.Timeout | undefined

  // After a pause that lasted maxPauseMs the routers are read on, with drops, until the queue
  // drains: pausing again at once would read one message per maxPauseMs.
  let overrun = false

  function resume (why: string): void {
    if (!paused) return
    paused = false
    if (pauseTimer !== undefined) clearTimeout(pauseTimer)
    pauseTimer = undefined
    logger.info({ why, queued: queue.length }, 'BMP routers read again')
    for (const c of connections.values()) {
      c.drain()
      if (!paused) c.socket.resume()
    }
  }

  function pause (): void {
    if (paused || overrun) return
    paused = true
    logger.info({ queued: queue.length }, 'record queue above its high-water mark: BMP routers paused')
    for (const c of connections.values()) c.socket.pause()
    pauseTimer = setTimeout(() => {
      overrun = true
      resume('paused for maxPauseMs: reading on, the record queue drops when full')
    }, maxPauseMs)
    pauseTimer.unref()
  }

  const removeDrainListener = queue.onDrain(() => {
    overrun = false
    resume('record queue drained')
  })

  function emit (record: BgpRecord): boolean {
    const ok = queue.push(record)
    if (queue.aboveHighWaterMark) pause()
    return ok
  }

  function onConnection (socket: Socket): void {
    const remote = socket.remoteAddress ?? ''
    if (accept !== undefined && !anyContains(accept, remote)) {
      refused++
      logger.warn({ router: remote }, 'BMP connection refused: address not accepted')
      socket.destroy()
      return
    }
    accepted++
    const connection = new RouterConnection({
      socket,
      id: nextId++,
      source,
      logger,
      emit,
      isPaused: () => paused,
      maxMessageLength,
      onClose: (c) => {
        connections.delete(c.id)
        addCounters(closedTotals, c.counters)
      }
    })
    connections.set(connection.id, connection)
    if (paused) socket.pause()
  }

  const server = createServer({ allowHalfOpen: false, pauseOnConnect: false }, onConnection)
  server.maxConnections = options.maxConnections ?? 256
  server.on('drop', (data) => {
    refused++
    logger.warn({ router: data?.remoteAddress }, 'BMP connection refused: too many routers connected')
  })
  await listen(server, where.host, where.port)
  const bound = server.address()
  const address = typeof bound === 'object' && bound !== null ? { host: bound.address, port: bound.port } : { host: where.host, port: where.port }
  server.on('error', (err) => { logger.error({ err }, 'BMP listener error') })
  logger.info({ listen: address }, 'BMP station listening')

  let closing: Promise<void> | undefined

  return {
    address,
    stats () {
      const totals = copyCounters(closedTotals)
      for (const c of connections.values()) addCounters(totals, c.counters)
      return { accepted, refused, connected: connections.size, totals, paused }
    },
    connections () {
      return [...connections.values()].map(c => {
        const info = c.info()
        return { ...info, counters: copyCounters(info.counters) }
      })
    },
    disconnect (id) {
      const c = connections.get(id)
      if (c === undefined) return false
      c.close()
      return true
    },
    close () {
      closing ??= new Promise<void>((resolve) => {
        removeDrainListener()
        if (pauseTimer !== undefined) clearTimeout(pauseTimer)
        server.close(() => { resolve() })
        for (const c of connections.values()) c.close()
        logger.info('BMP station closed')
      })
      return closing
    }
  }
}
