// The key of an attribute set: the received path attribute octets (RFC 4271 §4.3), cheap to
// make (no serialisation of decoded values) and to compare. The NLRI inside MP_REACH_NLRI and
// the whole of MP_UNREACH_NLRI (RFC 4760 §3, §4) are routes, not attributes: they are left out,
// MP_REACH_NLRI keeping its family and next hop with its length field set to match. The key is
// thus itself a well-formed attribute list, and the set's decoded attributes are made again from
// it when asked for (attributesFromKey) instead of being kept in memory.
import { AttrType, AttrFlag, HEADER_LENGTH } from '../../codec/bgp/constants.ts'
import { decodeAttributes } from '../../codec/bgp/attributes/index.ts'
import { createDecodeContext } from '../../codec/bgp/decode-context.ts'
import { collectAttributes } from '../../record/from-update.ts'
import type { CollectedAttributes } from '../../record/from-update.ts'

/** Writes keys into one reused buffer; `bytes[0, length)` is the last key written. */
export class AttributeKeyWriter {
  bytes = new Uint8Array(4096)
  length = 0

  /**
   * The attribute key of a whole UPDATE message (header included). The message is assumed to
   * have decoded already (lengths are within bounds); a malformed field just ends the key early.
   */
  write (msg: Uint8Array): number {
    if (this.bytes.length < msg.length) this.bytes = new Uint8Array(msg.length)
    const out = this.bytes
    let n = 0
    const withdrawnLength = (msg[HEADER_LENGTH] << 8) | msg[HEADER_LENGTH + 1]
    let i = HEADER_LENGTH + 2 + withdrawnLength
    const attrLength = (msg[i] << 8) | msg[i + 1]
    i += 2
    const end = Math.min(msg.length, i + attrLength)
    while (i + 3 <= end) {
      const flags = msg[i]
      const type = msg[i + 1]
      const extended = (flags & AttrFlag.EXTENDED_LENGTH) !== 0
      const length = extended ? (msg[i + 2] << 8) | msg[i + 3] : msg[i + 2]
      const valueStart = i + (extended ? 4 : 3)
      const next = valueStart + length
      if (next > end) break
      if (type === AttrType.MP_REACH_NLRI && length >= 4) {
        // AFI (2), SAFI (1), Next Hop Length (1), Next Hop, Reserved (1), then NLRI.
        const headEnd = Math.min(next, valueStart + 4 + msg[valueStart + 3] + 1)
        const headLength = headEnd - valueStart
        out[n++] = flags
        out[n++] = type
        if (extended) out[n++] = headLength >> 8
        out[n++] = headLength & 0xff
        for (let k = valueStart; k < headEnd; k++) out[n++] = msg[k]
      } else if (type !== AttrType.MP_UNREACH_NLRI) {
        for (let k = i; k < next; k++) out[n++] = msg[k]
      }
      i = next
    }
    // Whatever is left (a malformed attribute) is kept as it is.
    for (let k = i; k < end; k++) out[n++] = msg[k]
    this.length = n
    return n
  }
}

const writer = new AttributeKeyWriter()

/** The attribute key of a whole UPDATE message, as a latin1 string. */
export function attributeKey (msg: Uint8Array): string {
  const n = writer.write(msg)
  return Buffer.from(writer.bytes.buffer, 0, n).toString('latin1')
}

const CONTEXTS = [createDecodeContext({ asn4: false }), createDecodeContext({ asn4: true })]

/**
 * What updateToRecord finds in an attribute key (attributes, NEXT_HOP, MP_REACH_NLRI next hops)
 * decoded as a session with or without 4-octet ASNs (RFC 6793) reads it. For the key of an
 * UPDATE without RFC 7606 error whose MP_REACH_NLRI and MP_UNREACH_NLRI (if any) are of families
 * whose NLRI the codec decodes, the attributes are those of the UPDATE's record.
 */
export function attributesFromKey (key: Uint8Array, asn4: boolean): CollectedAttributes {
  return collectAttributes(decodeAttributes(key, 0, key.length, CONTEXTS[asn4 ? 1 : 0]).attributes)
}
