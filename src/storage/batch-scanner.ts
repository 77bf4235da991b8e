/**
 * Sequential walk over the batch headers of a segment file, reading in chunks. Used for index
 * lookups (a short scan from an index entry), recovery (full scan with CRC checks), and
 * timestamp searches. Stops, without throwing, at the first entry that is not a whole, plausible
 * batch: that is where a torn write ends a crashed segment.
 */
import {BATCH_HEADER_SIZE, type BatchHeader, LOG_OVERHEAD, OFFSET_MAGIC, readBatchHeader} from '../records/batch-header.js';
import {legacyEntryHeader} from '../records/legacy.js';
import type {FileHandle} from './fs.js';

/** Kafka's LegacyRecord.RECORD_OVERHEAD_V0 (14) + LOG_OVERHEAD. */
export const MIN_LEGACY_ENTRY_SIZE = LOG_OVERHEAD + 14;

export interface ScannedBatch {
  position: number;
  size: number;
  header: BatchHeader;
  lastOffset: bigint;
}

export interface ScanResult {
  /** Position after the last batch visited (where the scan stopped). */
  end: number;
  /** Why the scan stopped before `to`, if it did. */
  stopReason?: string;
  /**
   * The scan stopped at an entry that cannot be a batch (a size below the minimum for its magic, or
   * an unknown magic), not at a truncated one: a torn tail to recovery, corruption to a lookup.
   */
  corrupt?: true;
}

export interface ScanOptions {
  /** Hand the whole batch bytes to the visitor (otherwise only the header is read). */
  full?: boolean;
  chunkSize?: number;
}

/**
 * Visit batches in [from, to). The visitor gets the batch and, when `full`, a buffer holding the
 * batch at `at`. Returning true stops the scan before that batch (end = its position).
 */
export async function scanBatches(
  handle: FileHandle,
  from: number,
  to: number,
  visit: (batch: ScannedBatch, buf: Buffer, at: number) => boolean | void,
  options: ScanOptions = {},
): Promise<ScanResult> {
  const chunkSize = options.chunkSize ?? 64 * 1024;
  let chunk = Buffer.alloc(0);
  let chunkStart = 0;
  const ensure = async (pos: number, n: number): Promise<boolean> => {
    if (pos >= chunkStart && pos + n <= chunkStart + chunk.length) return true;
    const len = Math.min(Math.max(n, chunkSize), to - pos);
    if (len < n) return false;
    chunk = Buffer.allocUnsafe(len);
    const read = await handle.read(chunk, 0, len, pos);
    chunk = chunk.subarray(0, read);
    chunkStart = pos;
    return read >= n;
  };

  let pos = from;
  while (pos < to) {
    const headerBytes = Math.min(BATCH_HEADER_SIZE, to - pos);
    if (headerBytes < LOG_OVERHEAD + 5 || !(await ensure(pos, headerBytes))) return {end: pos, stopReason: `truncated batch header at byte ${pos}`};
    const at = pos - chunkStart;
    const size = chunk.readInt32BE(at + 8) + LOG_OVERHEAD;
    const magic = chunk.readInt8(at + OFFSET_MAGIC);
    if (magic === 2) {
      if (size < BATCH_HEADER_SIZE) return {end: pos, stopReason: `invalid batch size ${size} at byte ${pos}`, corrupt: true};
      if (headerBytes < BATCH_HEADER_SIZE) return {end: pos, stopReason: `truncated batch header at byte ${pos}`};
    } else if (magic === 0 || magic === 1) {
      if (size < MIN_LEGACY_ENTRY_SIZE) return {end: pos, stopReason: `invalid message size ${size} at byte ${pos}`, corrupt: true};
    } else {
      return {end: pos, stopReason: `invalid magic ${magic} at byte ${pos}`, corrupt: true};
    }
    if (pos + size > to) return {end: pos, stopReason: `batch at byte ${pos} of ${size} bytes is truncated`};
    if (options.full && !(await ensure(pos, size))) return {end: pos, stopReason: `batch at byte ${pos} of ${size} bytes is truncated`};
    const a = pos - chunkStart;
    const header = magic === 2 ? readBatchHeader(chunk, a) : legacyEntryHeader(chunk, a);
    const batch: ScannedBatch = {position: pos, size, header, lastOffset: header.baseOffset + BigInt(header.lastOffsetDelta)};
    if (visit(batch, chunk, a) === true) return {end: pos};
    pos += size;
  }
  return {end: pos};
}
