import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseRecord, recordToJson } from '../../src/record/json.ts'
import { makePeerStateRecord } from '../../src/record/build.ts'
import { updateToRecord } from '../../src/record/from-update.ts'
import { META, attr, update, validateRecord } from './helpers.ts'

test('recordToJson is one line, JSON.stringify of the record, and parseRecord gives it back', () => {
  const record = updateToRecord(update([attr.origin(0), attr.asPath([[2, [64500]]]), attr.nextHop('192.0.2.1')], ['10.0.0.0/8']), { ...META, source: 'line\nbreak "quoted"' })
  const json = recordToJson(record)
  assert.equal(json, JSON.stringify(record))
  assert.ok(!json.includes('\n'))
  assert.deepEqual(parseRecord(json), record)
  assert.equal(recordToJson(parseRecord(json)), json)
})

test('key order is canonical whatever order a source gives the meta fields in', () => {
  const meta = { router: { view: 'loc-rib' as const, ip: '198.51.100.9' }, vp: { asn: 64500, ip: '192.0.2.1' }, source: 's', time_us: 1 }
  const record = makePeerStateRecord(meta, 'Established', 'Idle', 'peer de-configured')
  assert.equal(recordToJson(record),
    '{"type":"peer_state","time_us":1,"source":"s","vp":{"ip":"192.0.2.1","asn":64500},"router":{"ip":"198.51.100.9","view":"loc-rib"},"old_state":"Established","new_state":"Idle","reason":"peer de-configured"}')
  assert.ok(validateRecord()(record))
})

test('parseRecord rejects what is not a record, without validating the rest', () => {
  assert.throws(() => parseRecord('not json'), SyntaxError)
  assert.throws(() => parseRecord('[1]'), TypeError)
  assert.throws(() => parseRecord('null'), TypeError)
  assert.throws(() => parseRecord('{"type":"keepalive"}'), TypeError)
  assert.deepEqual(parseRecord('{"type":"update"}'), { type: 'update' })
})

test('every JSON example in docs/record.md is a valid record in canonical form', async () => {
  const { readFileSync } = await import('node:fs')
  const { resolve } = await import('node:path')
  const doc = readFileSync(resolve(import.meta.dirname, '../../docs/record.md'), 'utf8')
  const examples = [...doc.matchAll(/```json\n(.*)\n```/g)].map((m) => m[1])
  assert.ok(examples.length >= 8)
  const validate = validateRecord()
  for (const json of examples) {
    const record = parseRecord(json)
    assert.ok(validate(record), json + '\n' + JSON.stringify(validate.errors))
    assert.equal(recordToJson(record), json)
  }
})
