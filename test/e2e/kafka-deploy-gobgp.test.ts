// End to end over Kafka (issue 5 §5): a deployment of separate processes — api, 2 matchers,
// 2 gateways, a collector — on a real broker and a fresh PostgreSQL database, fed by a real GoBGP
// peering with the collector's BGP listener, read by real websocket clients. As for `serve`
// (serve-gobgp.test.ts): a key without prefixes is refused; each of two keys gets exactly the
// frames of its prefixes (announcements, withdrawals, attributes); seq is 1, 2, ... (offset + 1)
// with no gap; a client that leaves gateway 1 and comes back on gateway 2 with `since` gets
// exactly the frames it missed; GoBGP stopping gives the peer-down frame and the withdrawal of
// what it still announced; every role stops cleanly on SIGTERM; no key in the logs.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { connectClient } from '../gateway/gateway-fixture.ts'
import type { StreamClient } from '../gateway/gateway-fixture.ts'
import { startKafka } from '../helpers/kafka.ts'
import type { TestKafka } from '../helpers/kafka.ts'
import { startGoBgp } from '../helpers/routers/gobgp.ts'
import type { GoBgp } from '../helpers/routers/gobgp.ts'
import { makeRunDir, removeRunDir } from '../helpers/routers/harness.ts'
import { startDeployment, withDiagnostics } from './kafka-deployment.ts'
import type { Deployment } from './kafka-deployment.ts'

const KAFKA_PORT = 19_700
const GOBGP_IP = '127.0.40.6'
const GOBGP_AS = 4200000005
const VP = `${GOBGP_AS}_${GOBGP_IP}`

type Frame = Record<string, unknown>

/** Update frames as "A prefix" / "W prefix", one per prefix. */
function routes (frames: readonly Frame[]): string[] {
  const out: string[] = []
  for (const f of frames) {
    if (f.record_type !== 'update') continue
    if (typeof f.prefixes === 'string') for (const p of f.prefixes.split(',')) out.push(`A ${p}`)
    if (typeof f.withdrawn === 'string') for (const p of f.withdrawn.split(',')) out.push(`W ${p}`)
  }
  return out
}

function peerStates (frames: readonly Frame[]): string[] {
  return frames.filter((f) => f.record_type === 'peer_state').map((f) => `${f.vp as string} ${f.state as string}`)
}

function assertSeqs (frames: readonly Frame[], what: string): void {
  assert.deepEqual(frames.map((f) => f.seq), frames.map((_f, i) => i + 1), `${what}: seq 1..${frames.length}`)
}

describe('a Kafka deployment end to end with GoBGP', { timeout: 180_000 }, () => {
  let kafka: TestKafka | undefined
  before(async () => { kafka = await startKafka({ brokers: 1, port: KAFKA_PORT }) })
  after(async () => { await kafka?.stop() })

  it('collector, 2 matchers, 2 gateways and the api give each key exactly its frames, across a change of gateway', async () => {
    const runDir = makeRunDir('kafka-gobgp')
    let d: Deployment | undefined
    let gobgp: GoBgp | undefined
    const clients: StreamClient[] = []
    try {
      d = await startDeployment({ brokers: kafka?.bootstrap ?? [], gateways: 2, matchers: 2, recordPartitions: 6 })
      const dep = d
      await withDiagnostics(dep, async () => {
        // a has a client on each gateway at once (one of them the reference): two sessions.
        const a = await dep.createKey([], ['--max-sessions', '3'])
        const b = await dep.createKey()
        // A key with no prefixes is refused by the gateway, as by serve.
        const early = await connectClient(`${dep.wsUrl('gateway-1')}?api_key=${b.key}`)
        assert.equal((await early.closed).code, 4004)
        assert.equal(early.frames[0].code, 'NO_PREFIXES')
        // Prefixes through the API: published to the matchers at once.
        await dep.setPrefixes(a.key, ['10.10.0.0/16', '2001:db8:10::/48'])
        await dep.setPrefixes(b.key, ['10.20.0.0/16'])
        for (const m of ['matcher-1', 'matcher-2']) await dep.waitForMetric(m, 'bgpl_matcher_associations', (v) => v === 3, 20_000)

        // a on gateway 1 (it will move), a reference client of a and b's client on gateway 2.
        const ca1 = await connectClient(`${dep.wsUrl('gateway-1')}?api_key=${a.key}&since=0`)
        const ref = await connectClient(`${dep.wsUrl('gateway-2')}?api_key=${a.key}&since=0`)
        const cb = await connectClient(`${dep.wsUrl('gateway-2')}?api_key=${b.key}&since=0`)
        clients.push(ca1, ref, cb)

        const collector = await dep.start('collector', 'collector', ['--listen-bgp', '127.0.0.1:0', '--listen-bmp', 'none'])
        const [host, port] = collector.addresses.get('BGP collector')?.split(':') ?? []
        assert.equal(host, '127.0.0.1')
        gobgp = await startGoBgp(runDir, { collector: { host, port: Number(port) }, localAddress: GOBGP_IP })
        const bgp = gobgp.gobgp
        await ca1.waitFor((f) => peerStates(f).includes(`${VP} up`), 'GoBGP up', 45_000)
        await bgp('global', 'rib', 'add', '-a', 'ipv4', '10.10.1.0/24', 'origin', 'igp', 'aspath', '65010', 'nexthop', '198.18.0.5', 'community', '65001:100')
        await bgp('global', 'rib', 'add', '-a', 'ipv4', '10.20.0.0/16', 'origin', 'igp', 'aspath', '65020', 'nexthop', '198.18.0.5')
        await bgp('global', 'rib', 'add', '-a', 'ipv4', '192.168.0.0/16', 'origin', 'igp', 'aspath', '65030', 'nexthop', '198.18.0.5')
        await bgp('global', 'rib', 'add', '-a', 'ipv6', '2001:db8:10:1::/64', 'origin', 'igp', 'aspath', '65060', 'nexthop', '2001:db8::5')
        await ca1.waitFor((f) => routes(f).length === 2, 'two routes for a on gateway 1', 15_000)
        await cb.waitFor((f) => routes(f).length === 1, 'a route for b', 15_000)

        // a leaves gateway 1; what happens meanwhile it gets from gateway 2 with since.
        ca1.ws.close()
        await ca1.closed
        const lastSeq = ca1.frames.at(-1)?.seq as number
        assertSeqs(ca1.frames, 'a on gateway 1')
        await bgp('global', 'rib', 'del', '-a', 'ipv4', '10.10.1.0/24')
        await bgp('global', 'rib', 'add', '-a', 'ipv4', '10.10.2.0/24', 'origin', 'egp', 'aspath', '65011 65012', 'nexthop', '198.18.0.6', 'med', '7')
        await ref.waitFor((f) => routes(f).length === 4, 'four route changes for a', 15_000)
        const ca2 = await connectClient(`${dep.wsUrl('gateway-2')}?api_key=${a.key}&since=${lastSeq}`)
        clients.push(ca2)
        await ca2.waitFor((f) => ca1.frames.length + f.length >= ref.frames.length, 'the frames a missed', 15_000)
        assert.equal(ca2.frames[0].seq, lastSeq + 1)
        assert.deepEqual([...ca1.frames, ...ca2.frames].map((f) => JSON.stringify(f)), ref.frames.map((f) => JSON.stringify(f)), 'gateway 1 then gateway 2 = the reference, no gap, no duplicate')

        // Exactly these, nothing of 192.168.0.0/16, nothing of the other key.
        assert.deepEqual(routes(ref.frames).sort(), ['A 10.10.1.0/24', 'A 10.10.2.0/24', 'A 2001:db8:10:1::/64', 'W 10.10.1.0/24'])
        assert.ok(routes(ref.frames).indexOf('W 10.10.1.0/24') > routes(ref.frames).indexOf('A 10.10.1.0/24'), 'the withdrawal after the announcement')
        assert.deepEqual(routes(cb.frames), ['A 10.20.0.0/16'])
        const ann = ref.frames.find((f) => f.prefixes === '10.10.1.0/24') as Frame
        assert.equal(ann.vp, VP)
        assert.equal(ann['as-path'], `${GOBGP_AS} 65010`)
        assert.equal(ann.communities, '65001:100')
        assert.equal(ann.nexthop, '198.18.0.5')
        assert.equal(ann.origin, 'IGP')
        const ann2 = ref.frames.find((f) => f.prefixes === '10.10.2.0/24') as Frame
        assert.equal(ann2['as-path'], `${GOBGP_AS} 65011 65012`)
        assert.equal(ann2.nexthop, '198.18.0.6')
        assert.equal(ann2.origin, 'EGP')
        assert.equal(ann2.med, 7)
        const ann6 = ref.frames.find((f) => f.prefixes === '2001:db8:10:1::/64') as Frame
        assert.equal(ann6['as-path'], `${GOBGP_AS} 65060`)
        assert.equal(ann6.nexthop, '2001:db8::5')

        // GoBGP stops: the peer-down frame, then the withdrawal of what it still announced.
        const beforeDown = ref.frames.length
        await gobgp.stop()
        gobgp = undefined
        await ref.waitFor((f) => peerStates(f).includes(`${VP} down`) && routes(f.slice(beforeDown)).length >= 2, 'peer down and its withdrawals', 30_000)
        await cb.waitFor((f) => peerStates(f).includes(`${VP} down`) && routes(f).includes('W 10.20.0.0/16'), 'peer down for b', 15_000)
        await ca2.waitFor((f) => ca1.frames.length + f.length >= ref.frames.length, 'a on gateway 2 up to the reference', 15_000)
        assert.deepEqual(peerStates(ref.frames), [`${VP} up`, `${VP} down`])
        const down = ref.frames.slice(beforeDown)
        assert.equal(down[0].record_type, 'peer_state')
        assert.deepEqual(routes(down).sort(), ['W 10.10.2.0/24', 'W 2001:db8:10:1::/64'])
        assert.deepEqual(routes(cb.frames), ['A 10.20.0.0/16', 'W 10.20.0.0/16'])
        assert.deepEqual(peerStates(cb.frames), [`${VP} up`, `${VP} down`])
        // Numbered from 1 by offset; the same on both gateways.
        assertSeqs(ref.frames, 'a (reference)')
        assertSeqs(cb.frames, 'b')
        assert.deepEqual([...ca1.frames, ...ca2.frames].map((f) => JSON.stringify(f)), ref.frames.map((f) => JSON.stringify(f)))
        assert.equal(ref.frames.filter((f) => f.seq === undefined).length, 0, 'no control frame')

        // The processes agree: frames written once each, none skipped, sessions where they are.
        let written = 0
        let skipped = 0
        for (const m of ['matcher-1', 'matcher-2']) {
          written += await dep.metric(m, 'bgpl_frames_written') ?? 0
          skipped += await dep.metric(m, 'bgpl_frames_duplicates_skipped') ?? 0
        }
        assert.equal(written, ref.frames.length + cb.frames.length)
        assert.equal(skipped, 0)
        // The matchers said what they wrote on the written topic, and the gateway with the sessions read it.
        let notices = 0
        for (const m of ['matcher-1', 'matcher-2']) {
          notices += await dep.metric(m, 'bgpl_key_topic_notices') ?? 0
          assert.equal(await dep.metric(m, 'bgpl_key_topic_notice_errors'), 0)
        }
        assert.ok(notices >= 1, `notices sent: ${notices}`)
        assert.ok((await dep.metric('gateway-2', 'bgpl_kafka_notices_read') ?? 0) >= 1)
        assert.ok((await dep.metric('gateway-2', 'bgpl_kafka_noticed_frames') ?? 0) >= 1, 'the sessions took frames from the notices')
        assert.equal(await dep.metric('gateway-2', 'bgpl_ws_sessions'), 3)
        assert.equal(await dep.metric('gateway-1', 'bgpl_ws_sessions'), 0)
        assert.ok((await dep.metric('collector', 'bgpl_bus_published') ?? 0) >= 7)
        // Where frames wait: each stage's histogram counted what passed through it.
        const stageCount = async (name: string, stage: string): Promise<number> => {
          const line = (await dep.metrics(name)).split('\n').find((l) => l.startsWith(`bgpl_kafka_stage_delay_seconds_count{stage="${stage}"}`))
          return Number(line?.split(' ').at(-1) ?? 0)
        }
        const stageWritten = await stageCount('matcher-1', 'written') + await stageCount('matcher-2', 'written')
        assert.ok(stageWritten > 0 && stageWritten <= written, `records with frames written: ${stageWritten}`)
        assert.ok(await stageCount('matcher-1', 'taken') + await stageCount('matcher-2', 'taken') >= 7)
        assert.ok(await stageCount('gateway-1', 'fetched') + await stageCount('gateway-2', 'fetched') >= ref.frames.length)

        assert.deepEqual(dep.errors(), [])
        for (const c of clients) c.ws.terminate()
        const exits = await dep.stop()
        for (const [name, exit] of exits) assert.deepEqual(exit, { code: 0, signal: null }, `${name} exits 0 on SIGTERM`)
        for (const name of dep.names()) {
          assert.doesNotMatch(dep.get(name).stderr(), /bgpl_[A-Za-z0-9_-]{20,}/, `a key in ${name}'s logs`)
        }
      })
    } finally {
      for (const c of clients) c.ws.terminate()
      await gobgp?.stop()
      await d?.stop()
      removeRunDir(runDir)
    }
  })
})
