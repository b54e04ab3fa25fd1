// `bgproutes-live collect` as a process: JSON lines on stdout, pino logs on stderr, a test peer's
// routes printed, a clean stop on SIGTERM with the peer-down records, config errors exit 2.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { connect } from 'node:net'
import { join } from 'node:path'
import { readPcapTcpStreams } from '../../helpers/pcap.ts'
import { TestPeer, announceUpdate, defaultCapabilities } from '../../helpers/routers/test-peer.ts'

const ENTRY = join(import.meta.dirname, '../../helpers/routers/collect-entry.ts')

function startCli (args: string[]): { child: ReturnType<typeof spawn>, stdout: () => string, stderr: () => string, exited: Promise<number | null> } {
  const child = spawn(process.execPath, [ENTRY, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout?.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr?.on('data', (d: Buffer) => { err += d.toString() })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { resolve(code) }))
  return { child, stdout: () => out, stderr: () => err, exited }
}

async function until (test: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

test('collect prints records as JSON lines and stops cleanly on SIGTERM', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'collect-cli-'))
  const config = join(dir, 'collector.json')
  writeFileSync(config, JSON.stringify({ name: 'cli-test', routerId: '10.255.255.2', localAs: 65000, peers: [{ address: '127.0.30.1', remoteAs: 65301 }], accept: [] }))
  const cli = startCli(['--config', config, '--listen-bgp', '127.0.0.1:0'])
  const peers: TestPeer[] = []
  t.after(async () => { for (const p of peers) p.destroy(); cli.child.kill('SIGKILL'); await cli.exited; rmSync(dir, { recursive: true, force: true }) })
  await until(() => cli.stderr().includes('BGP collector started'), 10_000, 'start log line')
  const started = cli.stderr().split('\n').map((l) => { try { return JSON.parse(l) as Record<string, unknown> } catch { return {} } }).find((l) => l.msg === 'BGP collector started') as { listen: string[] }
  const port = Number(started.listen[0].split(':').pop())
  const peer = await TestPeer.establish({ host: '127.0.0.1', port, localAddress: '127.0.30.1', asn: 65301, bgpId: '10.0.30.1', capabilities: defaultCapabilities(65301, false) })
  peers.push(peer)
  peer.send(announceUpdate({ prefixes: ['192.0.2.0/24'], nextHop: '198.18.30.1', asPath: [65301, 65302], med: 3 }))
  await until(() => cli.stdout().split('\n').length >= 3, 10_000, 'two records')
  cli.child.kill('SIGTERM')
  assert.equal(await cli.exited, 0)
  const lines = cli.stdout().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
  for (const l of lines) delete l.time_us
  const vp = { ip: '127.0.30.1', asn: 65301 }
  assert.deepEqual(lines, [
    { type: 'peer_state', source: 'cli-test', vp, old_state: 'OpenConfirm', new_state: 'Established' },
    { type: 'update', source: 'cli-test', vp, announce: [{ next_hop: '198.18.30.1', prefixes: ['192.0.2.0/24'] }], withdraw: [], attrs: { origin: 'IGP', as_path: [{ type: 'AS_SEQUENCE', asns: [65301, 65302] }], med: 3 } },
    { type: 'peer_state', source: 'cli-test', vp, old_state: 'Established', new_state: 'Idle', reason: 'sent NOTIFICATION Cease/Administrative Shutdown (6/2): collector shutting down' },
    { type: 'update', source: 'cli-test', vp, announce: [], withdraw: [{ prefixes: ['192.0.2.0/24'] }], attrs: {} }
  ])
  const n = await peer.waitFor((m) => m.type === 'notification')
  assert.deepEqual(n.type === 'notification' && [n.code, n.subcode], [6, 2])
  // stderr is pino JSON; nothing else.
  for (const l of cli.stderr().trim().split('\n')) assert.equal(typeof (JSON.parse(l) as { level: number }).level, 'number')
})

test('collect exits 2 on a bad configuration, naming the field', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'collect-cli-'))
  try {
    const config = join(dir, 'bad.json')
    writeFileSync(config, JSON.stringify({ peers: [{ address: '127.0.0.1', holdTime: 2 }] }))
    const cli = startCli(['--config', config])
    assert.equal(await cli.exited, 2)
    assert.match(cli.stderr(), /peers\[0\]\.holdTime: a hold time is 0 or at least 3/)
    const bad = startCli(['--listen-bgp', 'nowhere'])
    assert.equal(await bad.exited, 2)
    assert.match(bad.stderr(), /bad listen address/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('collect --listen-bmp runs the BMP station beside the collector; routers\' records share stdout', async (t) => {
  const capture = join(import.meta.dirname, '../../../../shared/data/bmp/pmacct-200-BMP-HUAWEI-locrib_instance.traffic-00.pcap')
  const stream = readPcapTcpStreams(capture).find((s) => s.dstPort === 1790)
  assert.ok(stream !== undefined, 'the capture holds a BMP stream')
  const cli = startCli(['--listen-bgp', '127.0.0.1:0', '--listen-bmp', '127.0.0.1:0', '--log-level', 'info'])
  t.after(async () => { cli.child.kill('SIGKILL'); await cli.exited })
  const logLine = (msg: string): Record<string, unknown> | undefined => cli.stderr().split('\n')
    .map((l) => { try { return JSON.parse(l) as Record<string, unknown> } catch { return {} } })
    .find((l) => l.msg === msg)
  await until(() => logLine('BMP station listening') !== undefined, 10_000, 'the BMP station to listen')
  const port = (logLine('BMP station listening') as { listen: { port: number } }).listen.port
  const socket = connect({ host: '127.0.0.1', port })
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject) })
  socket.end(stream.data)
  // The capture's first Loc-RIB announcement, as the station test pins it, now through the CLI.
  await until(() => cli.stdout().includes('"2001:db8::10/128"'), 10_000, 'the Loc-RIB record on stdout')
  cli.child.kill('SIGTERM')
  assert.equal(await cli.exited, 0)
  const records = cli.stdout().trim().split('\n').map((l) => JSON.parse(l) as { type: string, router?: { view: string, name?: string } })
  const locRib = records.filter((r) => r.type === 'update' && r.router?.view === 'loc-rib')
  assert.ok(locRib.length > 0)
  for (const r of locRib) assert.equal(r.router?.name, 'ipf-zbl1843-r-daisy-61')
})
