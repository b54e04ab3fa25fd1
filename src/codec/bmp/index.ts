// The BMP codec's public surface (RFC 7854, RFC 8671, RFC 9069). Re-exports only: importing it
// has no side effects.

export * from './constants.ts'
export { BmpDecodeError, isBmpDecodeError } from './errors.ts'
export type { BmpDecodeErrorOptions } from './errors.ts'
export type * from './types.ts'
export { createBmpSplitter } from './framing.ts'
export type { BmpSplitter, BmpSplitterOptions } from './framing.ts'
export { decodeCommonHeader, withCommonHeader } from './common-header.ts'
export type { BmpCommonHeader } from './common-header.ts'
export { decodeBmpMessage, encodeBmpMessage } from './message.ts'
export { createBmpSession, contextFor, notePeerDown, notePeerUp, peerKey } from './session-state.ts'
export type { BmpPeerState, BmpSession, BmpSessionCounters } from './session-state.ts'
export {
  decodePerPeerHeader, encodePerPeerHeader, formatDistinguisher, isFilteredLocRib, peerView
} from './per-peer-header.ts'
export type { PeerView } from './per-peer-header.ts'
export { decodeTlvs, encodeTlvs, textTlv, tlvText } from './tlv.ts'
export { terminationReason } from './termination.ts'
export { skippedFamilies } from './route-monitoring.ts'
export type { PeerUpFields } from './peer-up.ts'
