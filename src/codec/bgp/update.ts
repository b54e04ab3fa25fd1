// UPDATE (RFC 4271 §4.3): Withdrawn Routes Length (2), Withdrawn Routes, Total Path Attribute
// Length (2), Path Attributes, NLRI. Withdrawn routes and NLRI are IPv4 unicast; other
// families travel in MP_REACH_NLRI / MP_UNREACH_NLRI (RFC 4760).

import { Afi, AttrType, ErrorCode, Safi, UpdateErrorSubcode } from './constants.ts'
import type { DecodeContext } from './decode-context.ts'
import { hasAddPath } from './decode-context.ts'
import { BgpDecodeError, ErrorAction, strongerError } from './errors.ts'
import type { ByteWriter } from './byte-writer.ts'
import { decodeAttributes, writeAttributes } from './attributes/index.ts'
import { decodePrefixes, encodePrefixes } from './prefix.ts'
import type { PathAttribute, UpdateMessage } from './types.ts'

/**
 * Decode the body of an UPDATE, `buf[start, end)` being everything after the 19-octet header.
 * Throws BgpDecodeError (session reset) only when the fields cannot be located. Every other
 * error is returned in `error`, the strongest one (RFC 7606 §2), and decoding goes on: a
 * malformed attribute is kept as 'unknown', malformed Withdrawn Routes or NLRI keep their
 * whole prefixes and the rest in `trailing` (RFC 7606 §5.3: session reset).
 */
export function decodeUpdateBody (buf: Uint8Array, start: number, end: number, ctx: DecodeContext): UpdateMessage {
  // RFC 7606 §4 / RFC 4271 §6.3: the two length fields must fit the message.
  if (end - start < 4) throw malformedList(buf, start, end, 'UPDATE shorter than its two length fields')
  const withdrawnLength = (buf[start] << 8) | buf[start + 1]
  const withdrawnStart = start + 2
  const withdrawnEnd = withdrawnStart + withdrawnLength
  if (withdrawnEnd + 2 > end) throw malformedList(buf, start, end, `Withdrawn Routes Length ${withdrawnLength} overruns the message`)
  const attributesLength = (buf[withdrawnEnd] << 8) | buf[withdrawnEnd + 1]
  const attributesStart = withdrawnEnd + 2
  const attributesEnd = attributesStart + attributesLength
  if (attributesEnd > end) throw malformedList(buf, start, end, `Total Path Attribute Length ${attributesLength} overruns the message`)

  const addPath = hasAddPath(ctx, Afi.IPV4, Safi.UNICAST)
  const withdrawn = decodePrefixes(buf, withdrawnStart, withdrawnEnd, Afi.IPV4, Safi.UNICAST, addPath)
  const nlri = decodePrefixes(buf, attributesEnd, end, Afi.IPV4, Safi.UNICAST, addPath)
  const decoded = decodeAttributes(buf, attributesStart, attributesEnd, ctx)
  let error = decoded.error
  const missing = missingAttribute(decoded.attributes, nlri.prefixes.length > 0)
  if (missing !== undefined) error = strongerError(error, missing)
  if (withdrawn.trailing !== undefined) error = strongerError(error, invalidNetworkField(buf, withdrawnStart, withdrawnEnd, 'Withdrawn Routes'))
  if (nlri.trailing !== undefined) error = strongerError(error, invalidNetworkField(buf, attributesEnd, end, 'NLRI'))

  const update: UpdateMessage = { type: 'update', withdrawn, attributes: decoded.attributes, nlri }
  if (error !== undefined) update.error = error
  if (decoded.trailing !== undefined) update.attributesTrailing = decoded.trailing
  return update
}

function malformedList (buf: Uint8Array, start: number, end: number, message: string): BgpDecodeError {
  return new BgpDecodeError(ErrorCode.UPDATE_MESSAGE, UpdateErrorSubcode.MALFORMED_ATTRIBUTE_LIST, message,
    { data: buf.subarray(start, end), action: ErrorAction.SESSION_RESET })
}

/** RFC 7606 §5.3: a malformed Withdrawn Routes or NLRI field is a session reset. */
function invalidNetworkField (buf: Uint8Array, start: number, end: number, field: string): BgpDecodeError {
  return new BgpDecodeError(ErrorCode.UPDATE_MESSAGE, UpdateErrorSubcode.INVALID_NETWORK_FIELD, `${field} field is malformed`,
    { data: buf.subarray(start, end), action: ErrorAction.SESSION_RESET })
}

/**
 * RFC 4271 §5 and RFC 7606 §3 (d): routes need ORIGIN and AS_PATH, and IPv4 NLRI in the NLRI
 * field a NEXT_HOP; otherwise treat-as-withdraw. The data is the missing type code (§6.3).
 */
function missingAttribute (attributes: readonly PathAttribute[], hasNlri: boolean): BgpDecodeError | undefined {
  let reach = hasNlri
  let origin = false
  let asPath = false
  let nextHop = false
  for (const attr of attributes) {
    switch (attr.code) {
      case AttrType.ORIGIN: origin = true; break
      case AttrType.AS_PATH: asPath = true; break
      case AttrType.NEXT_HOP: nextHop = true; break
      case AttrType.MP_REACH_NLRI:
        if (attr.kind !== 'mp-reach' || attr.nlri === null || attr.nlri.prefixes.length > 0) reach = true
        break
    }
  }
  if (!reach) return undefined
  const absent = !origin ? AttrType.ORIGIN : !asPath ? AttrType.AS_PATH : hasNlri && !nextHop ? AttrType.NEXT_HOP : 0
  if (absent === 0) return undefined
  return new BgpDecodeError(ErrorCode.UPDATE_MESSAGE, UpdateErrorSubcode.MISSING_WELL_KNOWN_ATTRIBUTE,
    `missing well-known attribute ${absent}`, { data: Uint8Array.of(absent), action: ErrorAction.TREAT_AS_WITHDRAW, attributeType: absent })
}

/** Write an UPDATE body (no header). */
export function writeUpdateBody (out: ByteWriter, update: UpdateMessage): void {
  const withdrawnAt = out.length
  out.u16(0)
  encodePrefixes(out, update.withdrawn)
  const withdrawnLength = out.length - withdrawnAt - 2
  const attributesAt = out.length
  out.u16(0)
  writeAttributes(out, update.attributes, update.attributesTrailing)
  const attributesLength = out.length - attributesAt - 2
  if (withdrawnLength > 0xffff || attributesLength > 0xffff) throw new RangeError('UPDATE field longer than 65535 octets')
  out.patchU16(withdrawnAt, withdrawnLength)
  out.patchU16(attributesAt, attributesLength)
  encodePrefixes(out, update.nlri)
}
