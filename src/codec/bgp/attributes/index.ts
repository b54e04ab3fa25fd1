// The path attribute list of an UPDATE (RFC 4271 §4.3) or of an MRT RIB entry (RFC 6396).
// Each attribute: flags (1 octet), type code (1), length (1, or 2 with the extended length
// flag), value. Attribute errors follow RFC 7606: decoding goes on, a malformed attribute is
// kept as 'unknown' with its raw value, and the strongest error is returned with the list.

import { AttrFlag, AttrType, ErrorCode, UpdateErrorSubcode } from '../constants.ts'
import type { DecodeContext } from '../decode-context.ts'
import { BgpDecodeError, ErrorAction, strongerError } from '../errors.ts'
import type { ErrorActionValue } from '../errors.ts'
import { ByteWriter } from '../byte-writer.ts'
import type { PathAttribute } from '../types.ts'
import { decodeOrigin, encodeOrigin } from './attr-01-origin.ts'
import { decodeAs4Path, decodeAsPath, encodeAsPath } from './attr-02-17-as-path.ts'
import { decodeNextHop, encodeNextHop } from './attr-03-next-hop.ts'
import { decodeMed, encodeMed } from './attr-04-med.ts'
import { decodeLocalPref, encodeLocalPref } from './attr-05-local-pref.ts'
import { decodeAtomicAggregate, encodeAtomicAggregate } from './attr-06-atomic-aggregate.ts'
import { decodeAggregator, decodeAs4Aggregator, encodeAggregator } from './attr-07-18-aggregator.ts'
import { decodeCommunities, encodeCommunities } from './attr-08-communities.ts'
import { decodeOriginatorId, encodeOriginatorId } from './attr-09-originator-id.ts'
import { decodeClusterList, encodeClusterList } from './attr-10-cluster-list.ts'
import { decodeMpReach, decodeMpUnreach, encodeMpReach, encodeMpUnreach } from './attr-14-15-mp-reach-unreach.ts'
import { decodeExtendedCommunities, encodeExtendedCommunities } from './attr-16-extended-communities.ts'
import { decodeLargeCommunities, encodeLargeCommunities } from './attr-32-large-communities.ts'
import { decodeOnlyToCustomer, encodeOnlyToCustomer } from './attr-35-only-to-customer.ts'

export interface DecodedAttributes {
  attributes: PathAttribute[]
  /** The strongest RFC 7606 error met; the attributes it concerns are kept as 'unknown'. */
  error?: BgpDecodeError
  /**
   * Octets after the last whole attribute, when an attribute header or value overran the
   * list (RFC 7606 §4). Kept so that the list re-encodes exactly.
   */
  trailing?: Uint8Array
}

const WELL_KNOWN = AttrFlag.TRANSITIVE
const OPTIONAL_TRANSITIVE = AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE
const OPTIONAL_NON_TRANSITIVE = AttrFlag.OPTIONAL

/** The Optional and Transitive bits each known type code must carry (RFC 4271 §5, and each attribute's RFC); -1 if unknown. */
const EXPECTED_FLAGS: readonly number[] = (() => {
  const table = new Array<number>(256).fill(-1)
  table[AttrType.ORIGIN] = WELL_KNOWN
  table[AttrType.AS_PATH] = WELL_KNOWN
  table[AttrType.NEXT_HOP] = WELL_KNOWN
  table[AttrType.MULTI_EXIT_DISC] = OPTIONAL_NON_TRANSITIVE
  table[AttrType.LOCAL_PREF] = WELL_KNOWN
  table[AttrType.ATOMIC_AGGREGATE] = WELL_KNOWN
  table[AttrType.AGGREGATOR] = OPTIONAL_TRANSITIVE
  table[AttrType.COMMUNITIES] = OPTIONAL_TRANSITIVE
  table[AttrType.ORIGINATOR_ID] = OPTIONAL_NON_TRANSITIVE
  table[AttrType.CLUSTER_LIST] = OPTIONAL_NON_TRANSITIVE
  table[AttrType.MP_REACH_NLRI] = OPTIONAL_NON_TRANSITIVE
  table[AttrType.MP_UNREACH_NLRI] = OPTIONAL_NON_TRANSITIVE
  table[AttrType.EXTENDED_COMMUNITIES] = OPTIONAL_TRANSITIVE
  table[AttrType.AS4_PATH] = OPTIONAL_TRANSITIVE
  table[AttrType.AS4_AGGREGATOR] = OPTIONAL_TRANSITIVE
  table[AttrType.LARGE_COMMUNITY] = OPTIONAL_TRANSITIVE
  table[AttrType.ONLY_TO_CUSTOMER] = OPTIONAL_TRANSITIVE
  return table
})()

/** Type codes seen in the list being decoded (RFC 7606 §3 (g)). Decoding is synchronous: one table suffices. */
const seen = new Uint8Array(256)

/** Decode the attributes in `buf[start, end)`. Never throws: see DecodedAttributes.error. */
export function decodeAttributes (buf: Uint8Array, start: number, end: number, ctx: DecodeContext): DecodedAttributes {
  const attributes: PathAttribute[] = []
  let error: BgpDecodeError | undefined
  let trailing: Uint8Array | undefined
  seen.fill(0)
  let i = start
  while (i < end) {
    // RFC 7606 §4: an attribute header or value overrunning the list is treat-as-withdraw,
    // and nothing after it can be parsed.
    const extended = (buf[i] & AttrFlag.EXTENDED_LENGTH) !== 0
    const headerLength = extended ? 4 : 3
    if (end - i < headerLength) {
      error = strongerError(error, new BgpDecodeError(ErrorCode.UPDATE_MESSAGE, UpdateErrorSubcode.MALFORMED_ATTRIBUTE_LIST,
        'truncated attribute header', { data: buf.subarray(i, end), action: ErrorAction.TREAT_AS_WITHDRAW }))
      trailing = buf.subarray(i, end)
      break
    }
    const flags = buf[i]
    const code = buf[i + 1]
    const length = extended ? (buf[i + 2] << 8) | buf[i + 3] : buf[i + 2]
    const valueStart = i + headerLength
    const valueEnd = valueStart + length
    if (valueEnd > end) {
      error = strongerError(error, new BgpDecodeError(ErrorCode.UPDATE_MESSAGE, UpdateErrorSubcode.ATTRIBUTE_LENGTH_ERROR,
        `attribute ${code} overruns the attribute list`, { data: buf.subarray(i, end), action: ErrorAction.TREAT_AS_WITHDRAW, attributeType: code }))
      trailing = buf.subarray(i, end)
      break
    }

    let problem: BgpDecodeError | undefined
    let attribute: PathAttribute | undefined
    if (seen[code] !== 0) {
      // RFC 7606 §3 (g): a repeated MP_REACH/MP_UNREACH resets the session; other repeats are discarded.
      const mp = code === AttrType.MP_REACH_NLRI || code === AttrType.MP_UNREACH_NLRI
      problem = new BgpDecodeError(ErrorCode.UPDATE_MESSAGE, UpdateErrorSubcode.MALFORMED_ATTRIBUTE_LIST, `attribute ${code} repeated`,
        { action: mp ? ErrorAction.SESSION_RESET : ErrorAction.ATTRIBUTE_DISCARD })
    } else {
      seen[code] = 1
      const expected = EXPECTED_FLAGS[code]
      if (expected < 0) {
        // RFC 4271 §6.3: an unrecognized well-known attribute.
        if ((flags & AttrFlag.OPTIONAL) === 0) {
          problem = new BgpDecodeError(ErrorCode.UPDATE_MESSAGE, UpdateErrorSubcode.UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE,
            `unrecognized well-known attribute ${code}`, { action: ErrorAction.SESSION_RESET })
        }
      } else {
        // RFC 7606 §3 (c): Optional/Transitive bits in conflict with the type make it malformed.
        // Not checked in MRT RIB entries: their writers are no BGP speakers, and some (BIRD)
        // write the flags as 0.
        if ((flags & OPTIONAL_TRANSITIVE) !== expected && ctx.mrtRibEntry !== true) {
          problem = new BgpDecodeError(ErrorCode.UPDATE_MESSAGE, UpdateErrorSubcode.ATTRIBUTE_FLAGS_ERROR,
            `attribute ${code} has flags 0x${flags.toString(16)}`, { action: flagsErrorAction(code) })
        }
        try {
          attribute = decodeKnown(buf, valueStart, valueEnd, flags, code, ctx)
        } catch (e) {
          if (!(e instanceof BgpDecodeError)) throw e
          problem = strongerError(problem, e)
        }
      }
    }
    if (problem !== undefined) {
      error = strongerError(error, new BgpDecodeError(problem.code, problem.subcode, problem.message,
        { data: buf.subarray(i, valueEnd), action: problem.action, attributeType: code }))
      // A discarded or undecodable attribute stays, raw, so the message re-encodes as received.
      if (problem.action === ErrorAction.ATTRIBUTE_DISCARD) attribute = undefined
    }
    attributes.push(attribute ?? { kind: 'unknown', code, flags, value: buf.subarray(valueStart, valueEnd) })
    i = valueEnd
  }
  const decoded: DecodedAttributes = { attributes }
  if (error !== undefined) decoded.error = error
  if (trailing !== undefined) decoded.trailing = trailing
  return decoded
}

/** RFC 7606 §3 (c) says treat-as-withdraw unless the attribute's RFC says otherwise (RFC 6793 §6). */
function flagsErrorAction (code: number): ErrorActionValue {
  return code === AttrType.AS4_PATH || code === AttrType.AS4_AGGREGATOR ? ErrorAction.ATTRIBUTE_DISCARD : ErrorAction.TREAT_AS_WITHDRAW
}

function decodeKnown (buf: Uint8Array, start: number, end: number, flags: number, code: number, ctx: DecodeContext): PathAttribute {
  switch (code) {
    case AttrType.ORIGIN: return decodeOrigin(buf, start, end, flags)
    case AttrType.AS_PATH: return decodeAsPath(buf, start, end, flags, ctx.asn4)
    case AttrType.NEXT_HOP: return decodeNextHop(buf, start, end, flags)
    case AttrType.MULTI_EXIT_DISC: return decodeMed(buf, start, end, flags)
    case AttrType.LOCAL_PREF: return decodeLocalPref(buf, start, end, flags)
    case AttrType.ATOMIC_AGGREGATE: return decodeAtomicAggregate(buf, start, end, flags)
    case AttrType.AGGREGATOR: return decodeAggregator(buf, start, end, flags, ctx.asn4)
    case AttrType.COMMUNITIES: return decodeCommunities(buf, start, end, flags)
    case AttrType.ORIGINATOR_ID: return decodeOriginatorId(buf, start, end, flags)
    case AttrType.CLUSTER_LIST: return decodeClusterList(buf, start, end, flags)
    case AttrType.MP_REACH_NLRI: return decodeMpReach(buf, start, end, flags, ctx)
    case AttrType.MP_UNREACH_NLRI: return decodeMpUnreach(buf, start, end, flags, ctx)
    case AttrType.EXTENDED_COMMUNITIES: return decodeExtendedCommunities(buf, start, end, flags)
    case AttrType.AS4_PATH: return decodeAs4Path(buf, start, end, flags)
    case AttrType.AS4_AGGREGATOR: return decodeAs4Aggregator(buf, start, end, flags)
    case AttrType.LARGE_COMMUNITY: return decodeLargeCommunities(buf, start, end, flags)
    case AttrType.ONLY_TO_CUSTOMER: return decodeOnlyToCustomer(buf, start, end, flags)
    default: return { kind: 'unknown', code, flags, value: buf.subarray(start, end) }
  }
}

/**
 * Encode an attribute list, then `trailing` (see DecodedAttributes) if given. Flags are
 * written as kept; a value over 255 octets forces the extended length bit.
 */
export function encodeAttributes (attributes: readonly PathAttribute[], trailing?: Uint8Array): Uint8Array {
  const out = new ByteWriter(512)
  writeAttributes(out, attributes, trailing)
  return out.finish()
}

export function writeAttributes (out: ByteWriter, attributes: readonly PathAttribute[], trailing?: Uint8Array): void {
  for (const attr of attributes) writeAttribute(out, attr)
  if (trailing !== undefined) out.bytes(trailing)
}

function writeAttribute (out: ByteWriter, attr: PathAttribute): void {
  const headerAt = out.length
  const extended = (attr.flags & AttrFlag.EXTENDED_LENGTH) !== 0
  out.u8(attr.flags)
  out.u8(attr.code)
  if (extended) out.u16(0)
  else out.u8(0)
  const valueStart = out.length
  writeValue(out, attr)
  const length = out.length - valueStart
  if (length > 0xffff) throw new RangeError(`attribute ${attr.code} longer than 65535 octets`)
  if (extended) {
    out.patchU16(valueStart - 2, length)
  } else if (length <= 0xff) {
    out.buf[valueStart - 1] = length
  } else {
    // Make room for the second length octet and set the extended length bit.
    out.reserve(1)
    out.buf.copyWithin(valueStart + 1, valueStart, out.length)
    out.length++
    out.buf[headerAt] |= AttrFlag.EXTENDED_LENGTH
    out.patchU16(valueStart - 1, length)
  }
}

function writeValue (out: ByteWriter, attr: PathAttribute): void {
  switch (attr.kind) {
    case 'origin': out.bytes(encodeOrigin(attr)); break
    case 'as-path':
    case 'as4-path': out.bytes(encodeAsPath(attr)); break
    case 'next-hop': out.bytes(encodeNextHop(attr)); break
    case 'med': out.bytes(encodeMed(attr)); break
    case 'local-pref': out.bytes(encodeLocalPref(attr)); break
    case 'atomic-aggregate': out.bytes(encodeAtomicAggregate(attr)); break
    case 'aggregator':
    case 'as4-aggregator': out.bytes(encodeAggregator(attr)); break
    case 'communities': out.bytes(encodeCommunities(attr)); break
    case 'originator-id': out.bytes(encodeOriginatorId(attr)); break
    case 'cluster-list': out.bytes(encodeClusterList(attr)); break
    case 'mp-reach': encodeMpReach(out, attr); break
    case 'mp-unreach': encodeMpUnreach(out, attr); break
    case 'extended-communities': out.bytes(encodeExtendedCommunities(attr)); break
    case 'large-communities': out.bytes(encodeLargeCommunities(attr)); break
    case 'only-to-customer': out.bytes(encodeOnlyToCustomer(attr)); break
    case 'unknown': out.bytes(attr.value); break
  }
}
