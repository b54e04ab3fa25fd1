import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import { MrtDecodeError } from '../../src/codec/mrt/errors.ts'
import { DeliveryLog } from '../../src/matcher/delivery-log.ts'
import { UpdateFrameBuilder, formatAsPath, peerStateFrame } from '../../src/matcher/frame.ts'
import type { Frame, UpdateFrame } from '../../src/matcher/frame.ts'
import { Matcher } from '../../src/matcher/matcher.ts'
import { MrtRecordNormaliser } from '../../src/record/from-mrt.ts'
import { readMrtFile } from '../../src/sources/mrt/read-mrt-file.ts'
import { ATTRS, BMP_META, ann, dataDir, peerState, updateRecord, validateFrame, wd } from './helpers.ts'

/** The frame as sent: numbered by a delivery log. */
function sent (frame: Frame, seq = 1): Record<string, unknown> {
  const log = new DeliveryLog()
  let text = ''
  for (let i = 0; i < seq; i++) text = log.append('k', frame).text
  return JSON.parse(text)
}

function assertValid (value: unknown): void {
  const validate = validateFrame()
  assert.ok(validate(value), JSON.stringify(validate.errors) + ' in ' + JSON.stringify(value))
}

test('an announcement frame carries the BGProutes.io fields and ours, in order, seq first', () => {
  const record = updateRecord([ann(['10.1.0.0/16', '10.2.0.0/16'], '192.0.2.1', { next_hop_ll: 'fe80::1' })], [],
    { ...ATTRS, atomic_aggregate: true, ext_communities: ['0002fde800000001'], otc: 64500 })
  const [frame] = new UpdateFrameBuilder(record).all()
  assert.deepEqual(sent(frame, 3), {
    seq: 3,
    record_type: 'update',
    vp: '64500_192.0.2.1',
    sec: 1427846400,
    Usec: 123456,
    prefixes: '10.1.0.0/16,10.2.0.0/16',
    'as-path': '64500 2914 {64496,64497}',
    communities: '2914:420 2914:1214',
    nexthop: '192.0.2.1',
    origin: 'IGP',
    nexthop_ll: 'fe80::1',
    large_communities: '64500:1:2',
    ext_communities: '0002fde800000001',
    med: 10,
    local_pref: 100,
    aggregator: '64497_203.0.113.1',
    atomic_aggregate: true,
    otc: 64500,
    collector: 'rrc06'
  })
  assert.deepEqual(Object.keys(sent(frame)), ['seq', 'record_type', 'vp', 'sec', 'Usec', 'prefixes', 'as-path', 'communities',
    'nexthop', 'origin', 'nexthop_ll', 'large_communities', 'ext_communities', 'med', 'local_pref', 'aggregator',
    'atomic_aggregate', 'otc', 'collector'])
  assertValid(sent(frame))
})

test('a withdrawal frame has `withdrawn` and no `prefixes` nor path attributes', () => {
  const [frame] = new UpdateFrameBuilder(updateRecord([], [wd(['10.1.0.0/16', '2001:db8::/32'])])).all()
  assert.deepEqual(sent(frame), {
    seq: 1, record_type: 'update', vp: '64500_192.0.2.1', sec: 1427846400, Usec: 123456, withdrawn: '10.1.0.0/16,2001:db8::/32', collector: 'rrc06'
  })
  assertValid(sent(frame))
})

test('BMP frames name the router as vp and the monitored peer as bmp_peer', () => {
  const record = updateRecord([ann(['203.0.113.0/24'])], [wd(['198.51.100.0/24'])], ATTRS, BMP_META)
  const frames = new UpdateFrameBuilder(record).all()
  assert.deepEqual(frames.map((f) => [f.record_type, f.vp, f.bmp_peer, f.bmp_view, f.withdrawn ?? f.prefixes]), [
    ['bmp_update', '64999_198.51.100.9', '64500_192.0.2.1', 'adj-rib-in-post', '198.51.100.0/24'],
    ['bmp_update', '64999_198.51.100.9', '64500_192.0.2.1', 'adj-rib-in-post', '203.0.113.0/24']
  ])
  assert.equal(frames[0].sec, 1672531200)
  assert.equal(frames[0].Usec, 1)
  for (const f of frames) assertValid(sent(f))
  const noAsn = updateRecord([ann(['203.0.113.0/24'])], [], ATTRS, { ...BMP_META, router: { ip: '198.51.100.9', view: 'loc-rib' } })
  assert.equal(new UpdateFrameBuilder(noAsn).all()[0].vp, '0_198.51.100.9')
})

test('AS paths print sets in braces and confederation segments as bgpdump does', () => {
  assert.equal(formatAsPath([
    { type: 'AS_CONFED_SEQUENCE', asns: [65001, 65002] },
    { type: 'AS_CONFED_SET', asns: [65003, 65004] },
    { type: 'AS_SEQUENCE', asns: [64500] },
    { type: 'AS_SET', asns: [1, 2, 3] }
  ]), '(65001 65002) [65003,65004] 64500 {1,2,3}')
  assert.equal(formatAsPath([]), '')
})

test('peer state frames: up and down only, with the FSM states and the reason', () => {
  assert.equal(peerStateFrame(peerState('Idle', 'Connect')), null)
  const down = peerStateFrame(peerState('Established', 'Idle', undefined, 'hold timer expired'))
  assert.ok(down !== null)
  assert.deepEqual(sent(down), {
    seq: 1,
    record_type: 'peer_state',
    vp: '64500_192.0.2.1',
    sec: 1427846400,
    Usec: 123456,
    state: 'down',
    old_state: 'Established',
    new_state: 'Idle',
    reason: 'hold timer expired',
    collector: 'rrc06'
  })
  assertValid(sent(down))
  const up = peerStateFrame(peerState('Idle', 'Established', BMP_META))
  assert.ok(up !== null)
  assert.equal(up.state, 'up')
  assert.equal(up.bmp_peer, '64500_192.0.2.1')
  assertValid(sent(up))
})

test('the schema refuses what breaks the public client\'s rule or the format', () => {
  const validate = validateFrame()
  const base = { seq: 1, record_type: 'update', vp: '64500_192.0.2.1', sec: 1, Usec: 0, collector: 'c' }
  assert.equal(validate({ ...base, prefixes: '10.0.0.0/8' }), true)
  assert.equal(validate({ ...base, withdrawn: '10.0.0.0/8' }), true)
  assert.equal(validate({ ...base, prefixes: '10.0.0.0/8', withdrawn: '11.0.0.0/8' }), false)
  assert.equal(validate({ ...base, withdrawn: '10.0.0.0/8', 'as-path': '1 2' }), false)
  assert.equal(validate({ ...base }), false)
  assert.equal(validate({ ...base, prefixes: '' }), false)
  assert.equal(validate({ ...base, seq: 0, prefixes: '10.0.0.0/8' }), false)
  assert.equal(validate({ ...base, Usec: 1_000_000, prefixes: '10.0.0.0/8' }), false)
  assert.equal(validate({ ...base, vp: '192.0.2.1', prefixes: '10.0.0.0/8' }), false)
  assert.equal(validate({ ...base, record_type: 'withraw', withdrawn: '10.0.0.0/8' }), false)
})

test('every frame made from real MRT files validates against the schema', async () => {
  // One key sees everything, one key sees a slice; both through the matcher and the delivery log.
  const matcher = new Matcher()
  matcher.setKeyPrefixes('all', ['0.0.0.0/0', '::/0'])
  matcher.setKeyPrefixes('some', ['192.0.0.0/3', '2a00::/8'])
  const log = new DeliveryLog({ maxBytes: 64 * 1024 * 1024 })
  const validate = validateFrame()
  const kinds = new Set<string>()
  let frames = 0
  for (const dir of ['updates', 'daemons', 'lab']) {
    for (const name of readdirSync(resolve(dataDir, 'mrt', dir))) {
      const normaliser = new MrtRecordNormaliser()
      try {
        for await (const rec of readMrtFile(resolve(dataDir, 'mrt', dir, name))) {
          let records
          try { records = normaliser.toRecords(rec, 'mrt:' + basename(name)) } catch (error) {
            if (error instanceof MrtDecodeError) continue
            throw error
          }
          for (const record of records) {
            for (const { keyId, frame } of matcher.match(record)) {
              const value = JSON.parse(log.append(keyId, frame).text)
              if (!validate(value)) assert.fail(JSON.stringify(validate.errors) + ' in ' + JSON.stringify(value))
              const f = frame as UpdateFrame
              kinds.add(frame.record_type + (f.prefixes !== undefined ? ':A' : f.withdrawn !== undefined ? ':W' : ''))
              frames++
            }
          }
        }
      } catch (error) {
        if (!(error instanceof MrtDecodeError)) throw error
      }
    }
  }
  assert.ok(frames > 10_000, `${frames} frames`)
  assert.deepEqual([...kinds].sort(), ['peer_state', 'update:A', 'update:W'])
  assert.ok(log.lastSeq('some') > 100 && log.lastSeq('some') < log.lastSeq('all'))
})
