// Path attribute sets shared between prefixes. A full table holds about a million routes but only
// a few hundred thousand distinct attribute sets, so each route points at one interned entry
// (attributes + next hop); an entry goes when no route points at it any more.
//
// The key of an attribute set is made from the received attribute octets (cheap: no
// serialisation of decoded values), leaving out the NLRI inside MP_REACH_NLRI and the whole of
// MP_UNREACH_NLRI (RFC 4760 §3, §4), which are routes, not attributes.
import { AttrType, AttrFlag, HEADER_LENGTH } from '../../codec/bgp/constants.ts'
import type { RecordAttributes } from '../../record/types.ts'

export interface StoredPath {
  readonly attrs: RecordAttributes
  readonly nextHop: string | null
  readonly nextHopLl: string | undefined
  readonly key: string
}

function latin1 (buf: Uint8Array, start: number, end: number): string {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)
  return b.toString('latin1', start, end)
}

/**
 * The attribute key of a whole UPDATE message (header included): its path attribute octets with
 * the MP_REACH_NLRI NLRI and any MP_UNREACH_NLRI left out. The message is assumed to have
 * decoded already (lengths are within bounds); a malformed field just ends the key early.
 */
export function attributeKey (msg: Uint8Array): string {
  const withdrawnLength = (msg[HEADER_LENGTH] << 8) | msg[HEADER_LENGTH + 1]
  let i = HEADER_LENGTH + 2 + withdrawnLength
  const attrLength = (msg[i] << 8) | msg[i + 1]
  i += 2
  const end = Math.min(msg.length, i + attrLength)
  let key = ''
  let runStart = i
  while (i + 3 <= end) {
    const flags = msg[i]
    const type = msg[i + 1]
    const extended = (flags & AttrFlag.EXTENDED_LENGTH) !== 0
    const length = extended ? (msg[i + 2] << 8) | msg[i + 3] : msg[i + 2]
    const valueStart = i + (extended ? 4 : 3)
    const next = valueStart + length
    if (next > end) break
    if (type === AttrType.MP_UNREACH_NLRI) {
      key += latin1(msg, runStart, i)
      runStart = next
    } else if (type === AttrType.MP_REACH_NLRI && length >= 4) {
      // AFI (2), SAFI (1), Next Hop Length (1), Next Hop, Reserved (1), then NLRI.
      // The attribute's length field counts the NLRI too, so it is left out with them.
      const headEnd = Math.min(next, valueStart + 4 + msg[valueStart + 3] + 1)
      key += latin1(msg, runStart, i) + String.fromCharCode(flags, type) + latin1(msg, valueStart, headEnd)
      runStart = next
    }
    i = next
  }
  return key + latin1(msg, runStart, end)
}

/**
 * Interned attribute sets. Routes hold their entry strongly; the table holds it weakly, so an
 * entry goes with its last route without any per-route reference counting (which would cost a
 * map lookup per prefix on the hot path): the garbage collector does the counting, and a
 * FinalizationRegistry removes the table slot of a collected entry.
 */
export class AttributeInterner {
  private readonly paths = new Map<string, WeakRef<StoredPath>>()
  private readonly registry = new FinalizationRegistry<string>((key) => {
    const ref = this.paths.get(key)
    if (ref !== undefined && ref.deref() === undefined) this.paths.delete(key)
  })

  /** Entries in the table (some may be collected and not yet removed). */
  get size (): number {
    return this.paths.size
  }

  /** The shared entry for these attributes and next hop. */
  acquire (attrKey: string, attrs: RecordAttributes, nextHop: string | null, nextHopLl: string | undefined): StoredPath {
    const key = nextHopLl === undefined ? attrKey + '\u0000' + (nextHop ?? '') : attrKey + '\u0000' + (nextHop ?? '') + '\u0000' + nextHopLl
    const found = this.paths.get(key)?.deref()
    if (found !== undefined) return found
    const path: StoredPath = { attrs, nextHop, nextHopLl, key }
    this.paths.set(key, new WeakRef(path))
    this.registry.register(path, key)
    return path
  }
}
