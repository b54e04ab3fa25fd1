// bgpdump -m output of every MRT file in the shared test data, compared byte for byte with
// bgpdump 1.6.2 itself (installed in CI), and the known bgpdump bugs pinned where we differ.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { Writable } from 'node:stream'
import { test } from 'node:test'
import { runMrtDump } from '../../src/cli/commands/mrt-dump.ts'

const DATA = resolve(import.meta.dirname, '../../../shared/data/mrt')

function mrtFiles (dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...mrtFiles(path))
    else out.push(path)
  }
  return out
}

class Collect extends Writable {
  readonly chunks: Buffer[] = []
  override _write (chunk: Buffer, _encoding: string, done: () => void): void {
    this.chunks.push(Buffer.from(chunk))
    done()
  }

  get buffer (): Buffer {
    return Buffer.concat(this.chunks)
  }
}

async function ours (file: string): Promise<{ stdout: Buffer, stderr: string, code: number }> {
  const stdout = new Collect()
  const stderr = new Collect()
  const code = await runMrtDump([file], { stdout, stderr })
  return { stdout: stdout.buffer, stderr: stderr.buffer.toString(), code }
}

function bgpdump (file: string): Buffer {
  const run = spawnSync('bgpdump', ['-m', file], { maxBuffer: 1 << 28 })
  if (run.error !== undefined) throw run.error
  return run.stdout
}

/** Files where bgpdump 1.6.2 is wrong and we print something else; each has its own test below. */
const PINNED = new Set(['daemons/gobgp-rib.mrt', 'legacy/rrc00.bview.20000111.0032.gz', 'legacy/rrc00.updates.19991214.1621.gz'])

/** Files whose input is known to be truncated (exit code 1 after every whole record). */
const TRUNCATED = new Set(['rib/rib.20140523.0600_firstMB.bz2'])

for (const file of mrtFiles(DATA)) {
  const name = relative(DATA, file)
  if (PINNED.has(name)) continue
  test(`bgpdump -m byte for byte: ${name}`, async () => {
    const expected = bgpdump(file)
    const got = await ours(file)
    assert.ok(expected.length > 0, 'bgpdump printed nothing')
    if (!got.stdout.equals(expected)) {
      const a = got.stdout.toString('latin1').split('\n')
      const b = expected.toString('latin1').split('\n')
      let i = 0
      while (i < a.length && a[i] === b[i]) i++
      assert.equal(a[i], b[i], `first difference at line ${i + 1}`)
    }
    assert.equal(got.code, TRUNCATED.has(name) ? 1 : 0, got.stderr)
  })
}

test('bgpdump prints the peer address as the prefix of every withdrawal of type BGP (5); we print the prefix', async () => {
  const file = join(DATA, 'legacy/rrc00.updates.19991214.1621.gz')
  const expected = bgpdump(file).toString('latin1').split('\n')
  const got = (await ours(file)).stdout.toString('latin1').split('\n')
  assert.equal(got.length, expected.length)
  let withdrawals = 0
  for (let i = 0; i < got.length; i++) {
    if (got[i].startsWith('BGP|') && got[i].split('|')[2] === 'W') {
      withdrawals++
      const ours = got[i].split('|')
      const theirs = expected[i].split('|')
      assert.deepEqual(ours.slice(0, 5), theirs.slice(0, 5))
      assert.equal(theirs[5].split('/')[0], theirs[3], 'bgpdump: peer address in the prefix field')
      assert.equal(ours[5].split('/')[1], theirs[5].split('/')[1], 'same prefix length')
    } else {
      assert.equal(got[i], expected[i])
    }
  }
  assert.equal(withdrawals, 1363)
  assert.ok(got.includes('BGP|945188493|W|206.251.0.85|3549|202.24.240.0/21'))
})

test('bgpdump stops after 1 line of the TABLE_DUMP file with 4-octet-short lengths; we print its 452018 entries', async () => {
  const file = join(DATA, 'legacy/rrc00.bview.20000111.0032.gz')
  const expected = bgpdump(file).toString('latin1')
  const got = await ours(file)
  const lines = got.stdout.toString('latin1').split('\n')
  assert.equal(expected, 'TABLE_DUMP|947550744|B|204.152.166.29|3549|3.0.0.0/8|3549 701 80|IGP|204.152.166.29|0|0||NAG||\n')
  assert.equal(lines[0] + '\n', expected)
  assert.equal(lines.length - 1, 452018)
  assert.equal(got.code, 0)
  assert.match(got.stderr, /4 octets short/)
})

test('bgpdump aborts on the GoBGP table dump (peer index == peer count); we print the 57 entries with a known peer', async () => {
  const file = join(DATA, 'daemons/gobgp-rib.mrt')
  const run = spawnSync('bgpdump', ['-m', file])
  assert.equal(run.stdout.length, 0)
  assert.notEqual(run.status, 0)
  const got = await ours(file)
  const lines = got.stdout.toString('latin1').trimEnd().split('\n')
  assert.equal(lines.length, 57)
  assert.equal(lines[0], 'TABLE_DUMP2|1795726518|B|::1|65003|100.64.0.0/16|65003 65300|IGP|198.18.0.3|0|0|65003:100 65003:200|NAG||')
  assert.match(got.stderr, /peer index missing from the PEER_INDEX_TABLE/)
  assert.equal(got.code, 1)
})
