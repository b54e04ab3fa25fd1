// StreamSession alone, over a fake websocket and socket: the socket is corked once per turn of the
// event loop in which frames are written, and uncorked at the end of that turn.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import type { Duplex } from 'node:stream'
import type { WebSocket } from 'ws'
import { DEFAULT_SESSION_LIMITS, SpreadTimer, StreamSession } from '../../src/gateway/stream-session.ts'
import { silentLogger } from '../../src/log.ts'
import type { Store } from '../../src/store/types.ts'

class FakeSocket {
  log: string[] = []
  corked = 0
  cork (): void { this.corked++; this.log.push('cork') }
  uncork (): void { this.corked--; this.log.push('uncork') }
}

class FakeWs extends EventEmitter {
  readonly OPEN = 1
  readonly CLOSED = 3
  readyState = 1
  private readonly socket: FakeSocket
  constructor (socket: FakeSocket) {
    super()
    this.socket = socket
  }

  send (data: string | Buffer, options?: { binary?: boolean } | ((err?: Error) => void), cb?: (err?: Error) => void): void {
    // Frames from the log are octets, sent as text.
    if (typeof data !== 'string') assert.equal(typeof options === 'object' && options.binary, false)
    this.socket.log.push(`send ${data.toString()} corked=${this.socket.corked}`)
    const done = typeof options === 'function' ? options : cb
    if (done !== undefined) setImmediate(done)
  }

  ping (): void {}
  close (): void { setImmediate(() => { this.readyState = 3; this.emit('close', 1000) }) }
  terminate (): void { this.close() }
}

function session (socket: FakeSocket | undefined, ws: FakeWs): StreamSession {
  const store = { closeSession: async () => {}, renewSession: async () => new Date(), getKey: async () => null } as unknown as Store
  return new StreamSession({
    ws: ws as unknown as WebSocket,
    socket: socket as unknown as Duplex | undefined,
    keyId: 'k',
    sessionId: 's',
    store,
    now: () => new Date(),
    logger: silentLogger(),
    metrics: undefined,
    limits: { ...DEFAULT_SESSION_LIMITS },
    onClosed: () => {}
  })
}

test('frames written in one turn go out under one cork, uncorked at the end of the turn', async () => {
  const socket = new FakeSocket()
  const ws = new FakeWs(socket)
  const s = session(socket, ws)
  s.deliver({ seq: 1, bytes: Buffer.from('a') })
  s.sendControl('g')
  s.deliver({ seq: 2, bytes: Buffer.from('b') })
  assert.deepEqual(socket.log, ['cork', 'send a corked=1', 'send g corked=1', 'send b corked=1'])
  await new Promise<void>((resolve) => { process.nextTick(resolve) })
  assert.equal(socket.corked, 0)
  assert.equal(socket.log.at(-1), 'uncork')
  // The next turn corks again.
  await new Promise<void>((resolve) => { setImmediate(resolve) })
  socket.log = []
  s.deliver({ seq: 3, bytes: Buffer.from('c') })
  assert.deepEqual(socket.log, ['cork', 'send c corked=1'])
  await s.drained()
  assert.equal(socket.corked, 0)
  assert.equal(s.lastSeq, 3)
  s.close(1000, 'bye', 'shutdown')
  await s.closed
})

test('without a socket, frames are sent as they come', async () => {
  const socket = new FakeSocket()
  const ws = new FakeWs(socket)
  const s = session(undefined, ws)
  s.deliver({ seq: 1, bytes: Buffer.from('a') })
  s.deliver({ seq: 2, bytes: Buffer.from('b') })
  assert.deepEqual(socket.log, ['send a corked=0', 'send b corked=0'])
  await s.drained()
  s.close(1000, 'bye', 'shutdown')
  await s.closed
})

test('SpreadTimer fires first at a random point of the first period, then every period, until cleared', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] })
  // (A delay of 0 is 1 ms, as with Node's own timers.)
  for (const [random, first] of [[0.25, 250], [0, 1], [0.999, 999]] as const) {
    const calls: number[] = []
    let now = 0
    const timer = new SpreadTimer(() => { calls.push(now) }, 1000, () => random)
    while (now < 3500) {
      now++
      t.mock.timers.tick(1)
    }
    assert.deepEqual(calls, [first, first + 1000, first + 2000, first + 3000].filter((c) => c <= 3500), `random ${random}`)
    timer.clear()
    t.mock.timers.tick(5000)
    assert.equal(calls.length, first + 3000 <= 3500 ? 4 : 3)
  }
  // Cleared before the first fire: never fires.
  let fired = 0
  new SpreadTimer(() => { fired++ }, 1000, () => 0.5).clear()
  t.mock.timers.tick(5000)
  assert.equal(fired, 0)
})
