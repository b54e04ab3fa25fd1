// Faults stay inside one router's connection: garbage or a lost framing closes that connection
// and no other; a message that does not decode is skipped and the session goes on; a router that
// reconnects starts with a fresh session state (RFC 7854 §3.3: one BMP session per TCP
// connection). The well-behaved router is a real capture (IOS XR, pmacct 201) replayed over TCP;
// the faulty clients send bytes no router would, built here on purpose.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import type { Socket } from 'node:net'
import { Writable } from 'node:stream'
import { createLogger } from '../../../src/log.ts'
import { encodeBmpMessage } from '../../../src/codec/bmp/message.ts'
import { createBmpSplitter } from '../../../src/codec/bmp/framing.ts'
import { textTlv } from '../../../src/codec/bmp/tlv.ts'
import { peerHeader, openPdu, updatePdu } from '../../codec/bmp/fixtures.ts'
import { readPcapTcpStreams } from '../../helpers/pcap.ts'
import { connectTo, endSocket, seededRandom, startHarness, untimed, waitFor, writeChunked } from './station-harness.ts'

const CAPTURE = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data', 'bmp', 'pmacct-201-BMP-CISCO-rd_instance.traffic-00.pcap')

/** Resolves when the station has closed `socket`; rejects after 5 s. */
function closed (socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.closed) { resolve(); return }
    const timer = setTimeout(() => { reject(new Error('the station did not close the connection')) }, 5000)
    socket.once('close', () => { clearTimeout(timer); resolve() })
  })
}

/** The capture's router stream as whole BMP messages. */
function captureMessages (): Uint8Array[] {
  const [stream] = readPcapTcpStreams(CAPTURE).filter(s => s.dstPort === 1790)
  return createBmpSplitter().push(stream.data)
}

function concat (parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts)
}

test('garbage and a lost framing close only the faulty connection; the router beside them is unaffected', async () => {
  const lines: string[] = []
  const destination = new Writable({ write (chunk: Buffer, _encoding, done) { lines.push(chunk.toString()); done() } })
  const h = await startHarness({ logger: createLogger({ level: 'info', destination }) })
  try {
    const messages = captureMessages()
    const half = Math.floor(messages.length / 2)
    const router = await connectTo(h.station)
    await writeChunked(router, concat(messages.slice(0, half)), seededRandom(7))

    // Not BMP at all: version 71 ('G').
    const http = await connectTo(h.station)
    http.on('error', () => {})
    http.write('GET / HTTP/1.1\r\nHost: example\r\n\r\n')
    // Version 3 but a length past the 1 MiB bound: the station must not try to buffer it.
    const huge = await connectTo(h.station)
    huge.on('error', () => {})
    huge.write(Uint8Array.of(3, 0x7f, 0xff, 0xff, 0xff, 0))
    // A valid Initiation, then a message whose length is below the common header's 6 octets.
    const lost = await connectTo(h.station)
    lost.on('error', () => {})
    lost.write(encodeBmpMessage({ kind: 'initiation', tlvs: [textTlv(2, 'lost')] }))
    await waitFor(() => h.station.connections().some(c => c.name === 'lost'), 5000, 'Initiation read')
    lost.write(Uint8Array.of(3, 0, 0, 0, 2, 0))

    await Promise.all([closed(http), closed(huge), closed(lost)])
    assert.equal(h.station.stats().accepted, 4)
    // One log line per closed connection, naming the fault.
    const framing = lines.map(l => JSON.parse(l) as { msg: string, err: string }).filter(l => l.msg === 'BMP framing error: closing the connection')
    assert.equal(framing.length, 3)
    assert.ok(framing.every(l => /^BMP stream lost: /.test(l.err)), JSON.stringify(framing))
    assert.deepEqual(h.station.connections().map(c => c.name), ['ipf-zbl1843-r-daisy-55'])

    await writeChunked(router, concat(messages.slice(half)), seededRandom(8))
    await endSocket(router)
    await waitFor(() => h.station.stats().connected === 0, 5000, 'router done')
    const totals = h.station.stats().totals
    // Every message of the router was read, as in captures-replay.test.ts.
    assert.deepEqual(totals.messages, {
      'route-monitoring': 251, 'statistics-report': 42, 'peer-down': 0, 'peer-up': 42, initiation: 2, termination: 0, 'route-mirroring': 0, unknown: 0
    })
    assert.equal(totals.updateRecords, 251)
    assert.equal(totals.peerStateRecords, 42)
    assert.equal(totals.decodeErrors, 0)
  } finally {
    await h.close()
  }
})

test('a message that does not decode is skipped, the connection stays and the next one is read', async () => {
  const h = await startHarness()
  try {
    const socket = await connectTo(h.station)
    const peer = peerHeader()
    const sentOpen = openPdu(64501, '192.0.2.2', [{ kind: 'four-octet-as', asn: 64501 }])
    const receivedOpen = openPdu(64500, '192.0.2.1', [{ kind: 'four-octet-as', asn: 64500 }])
    const peerUp = encodeBmpMessage({
      kind: 'peer-up', peer, localAddress: '192.0.2.2', localPort: 179, remotePort: 50000, sentOpenBytes: sentOpen, receivedOpenBytes: receivedOpen, tlvs: []
    } as never)
    // The same Peer Up with the received OPEN's type octet changed: framed, but not a Peer Up.
    const broken = peerUp.slice()
    broken[6 + 42 + 20 + sentOpen.length + 18] = 4
    const rm = encodeBmpMessage({ kind: 'route-monitoring', peer, bgp: updatePdu(true, false) } as never)
    await writeChunked(socket, concat([
      encodeBmpMessage({ kind: 'initiation', tlvs: [textTlv(2, 'r1')] }), broken, peerUp, rm
    ]), seededRandom(3), 10)
    await waitFor(() => h.records.length === 2, 5000, 'two records')
    const [info] = h.station.connections()
    assert.equal(info.counters.decodeErrors, 1)
    assert.equal(info.counters.messages['peer-up'], 1)
    assert.deepEqual(h.records.map(untimed), [
      {
        type: 'peer_state', source: 'test-bmp', vp: { ip: '192.0.2.1', asn: 64500 }, router: { ip: '127.0.0.1', asn: 64501, name: 'r1', view: 'adj-rib-in-pre' }, old_state: 'Idle', new_state: 'Established'
      },
      {
        type: 'update',
        source: 'test-bmp',
        vp: { ip: '192.0.2.1', asn: 64500 },
        router: { ip: '127.0.0.1', asn: 64501, name: 'r1', view: 'adj-rib-in-pre' },
        announce: [{ next_hop: '192.0.2.1', prefixes: ['198.51.100.0/24'] }],
        withdraw: [],
        attrs: { origin: 'IGP', as_path: [{ type: 'AS_SEQUENCE', asns: [64500, 65550] }] }
      }
    ])
    assert.equal(h.records[0].time_us, 1700000000123456)
    assert.ok(!socket.closed)
    await endSocket(socket)
  } finally {
    await h.close()
  }
})

test('a router that reconnects gets a fresh session state', async () => {
  const h = await startHarness()
  try {
    // A peer whose session negotiated 2-octet AS (no capability 65 in either OPEN, RFC 6793).
    const peer = peerHeader()
    const peerUp = encodeBmpMessage({
      kind: 'peer-up',
      peer,
      localAddress: '192.0.2.2',
      localPort: 179,
      remotePort: 50000,
      sentOpenBytes: openPdu(64501, '192.0.2.2', []),
      receivedOpenBytes: openPdu(64500, '192.0.2.1', []),
      tlvs: []
    } as never)
    const rm = encodeBmpMessage({ kind: 'route-monitoring', peer, bgp: updatePdu(false, false) } as never)
    const initiation = encodeBmpMessage({ kind: 'initiation', tlvs: [textTlv(2, 'r1')] })

    const first = await connectTo(h.station)
    first.write(concat([initiation, peerUp, rm]))
    await waitFor(() => h.records.length === 2, 5000, 'first session records')
    assert.deepEqual(h.records[1].type === 'update' && h.records[1].attrs.as_path, [{ type: 'AS_SEQUENCE', asns: [64500, 23456] }])
    await endSocket(first)
    await waitFor(() => h.station.stats().connected === 0, 5000, 'first session closed')

    // Same router, new connection, no Peer Up this time: the 2-octet AS_PATH must not be read
    // with what the closed session knew. With the fallback (4-octet, RFC 7854 §4.2 A flag clear)
    // it is malformed: RFC 7606 §7.2 treat-as-withdraw.
    const second = await connectTo(h.station)
    second.write(concat([initiation, rm]))
    await waitFor(() => h.records.length === 3, 5000, 'second session record')
    const [info] = h.station.connections()
    assert.equal(info.peersUp, 0)
    assert.equal(info.counters.unknownPeerMessages, 1)
    const record = h.records[2]
    assert.ok(record.type === 'update')
    assert.equal(record.error?.action, 'treat-as-withdraw')
    assert.deepEqual(record.withdraw, [{ prefixes: ['198.51.100.0/24'] }])
    assert.equal(record.router?.asn, undefined)
    await endSocket(second)
  } finally {
    await h.close()
  }
})

test('close() ends every router connection and stops listening', async () => {
  const h = await startHarness()
  const socket = await connectTo(h.station)
  socket.on('error', () => {})
  await h.close()
  await closed(socket)
  await assert.rejects(connectTo(h.station))
})
