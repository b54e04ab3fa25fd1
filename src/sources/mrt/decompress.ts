// Which compression a file uses, told by its first octets (not its name), and a stream that
// undoes it: gzip (RFC 1952 §2.3.1: ID1 0x1f, ID2 0x8b), bzip2 ("BZh", then the block size
// digit), otherwise plain. Multi-member gzip (RFC 1952 §2.2) is read by node:zlib's Gunzip;
// concatenated bzip2 streams by unbzip2-stream.

import { createGunzip } from 'node:zlib'
import type { Duplex } from 'node:stream'

export type Compression = 'gzip' | 'bzip2' | 'none'

export function detectCompression (head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip'
  if (head.length >= 3 && head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) return 'bzip2'
  return 'none'
}

/**
 * A stream that decompresses `compression`; null for 'none'. The bzip2 decoder is loaded only
 * for bzip2 files: loading it costs more than reading a small gzip file.
 */
export async function createDecompressor (compression: Compression, chunkSize: number): Promise<Duplex | null> {
  if (compression === 'gzip') return createGunzip({ chunkSize })
  if (compression === 'bzip2') return (await import('unbzip2-stream')).default()
  return null
}
