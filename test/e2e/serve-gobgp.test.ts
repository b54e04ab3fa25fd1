// End to end: `bgproutes-live serve` as a child process on a temp data dir and loopback ports, a
// key made with the keys CLI, another whose prefixes are set through update_live_prefixes, a real
// GoBGP peering with serve's BGP listener, real websocket clients. Each client gets exactly the
// frames of its prefixes; SIGTERM delivers the peer-down frame before the 1001 close; after a
// restart the keys keep their prefixes and a resume from the old run's last seq gets a too_old gap
// frame, then every frame of the new run. Once on SQLite, once on PostgreSQL (DATABASE_URL to a
// fresh database).
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { freePort, makeRunDir, removeRunDir } from '../helpers/routers/harness.ts'
import { startGoBgp } from '../helpers/routers/gobgp.ts'
import type { GoBgp } from '../helpers/routers/gobgp.ts'
import { createTestDatabase } from '../store/postgres-test-db.ts'
import { connectClient } from '../gateway/gateway-fixture.ts'
import type { StreamClient } from '../gateway/gateway-fixture.ts'
import { createKeyWithCli, seqBaseWindow, startServe } from './serve-process.ts'
import type { ServeProcess } from './serve-process.ts'

const GOBGP_IP = '127.0.40.5'
const GOBGP_AS = 4200000005
const VP = `${GOBGP_AS}_${GOBGP_IP}`

type Frame = Record<string, unknown>

/** The frames as (kind, prefixes) pairs: the public client's rule, prefixes = announcement. */
function routes (frames: readonly Frame[]): string[] {
  return frames.filter((f) => f.record_type === 'update').map((f) => 'prefixes' in f ? `A ${f.prefixes as string}` : `W ${f.withdrawn as string}`)
}

function peerStates (frames: readonly Frame[]): string[] {
  return frames.filter((f) => f.record_type === 'peer_state').map((f) => `${f.vp as string} ${f.state as string}`)
}

async function scenario (env: Record<string, string>): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bgpl-e2e-'))
  const runDir = makeRunDir('e2e-gobgp')
  const httpPort = await freePort()
  const bgpPort = await freePort()
  const args = ['--data-dir', dataDir, '--listen-http', `127.0.0.1:${httpPort}`, '--listen-bgp', `127.0.0.1:${bgpPort}`, '--listen-bmp', 'none', '--shutdown-timeout', '5s']
  let serve: ServeProcess | undefined
  let gobgp: GoBgp | undefined
  const clients: StreamClient[] = []
  try {
    const a = await createKeyWithCli(dataDir, '10.10.0.0/16,2001:db8:10::/48', env)
    const b = await createKeyWithCli(dataDir, '', env)
    const started = Date.now()
    serve = await startServe(args, env)
    const base = seqBaseWindow(started)
    assert.equal(serve.http, `http://127.0.0.1:${httpPort}`)
    assert.equal(serve.ws, `ws://127.0.0.1:${httpPort}/`)
    assert.equal(serve.bgp, `127.0.0.1:${bgpPort}`)

    // b has no prefixes yet: refused; then set through the public endpoint, it connects.
    const early = await connectClient(`${serve.ws}?api_key=${b.key}`)
    assert.equal((await early.closed).code, 4004)
    assert.equal(early.frames[0].code, 'NO_PREFIXES')
    const res = await fetch(`${serve.http}/update_live_prefixes?api_key=${b.key}&new_pfxs=10.20.0.0/16`)
    assert.equal(res.status, 200, await res.clone().text())
    const ca = await connectClient(`${serve.ws}?api_key=${a.key}`)
    const cb = await connectClient(`${serve.ws}?api_key=${b.key}`)
    clients.push(ca, cb)

    gobgp = await startGoBgp(runDir, { collector: { host: '127.0.0.1', port: bgpPort }, localAddress: GOBGP_IP })
    await ca.waitFor((f) => peerStates(f).includes(`${VP} up`), 'GoBGP up', 30_000)
    await gobgp.gobgp('global', 'rib', 'add', '-a', 'ipv4', '10.10.1.0/24', 'origin', 'igp', 'aspath', '65010', 'nexthop', '198.18.0.5', 'community', '65001:100')
    await gobgp.gobgp('global', 'rib', 'add', '-a', 'ipv4', '10.20.0.0/16', 'origin', 'igp', 'aspath', '65020', 'nexthop', '198.18.0.5')
    await gobgp.gobgp('global', 'rib', 'add', '-a', 'ipv4', '192.168.0.0/16', 'origin', 'igp', 'aspath', '65030', 'nexthop', '198.18.0.5')
    await gobgp.gobgp('global', 'rib', 'add', '-a', 'ipv6', '2001:db8:10:1::/64', 'origin', 'igp', 'aspath', '65060', 'nexthop', '2001:db8::5')
    await ca.waitFor((f) => routes(f).length === 2, 'two routes for a', 10_000)
    await gobgp.gobgp('global', 'rib', 'del', '-a', 'ipv4', '10.10.1.0/24')
    await ca.waitFor((f) => routes(f).length === 3, 'the withdrawal', 10_000)
    await cb.waitFor((f) => routes(f).length === 1, 'a route for b', 10_000)
    // Exactly these, nothing of 192.168.0.0/16, nothing of the other key.
    assert.deepEqual(routes(ca.frames).sort(), ['A 10.10.1.0/24', 'A 2001:db8:10:1::/64', 'W 10.10.1.0/24'])
    assert.deepEqual(routes(ca.frames).at(-1), 'W 10.10.1.0/24')
    assert.deepEqual(routes(cb.frames), ['A 10.20.0.0/16'])
    const ann = ca.frames.find((f) => f.prefixes === '10.10.1.0/24') as Frame
    assert.equal(ann.vp, VP)
    assert.equal(ann['as-path'], `${GOBGP_AS} 65010`)
    assert.equal(ann.communities, '65001:100')
    assert.equal(ann.nexthop, '198.18.0.5')
    assert.equal(ann.origin, 'IGP')
    // Numbered base + 1, base + 2, ... per key with no gap; the base is serve's start in µs.
    const firstSeq = ca.frames[0].seq as number
    base.check(firstSeq - 1)
    assert.deepEqual(ca.frames.map((f) => f.seq), ca.frames.map((_f, i) => firstSeq + i))
    const metrics = await (await fetch(`${serve.http}/metrics`)).text()
    assert.match(metrics, /^bgpl_ws_sessions 2$/m)
    assert.match(metrics, /^bgpl_records_total\{source="bgp-collector"\} [1-9]/m)

    // SIGTERM: the collector closes the session; its peer-down records still reach the clients
    // before they are closed with 1001.
    const closedA = ca.closed
    assert.equal(await serve.stop(), 0, serve.stderr())
    const close = await closedA
    assert.equal(close.code, 1001)
    assert.deepEqual(peerStates(ca.frames), [`${VP} up`, `${VP} down`])
    // ... and the withdrawal of what the peer still announced, which the collector makes on peer down.
    assert.deepEqual(ca.frames.slice(-2).map((f) => f.record_type === 'peer_state' ? `peer ${f.state as string}` : routes([f])[0]), ['peer down', 'W 2001:db8:10:1::/64'])
    assert.doesNotMatch(serve.stderr(), /bgpl_[A-Za-z0-9_-]{20,}/, 'a key in the logs')
    const lastSeq = ca.frames.at(-1)?.seq as number

    // Restart: the keys keep their prefixes, GoBGP comes back, a resume from the last seq of the
    // first run learns that it missed frames (the new run numbers above every seq of the old one).
    const restarted = Date.now()
    serve = await startServe(args, env)
    const base2 = seqBaseWindow(restarted)
    const again = await connectClient(`${serve.ws}?api_key=${a.key}&since=${lastSeq}`)
    const againB = await connectClient(`${serve.ws}?api_key=${b.key}`)
    clients.push(again, againB)
    await again.waitFor((f) => routes(f).includes('A 2001:db8:10:1::/64'), 'the route again after the restart', 30_000)
    await againB.waitFor((f) => routes(f).includes('A 10.20.0.0/16'), 'b\'s route again', 10_000)
    // The new process numbers from its own base: the resume point is below it, so the client is
    // told frames are gone (too_old), then gets every frame of the new run from its first.
    const gap = again.frames[0]
    assert.equal(gap.record_type, 'gap')
    assert.equal(gap.reason, 'too_old')
    assert.equal(gap.since, lastSeq)
    const newFirst = gap.first_seq as number
    assert.ok(newFirst > lastSeq, `${newFirst} > ${lastSeq}`)
    base2.check(newFirst - 1)
    assert.deepEqual(again.frames.slice(1).map((f) => f.seq), again.frames.slice(1).map((_f, i) => newFirst + i))
    assert.equal(await serve.stop(), 0, serve.stderr())
  } finally {
    for (const c of clients) c.ws.terminate()
    await gobgp?.stop()
    if (serve !== undefined) await serve.stop()
    removeRunDir(runDir)
    rmSync(dataDir, { recursive: true, force: true })
  }
}

describe('serve end to end with GoBGP', { timeout: 180_000 }, () => {
  it('on the embedded store (SQLite)', async () => {
    await scenario({})
  })

  const dbs: Array<() => Promise<void>> = []
  after(async () => { for (const drop of dbs) await drop() })
  it('on PostgreSQL', async () => {
    const db = await createTestDatabase()
    dbs.push(db.drop)
    await scenario({ DATABASE_URL: db.url, BGPL_KEY_SECRET: 'e2e-secret-'.padEnd(48, 'x') })
  })
})
