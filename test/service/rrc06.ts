// The RIS rrc06 update file of the shared data, a key's prefixes in it, and the frames that key
// gets from it, made with the matcher alone (no bus, no service), for the replay tests.
import { resolve } from 'node:path'
import { Matcher } from '../../src/matcher/matcher.ts'
import { MrtRecordNormaliser } from '../../src/record/from-mrt.ts'
import { readMrtFile } from '../../src/sources/mrt/read-mrt-file.ts'

export const RRC06 = resolve(import.meta.dirname, '../../../shared/data/mrt/updates/ris.rrc06.updates.1427846400.gz')
export const RRC06_PREFIXES = ['205.0.0.0/8', '199.0.0.0/8', '2620:110:9000::/44']

/** The frames a key on `prefixes` gets from the file, made without the bus or the service. */
export async function expectedFrames (file: string, prefixes: string[]): Promise<string[]> {
  const matcher = new Matcher()
  matcher.setKeyPrefixes('k', prefixes)
  const normaliser = new MrtRecordNormaliser()
  const out: string[] = []
  for await (const rec of readMrtFile(file)) {
    for (const r of normaliser.toRecords(rec, 'mrt:ris.rrc06.updates.1427846400.gz')) {
      for (const { text } of matcher.match(r)) out.push(text)
    }
  }
  return out
}
