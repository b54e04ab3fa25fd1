// The Capabilities optional parameter (RFC 5492 §4): a list of Capability Code (1),
// Capability Length (1), Capability Value. Unknown capabilities are kept raw.

import { CapabilityCode } from '../constants.ts'
import type { ByteWriter } from '../byte-writer.ts'
import type { Capability } from '../types.ts'
import { decodeAddPath, encodeAddPath } from './add-path.ts'
import { capabilityListError } from './capability-error.ts'
import { decodeEnhancedRouteRefresh, decodeExtendedMessage, decodeRouteRefresh } from './empty-capabilities.ts'
import { decodeExtendedNextHop, encodeExtendedNextHop } from './extended-next-hop.ts'
import { decodeFourOctetAs, encodeFourOctetAs } from './four-octet-as.ts'
import { decodeFqdn, encodeFqdn } from './fqdn.ts'
import { decodeGracefulRestart, encodeGracefulRestart } from './graceful-restart.ts'
import { decodeMultiprotocol, encodeMultiprotocol } from './multiprotocol.ts'

const EMPTY = new Uint8Array(0)

/** Decode the capabilities in `buf[start, end)`. Throws BgpDecodeError (OPEN Message Error) when malformed. */
export function decodeCapabilities (buf: Uint8Array, start: number, end: number): Capability[] {
  const capabilities: Capability[] = []
  let i = start
  while (i < end) {
    if (end - i < 2) throw capabilityListError('truncated capability header', buf, i, end)
    const code = buf[i]
    const valueStart = i + 2
    const valueEnd = valueStart + buf[i + 1]
    if (valueEnd > end) throw capabilityListError(`capability ${code} overruns its parameter`, buf, i, end)
    capabilities.push(decodeCapability(buf, valueStart, valueEnd, code))
    i = valueEnd
  }
  return capabilities
}

function decodeCapability (buf: Uint8Array, start: number, end: number, code: number): Capability {
  switch (code) {
    case CapabilityCode.MULTIPROTOCOL: return decodeMultiprotocol(buf, start, end)
    case CapabilityCode.ROUTE_REFRESH: return decodeRouteRefresh(buf, start, end)
    case CapabilityCode.EXTENDED_NEXT_HOP: return decodeExtendedNextHop(buf, start, end)
    case CapabilityCode.EXTENDED_MESSAGE: return decodeExtendedMessage(buf, start, end)
    case CapabilityCode.GRACEFUL_RESTART: return decodeGracefulRestart(buf, start, end)
    case CapabilityCode.FOUR_OCTET_AS: return decodeFourOctetAs(buf, start, end)
    case CapabilityCode.ADD_PATH: return decodeAddPath(buf, start, end)
    case CapabilityCode.ENHANCED_ROUTE_REFRESH: return decodeEnhancedRouteRefresh(buf, start, end)
    case CapabilityCode.FQDN: return decodeFqdn(buf, start, end) ?? { kind: 'unknown', code, value: buf.subarray(start, end) }
    default: return { kind: 'unknown', code, value: buf.subarray(start, end) }
  }
}

export function writeCapabilities (out: ByteWriter, capabilities: readonly Capability[]): void {
  for (const cap of capabilities) {
    const [code, value] = encodeCapability(cap)
    if (value.length > 255) throw new RangeError(`capability ${code} longer than 255 octets`)
    out.u8(code)
    out.u8(value.length)
    out.bytes(value)
  }
}

function encodeCapability (cap: Capability): [number, Uint8Array] {
  switch (cap.kind) {
    case 'multiprotocol': return [CapabilityCode.MULTIPROTOCOL, encodeMultiprotocol(cap)]
    case 'route-refresh': return [CapabilityCode.ROUTE_REFRESH, EMPTY]
    case 'extended-next-hop': return [CapabilityCode.EXTENDED_NEXT_HOP, encodeExtendedNextHop(cap)]
    case 'extended-message': return [CapabilityCode.EXTENDED_MESSAGE, EMPTY]
    case 'graceful-restart': return [CapabilityCode.GRACEFUL_RESTART, encodeGracefulRestart(cap)]
    case 'four-octet-as': return [CapabilityCode.FOUR_OCTET_AS, encodeFourOctetAs(cap)]
    case 'add-path': return [CapabilityCode.ADD_PATH, encodeAddPath(cap)]
    case 'enhanced-route-refresh': return [CapabilityCode.ENHANCED_ROUTE_REFRESH, EMPTY]
    case 'fqdn': return [CapabilityCode.FQDN, encodeFqdn(cap)]
    case 'unknown': return [cap.code, cap.value]
  }
}
