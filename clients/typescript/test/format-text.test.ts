// The BGProutes.io text form of BGP and BMP frames: the public client's
// TIMESTAMP|U or W|bgp|VP_ASN|VP_IP|||PREFIXES|ASPATH|COMMUNITIES|ORIGIN|NEXTHOP and
// TIMESTAMP|U or W|bmp|VP_ASN|VP_IP|PARENT_ASN|PARENT_IP|... where, for BMP, VP is the frame's
// bmp_peer and PARENT its vp (the router). The frames used are checked against the schema first.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { it } from 'node:test'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { formatText, formatTimestamp } from '../src/format-text.ts'
import type { StreamMessage } from '../src/frames.ts'
import { ROOT } from './helpers/serve.ts'

const validate = new Ajv2020({ strict: false }).compile(JSON.parse(readFileSync(join(ROOT, 'schema/frame.schema.json'), 'utf8')))
const valid = <T extends StreamMessage>(frame: T): T => {
  assert.ok(validate(frame), JSON.stringify(validate.errors))
  return frame
}

it('formats a BGP announcement and withdrawal', () => {
  const a = valid({ seq: 1, record_type: 'update', vp: '25152_202.249.2.185', sec: 1427846405, Usec: 42, prefixes: '199.38.164.0/23', 'as-path': '25152 2914 13789 53563', communities: '2914:410 2914:1009', nexthop: '202.249.2.185', origin: 'IGP', collector: 'rrc06' })
  assert.equal(formatText(a), '1427846405.000042|U|bgp|25152|202.249.2.185|||199.38.164.0/23|25152 2914 13789 53563|2914:410 2914:1009|IGP|202.249.2.185')
  const w = valid({ seq: 2, record_type: 'update', vp: '25152_2001:200:0:fe00::6249:0', sec: 1427846417, Usec: 0, withdrawn: '2620:110:9004::/48,2620:110:9005::/48', collector: 'rrc06' })
  assert.equal(formatText(w), '1427846417.000000|W|bgp|25152|2001:200:0:fe00::6249:0|||2620:110:9004::/48,2620:110:9005::/48||||')
  // No communities, no origin: empty fields, never "undefined".
  const bare = valid({ seq: 3, record_type: 'update', vp: '0_192.0.2.1', sec: 1, Usec: 999999, prefixes: '192.0.2.0/24', collector: 'c' })
  assert.equal(formatText(bare), '1.999999|U|bgp|0|192.0.2.1|||192.0.2.0/24||||')
})

it('formats a BMP frame with the monitored peer as VP and the router as parent', () => {
  const a = valid({ seq: 4, record_type: 'bmp_update', vp: '65000_10.0.0.1', bmp_peer: '64512_2001:db8::2', sec: 1700000000, Usec: 500000, prefixes: '2001:db8:100::/48', 'as-path': '64512 64513', nexthop: '2001:db8::2', origin: 'INCOMPLETE', collector: 'bmp', bmp_view: 'adj-rib-in-pre' })
  assert.equal(formatText(a), '1700000000.500000|U|bmp|64512|2001:db8::2|65000|10.0.0.1|2001:db8:100::/48|64512 64513||INCOMPLETE|2001:db8::2')
  const w = valid({ seq: 5, record_type: 'bmp_update', vp: '65000_10.0.0.1', bmp_peer: '64512_10.0.0.2', sec: 1700000001, Usec: 0, withdrawn: '203.0.113.0/24', collector: 'bmp' })
  assert.equal(formatText(w), '1700000001.000000|W|bmp|64512|10.0.0.2|65000|10.0.0.1|203.0.113.0/24||||')
})

it('has no line for peer state and gap frames', () => {
  assert.equal(formatText(valid({ seq: 6, record_type: 'peer_state', vp: '65000_10.0.0.1', sec: 1, Usec: 0, state: 'up', old_state: 'OpenConfirm', new_state: 'Established', collector: 'c' })), undefined)
  assert.equal(formatText({ record_type: 'gap', reason: 'reset', since: 9, first_seq: 1, last_seq: 3 }), undefined)
  assert.equal(formatTimestamp(12, 3), '12.000003')
})
