/** CRC32C (Castagnoli), the checksum of RecordBatch v2. Backed by a SIMD native implementation. */
import {crc32c as nativeCrc32c} from '@node-rs/crc32';

export function crc32c(data: Uint8Array, initial = 0): number {
  return nativeCrc32c(data as Buffer, initial) >>> 0;
}
