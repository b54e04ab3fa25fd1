import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import { MrtDecodeError } from '../../src/codec/mrt/errors.ts'
import { DeliveryLog } from '../../src/matcher/delivery-log.ts'
import { UpdateFrameBuilder, formatAsPath, peerStateFrame } from '../../src/matcher/frame.ts'
import type { Frame, UpdateFrame } from '../../src/matcher/frame.ts'
import type { BgpRecord, UpdateRecord } from '../../src/record/types.ts'
import { Matcher } from '../../src/matcher/matcher.ts'
import { MrtRecordNormaliser } from '../../src/record/from-mrt.ts'
import { readMrtFile } from '../../src/sources/mrt/read-mrt-file.ts'
import { ATTRS, BMP_META, ann, dataDir, peerState, updateRecord, validateFrame, wd } from './helpers.ts'

/** The frame as sent: numbered by a delivery log. */
function sent (frame: Frame, seq = 1): Record<string, unknown> {
  const log = new DeliveryLog()
  let text = ''
  for (let i = 0; i < seq; i++) text = log.append('k', frame).bytes.toString()
  return JSON.parse(text)
}

/**
 * The records of every MRT file in the shared data's `dirs`, up to `maxPerFile` MRT records a file;
 * a file's records stop at its first one the decoder refuses (some files are cut on purpose).
 */
async function * dataFileRecords (dirs: string[], maxPerFile = Infinity): AsyncGenerator<BgpRecord> {
  for (const dir of dirs) {
    for (const name of readdirSync(resolve(dataDir, 'mrt', dir))) {
      const normaliser = new MrtRecordNormaliser()
      let count = 0
      try {
        for await (const rec of readMrtFile(resolve(dataDir, 'mrt', dir, name))) {
          if (count++ === maxPerFile) break
          let records
          try { records = normaliser.toRecords(rec, 'mrt:' + basename(name)) } catch (error) {
            if (error instanceof MrtDecodeError) continue
            throw error
          }
          yield * records
        }
      } catch (error) {
        if (!(error instanceof MrtDecodeError)) throw error
      }
    }
  }
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
  for await (const record of dataFileRecords(['updates', 'daemons', 'lab'])) {
    for (const { keyId, text } of matcher.match(record)) {
      const value = JSON.parse(log.append(keyId, text).bytes.toString())
      const frame = JSON.parse(text) as Frame
      if (!validate(value)) assert.fail(JSON.stringify(validate.errors) + ' in ' + JSON.stringify(value))
      const f = frame as UpdateFrame
      kinds.add(frame.record_type + (f.prefixes !== undefined ? ':A' : f.withdrawn !== undefined ? ':W' : ''))
      frames++
    }
  }
  assert.ok(frames > 10_000, `${frames} frames`)
  assert.deepEqual([...kinds].sort(), ['peer_state', 'update:A', 'update:W'])
  assert.ok(log.lastSeq('some') > 100 && log.lastSeq('some') < log.lastSeq('all'))
})

/** Every frame of the record, as text and as objects: the text must be JSON.stringify of the object. */
function assertTextMatchesObjects (record: UpdateRecord): number {
  const builder = new UpdateFrameBuilder(record)
  let n = 0
  for (const w of record.withdraw) {
    if (w.prefixes.length === 0) continue
    assert.equal(builder.withdrawalText(w.prefixes, w.path_ids), JSON.stringify(builder.withdrawal(w.prefixes, w.path_ids)))
    n++
  }
  record.announce.forEach((a, g) => {
    if (a.prefixes.length === 0) return
    // Twice: the second time from the builder's pieces made by the first.
    for (let i = 0; i < 2; i++) assert.equal(builder.announcementText(g, a.prefixes, a.path_ids), JSON.stringify(builder.announcement(a, a.prefixes, a.path_ids)))
    // A key's subset of the group's prefixes.
    assert.equal(builder.announcementText(g, a.prefixes.slice(-1)), JSON.stringify(builder.announcement(a, a.prefixes.slice(-1))))
    n++
  })
  return n
}

test('the JSON text of a frame is exactly JSON.stringify of the frame object: every optional field, BMP, RIB, ADD-PATH', () => {
  const full = { ...ATTRS, atomic_aggregate: true as const, ext_communities: ['0002fde800000001'], otc: 64500, aggregator: { asn: 64501, ip: '192.0.2.9' } }
  const records: UpdateRecord[] = [
    updateRecord([ann(['10.1.0.0/16', '10.2.0.0/16'], '192.0.2.1', { next_hop_ll: 'fe80::1' }), ann(['10.3.0.0/16'], null)], [wd(['10.9.0.0/16'])], full),
    updateRecord([ann(['10.1.0.0/16'], '192.0.2.1', { path_ids: [7] })], [wd(['10.9.0.0/16', '10.8.0.0/16'], { path_ids: [1, 2] })], full, BMP_META),
    { ...updateRecord([ann(['2001:db8::/32'], '2001:db8::1')], [], {}), rib: { originated_us: 1 } },
    updateRecord([ann(['10.1.0.0/16'], 'a"quote\\and\u0001control')], [], { ...ATTRS, communities: [] })
  ]
  let n = 0
  for (const r of records) n += assertTextMatchesObjects(r)
  assert.equal(n, 7)
})

test('the JSON text of every frame of the real MRT files is exactly JSON.stringify of its object', async () => {
  let n = 0
  const rib = { ribs: 0 }
  // The large files: their first 20,000 MRT records are enough for the shapes they hold.
  for await (const record of dataFileRecords(['updates', 'daemons', 'lab', 'rib', 'legacy'], 20_000)) {
    if (record.type !== 'update') continue
    if (record.rib !== undefined) rib.ribs++
    n += assertTextMatchesObjects(record)
  }
  assert.ok(n > 100_000, `${n} frames`)
  assert.ok(rib.ribs > 10_000, `${rib.ribs} RIB entries`)
})
