// Big-endian reads that give 0 for octets at or past `end`, as bgpdump's zero-filling stream does.

export function u8 (buf: Uint8Array, p: number, end: number): number {
  return p < end ? buf[p] : 0
}

export function u16 (buf: Uint8Array, p: number, end: number): number {
  return (u8(buf, p, end) << 8) | u8(buf, p + 1, end)
}

export function u32 (buf: Uint8Array, p: number, end: number): number {
  if (p + 4 <= end) return ((buf[p] << 24) | (buf[p + 1] << 16) | (buf[p + 2] << 8) | buf[p + 3]) >>> 0
  return ((u8(buf, p, end) << 24) | (u8(buf, p + 1, end) << 16) | (u8(buf, p + 2, end) << 8) | u8(buf, p + 3, end)) >>> 0
}
