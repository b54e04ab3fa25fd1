// Statistics Report, RFC 7854 §4.8: per-peer header | stats count (4) | that many
//   stat type (2) | stat length (2) | stat data
// Types 0-6 and 11-13 are 32-bit counters, 7, 8 (and RFC 8671 §6.2's 14, 15) 64-bit gauges,
// 9, 10 (and RFC 8671's 16, 17) an AFI (2) and SAFI (1) followed by a 64-bit gauge. Types this
// codec does not list are read by their length the same way (4, 8 or 11 octets), else kept raw:
// RFC 7854 §4.8 asks a station to ignore what it does not understand.

import { concat, need, putU16, putU32, putU64, u16, u32, u64 } from './bytes.ts'
import { withCommonHeader } from './common-header.ts'
import { BmpMessageType, COMMON_HEADER_LENGTH, PER_PEER_HEADER_LENGTH, StatType } from './constants.ts'
import { BmpDecodeError } from './errors.ts'
import { decodePerPeerHeader, encodePerPeerHeader } from './per-peer-header.ts'
import type { BmpStat, StatisticsReportMessage } from './types.ts'

const TYPE = BmpMessageType.STATISTICS_REPORT

/** Types with a fixed layout, by their length: 4 counter, 8 gauge, 11 AFI/SAFI gauge. */
const KNOWN_LENGTH: Record<number, number> = {
  [StatType.REJECTED_PREFIXES]: 4,
  [StatType.DUPLICATE_PREFIX_ADVERTISEMENTS]: 4,
  [StatType.DUPLICATE_WITHDRAWS]: 4,
  [StatType.CLUSTER_LIST_LOOP]: 4,
  [StatType.AS_PATH_LOOP]: 4,
  [StatType.ORIGINATOR_ID_LOOP]: 4,
  [StatType.AS_CONFED_LOOP]: 4,
  [StatType.ADJ_RIB_IN_ROUTES]: 8,
  [StatType.LOC_RIB_ROUTES]: 8,
  [StatType.PER_AFI_SAFI_ADJ_RIB_IN_ROUTES]: 11,
  [StatType.PER_AFI_SAFI_LOC_RIB_ROUTES]: 11,
  [StatType.TREAT_AS_WITHDRAW_UPDATES]: 4,
  [StatType.TREAT_AS_WITHDRAW_PREFIXES]: 4,
  [StatType.DUPLICATE_UPDATES]: 4,
  [StatType.PRE_POLICY_ADJ_RIB_OUT_ROUTES]: 8,
  [StatType.POST_POLICY_ADJ_RIB_OUT_ROUTES]: 8,
  [StatType.PER_AFI_SAFI_PRE_POLICY_ADJ_RIB_OUT_ROUTES]: 11,
  [StatType.PER_AFI_SAFI_POST_POLICY_ADJ_RIB_OUT_ROUTES]: 11
}

function decodeStat (buf: Uint8Array, offset: number, type: number, length: number): BmpStat {
  const expected = KNOWN_LENGTH[type]
  if (expected !== undefined && expected !== length) {
    throw new BmpDecodeError(`statistics type ${type}: length ${length}, expected ${expected}`, {
      offset, bytes: buf.subarray(offset - 4, offset + length), messageType: TYPE
    })
  }
  switch (length) {
    case 4: return { type, form: 'counter32', value: u32(buf, offset) }
    case 8: return { type, form: 'gauge64', value: u64(buf, offset) }
    case 11: return { type, form: 'afi-safi-gauge64', afi: u16(buf, offset), safi: buf[offset + 2], value: u64(buf, offset + 3) }
    default: return { type, form: 'raw', value: buf.slice(offset, offset + length) }
  }
}

/** Decode a whole Statistics Report (common header included, length already checked). */
export function decodeStatisticsReport (buf: Uint8Array): StatisticsReportMessage {
  const peer = decodePerPeerHeader(buf, COMMON_HEADER_LENGTH, TYPE)
  let offset = COMMON_HEADER_LENGTH + PER_PEER_HEADER_LENGTH
  need(buf, offset, 4, 'statistics: stats count', TYPE)
  const count = u32(buf, offset)
  offset += 4
  // Each stat takes at least 4 octets: a count beyond that is a lie, caught before looping.
  if (count > (buf.length - offset) / 4) {
    throw new BmpDecodeError(`statistics: count ${count} cannot fit in ${buf.length - offset} octets`, {
      offset: offset - 4, bytes: buf.subarray(offset - 4, offset), messageType: TYPE
    })
  }
  const stats: BmpStat[] = []
  for (let i = 0; i < count; i++) {
    need(buf, offset, 4, `statistics: stat ${i} header`, TYPE)
    const type = u16(buf, offset)
    const length = u16(buf, offset + 2)
    need(buf, offset + 4, length, `statistics: stat ${i} (type ${type}) value`, TYPE)
    stats.push(decodeStat(buf, offset + 4, type, length))
    offset += 4 + length
  }
  if (offset !== buf.length) {
    throw new BmpDecodeError(`statistics: ${buf.length - offset} octets after the ${count} stats`, {
      offset, bytes: buf.subarray(offset), messageType: TYPE
    })
  }
  return { kind: 'statistics-report', peer, stats }
}

function encodeStat (stat: BmpStat): Uint8Array {
  let value: Uint8Array
  switch (stat.form) {
    case 'counter32':
      value = new Uint8Array(4)
      putU32(value, 0, stat.value)
      break
    case 'gauge64':
      value = new Uint8Array(8)
      putU64(value, 0, stat.value)
      break
    case 'afi-safi-gauge64':
      value = new Uint8Array(11)
      putU16(value, 0, stat.afi)
      value[2] = stat.safi
      putU64(value, 3, stat.value)
      break
    default:
      value = stat.value
  }
  const out = new Uint8Array(4 + value.length)
  putU16(out, 0, stat.type)
  putU16(out, 2, value.length)
  out.set(value, 4)
  return out
}

export function encodeStatisticsReport (msg: StatisticsReportMessage): Uint8Array {
  const count = new Uint8Array(4)
  putU32(count, 0, msg.stats.length)
  return withCommonHeader(TYPE, concat([encodePerPeerHeader(msg.peer), count, ...msg.stats.map(encodeStat)]))
}
