// OPEN (RFC 4271 §4.2): Version (1), My Autonomous System (2), Hold Time (2), BGP Identifier
// (4), Optional Parameters Length (1), Optional Parameters: Type (1), Length (1), Value.
// RFC 9072 §2: a length of 255 followed by a parameter type of 255 announces the extended
// form, with a 2-octet total length and 2-octet parameter lengths.

import { formatIpv4, parseIpv4 } from '../address.ts'
import { ErrorCode, OpenErrorSubcode } from './constants.ts'
import { BgpDecodeError } from './errors.ts'
import type { ByteWriter } from './byte-writer.ts'
import { decodeCapabilities, writeCapabilities } from './capabilities/index.ts'
import { UNSPECIFIC_SUBCODE } from './capabilities/capability-error.ts'
import type { OpenMessage, OptionalParameter } from './types.ts'

/** RFC 5492 §4: the Capabilities optional parameter. */
const CAPABILITIES_PARAMETER = 2
/** RFC 9072 §2: the Non-Ext OP Type that marks the extended form. */
const EXTENDED_LENGTH_MARKER = 255
const BGP_VERSION = 4

function openError (subcode: number, message: string, data: Uint8Array): BgpDecodeError {
  return new BgpDecodeError(ErrorCode.OPEN_MESSAGE, subcode, message, { data })
}

/** Decode an OPEN body, `buf[start, end)` being everything after the header. */
export function decodeOpenBody (buf: Uint8Array, start: number, end: number): OpenMessage {
  if (end - start < 10) throw openError(UNSPECIFIC_SUBCODE, 'OPEN shorter than its fixed fields', buf.subarray(start, end))
  const version = buf[start]
  // RFC 4271 §6.2: the data is the largest version supported, 2 octets.
  if (version !== BGP_VERSION) throw openError(OpenErrorSubcode.UNSUPPORTED_VERSION_NUMBER, `unsupported BGP version ${version}`, Uint8Array.of(0, BGP_VERSION))
  const myAs = (buf[start + 1] << 8) | buf[start + 2]
  // RFC 7607 §2: AS 0 is a Bad Peer AS.
  if (myAs === 0) throw openError(OpenErrorSubcode.BAD_PEER_AS, 'My Autonomous System is 0', buf.subarray(start + 1, start + 3))
  const holdTime = (buf[start + 3] << 8) | buf[start + 4]
  // RFC 4271 §6.2: a Hold Time of one or two seconds is unacceptable.
  if (holdTime === 1 || holdTime === 2) throw openError(OpenErrorSubcode.UNACCEPTABLE_HOLD_TIME, `Hold Time ${holdTime}`, buf.subarray(start + 3, start + 5))
  // RFC 6286 §2.2: the BGP Identifier is a non-zero 4-octet number.
  if ((buf[start + 5] | buf[start + 6] | buf[start + 7] | buf[start + 8]) === 0) {
    throw openError(OpenErrorSubcode.BAD_BGP_IDENTIFIER, 'BGP Identifier is 0', buf.subarray(start + 5, start + 9))
  }
  const bgpId = formatIpv4(buf, start + 5)

  let paramsStart = start + 10
  let paramsLength = buf[start + 9]
  const extendedParameters = paramsLength === 255 && end - paramsStart >= 1 && buf[paramsStart] === EXTENDED_LENGTH_MARKER
  if (extendedParameters) {
    if (end - paramsStart < 3) throw openError(UNSPECIFIC_SUBCODE, 'truncated extended optional parameters length', buf.subarray(start + 9, end))
    paramsLength = (buf[paramsStart + 1] << 8) | buf[paramsStart + 2]
    paramsStart += 3
  }
  if (paramsStart + paramsLength !== end) {
    throw openError(UNSPECIFIC_SUBCODE, `optional parameters length ${paramsLength} does not match the message`, buf.subarray(start + 9, end))
  }
  return { type: 'open', version, myAs, holdTime, bgpId, parameters: decodeParameters(buf, paramsStart, end, extendedParameters), extendedParameters }
}

function decodeParameters (buf: Uint8Array, start: number, end: number, extended: boolean): OptionalParameter[] {
  const parameters: OptionalParameter[] = []
  const headerLength = extended ? 3 : 2
  let i = start
  while (i < end) {
    if (end - i < headerLength) throw openError(UNSPECIFIC_SUBCODE, 'truncated optional parameter', buf.subarray(i, end))
    const type = buf[i]
    const length = extended ? (buf[i + 1] << 8) | buf[i + 2] : buf[i + 1]
    const valueStart = i + headerLength
    const valueEnd = valueStart + length
    if (valueEnd > end) throw openError(UNSPECIFIC_SUBCODE, `optional parameter ${type} overruns the parameters`, buf.subarray(i, end))
    parameters.push(type === CAPABILITIES_PARAMETER
      ? { kind: 'capabilities', capabilities: decodeCapabilities(buf, valueStart, valueEnd) }
      : { kind: 'unknown', type, value: buf.subarray(valueStart, valueEnd) })
    i = valueEnd
  }
  return parameters
}

/** Write an OPEN body (no header). The extended form is used when `extendedParameters` or when needed. */
export function writeOpenBody (out: ByteWriter, open: OpenMessage): void {
  const bgpId = parseIpv4(open.bgpId)
  if (bgpId === null) throw new RangeError(`BGP Identifier is not a dotted quad: ${open.bgpId}`)
  out.u8(open.version)
  out.u16(open.myAs)
  out.u16(open.holdTime)
  out.bytes(bgpId)
  const lengthAt = out.length
  out.u8(0)
  const extended = open.extendedParameters
  if (extended) {
    out.u8(EXTENDED_LENGTH_MARKER)
    out.u16(0)
  }
  const paramsStart = out.length
  for (const parameter of open.parameters) {
    out.u8(parameter.kind === 'capabilities' ? CAPABILITIES_PARAMETER : parameter.type)
    const parameterLengthAt = out.length
    if (extended) out.u16(0)
    else out.u8(0)
    const valueStart = out.length
    if (parameter.kind === 'capabilities') writeCapabilities(out, parameter.capabilities)
    else out.bytes(parameter.value)
    const length = out.length - valueStart
    if (extended) {
      out.patchU16(parameterLengthAt, length)
    } else {
      if (length > 255) throw new RangeError('optional parameter longer than 255 octets: use extendedParameters (RFC 9072)')
      out.buf[parameterLengthAt] = length
    }
  }
  const total = out.length - paramsStart
  if (extended) {
    out.buf[lengthAt] = 255
    out.patchU16(lengthAt + 2, total)
  } else {
    if (total > 255) throw new RangeError('optional parameters longer than 255 octets: use extendedParameters (RFC 9072)')
    out.buf[lengthAt] = total
  }
}
