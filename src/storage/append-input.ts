/**
 * Shallow split of an append's buffer into its batches. Validation proper (CRC, counts, sizes)
 * happened in src/records/validate.ts before the broker appends; this guards the fields the log
 * relies on to assign offsets.
 */
import {
  BATCH_HEADER_SIZE, LOG_OVERHEAD, OFFSET_BATCH_LENGTH, OFFSET_LAST_OFFSET_DELTA, OFFSET_MAGIC, OFFSET_MAX_TIMESTAMP, OFFSET_RECORD_COUNT,
  setBaseOffset, setLogAppendTime, setPartitionLeaderEpoch,
} from '../records/batch-header.js';
import type {AppendResult} from './append-result.js';
import type {AppendedBatch} from './segment.js';
import {CorruptBatchError} from './errors.js';

export interface ParsedBatch {
  position: number;
  size: number;
  lastOffsetDelta: number;
  recordCount: number;
}

export function parseAppendBatches(buf: Buffer): ParsedBatch[] {
  const out: ParsedBatch[] = [];
  let pos = 0;
  while (pos < buf.length) {
    if (buf.length - pos < BATCH_HEADER_SIZE) throw new CorruptBatchError(`truncated record batch at byte ${pos} of the append`);
    const size = buf.readInt32BE(pos + 8) + LOG_OVERHEAD;
    const magic = buf.readInt8(pos + OFFSET_MAGIC);
    if (magic !== 2) throw new CorruptBatchError(`record batch at byte ${pos} has magic ${magic}; only v2 batches are appended`);
    if (size < BATCH_HEADER_SIZE || pos + size > buf.length) throw new CorruptBatchError(`record batch at byte ${pos} declares ${size} bytes, ${buf.length - pos} present`);
    const lastOffsetDelta = buf.readInt32BE(pos + OFFSET_LAST_OFFSET_DELTA);
    if (lastOffsetDelta < 0) throw new CorruptBatchError(`record batch at byte ${pos} has a negative last offset delta`);
    out.push({position: pos, size, lastOffsetDelta, recordCount: buf.readInt32BE(pos + OFFSET_RECORD_COUNT)});
    pos += size;
  }
  if (out.length === 0) throw new CorruptBatchError('nothing to append: no record batch');
  return out;
}

/** Whether `buf` is one whole v2 batch with a non-negative last offset delta (else parseAppendBatches decides, and refuses). */
export function isOneBatch(buf: Buffer): boolean {
  return buf.length >= BATCH_HEADER_SIZE && buf.readInt32BE(OFFSET_BATCH_LENGTH) + LOG_OVERHEAD === buf.length
    && buf.readInt8(OFFSET_MAGIC) === 2 && buf.readInt32BE(OFFSET_LAST_OFFSET_DELTA) >= 0;
}

/**
 * Give the batches their offsets from `nextOffset`, the leader epoch and (when `appendTime` is not
 * -1) LogAppendTime, in place; what the append then needs to know of them.
 */
export function assignOffsets(batches: Buffer, parsed: ParsedBatch[],
  o: {nextOffset: bigint; leaderEpoch: number; appendTime: bigint; logStartOffset: bigint}) {
  let next = o.nextOffset;
  let maxTimestamp = -1n;
  const appended: AppendedBatch[] = [];
  let records = 0;
  for (const b of parsed) {
    setBaseOffset(batches, b.position, next);
    setPartitionLeaderEpoch(batches, b.position, o.leaderEpoch);
    if (o.appendTime >= 0n) setLogAppendTime(batches, b.position, o.appendTime);
    const ts = batches.readBigInt64BE(b.position + OFFSET_MAX_TIMESTAMP);
    const lastOffset = next + BigInt(b.lastOffsetDelta);
    appended.push({position: b.position, size: b.size, lastOffset, maxTimestamp: ts});
    if (ts > maxTimestamp) maxTimestamp = ts;
    records += b.recordCount;
    next = lastOffset + 1n;
  }
  const result: AppendResult = {baseOffset: o.nextOffset, lastOffset: next - 1n, logAppendTime: o.appendTime, logStartOffset: o.logStartOffset};
  return {appended, maxTimestamp, records, result};
}
