/**
 * The batch-by-batch pass of recovery and index rebuilding (Kafka's LogSegment.recover): checks
 * every batch (whole, magic, CRC32C for v2, offsets increasing and inside the segment's 32-bit
 * relative range) and writes an offset index entry (and a time index entry when the max
 * timestamp grew) every index.interval.bytes, exactly as appends do.
 */
import {isBatchCrcValid} from '../records/batch-header.js';
import {scanBatches} from './batch-scanner.js';
import type {FileHandle} from './fs.js';
import type {OffsetIndex} from './offset-index.js';
import type {TimeIndex} from './time-index.js';

export interface RebuildResult {
  /** Position after the last valid batch. */
  validEnd: number;
  nextOffset: bigint;
  maxTimestamp: bigint;
  offsetOfMaxTimestamp: bigint;
  /** The first batch's max timestamp (segment.ms rolls measure from it). */
  firstBatchTimestamp: bigint | undefined;
  bytesSinceLastIndexEntry: number;
  stopReason?: string;
}

/** Scan [0, fileSize) into the (empty) indexes; `final` adds the closed segment's last time entry. */
export async function scanAndIndex(
  log: FileHandle,
  baseOffset: bigint,
  fileSize: number,
  indexIntervalBytes: number,
  idx: {offset: OffsetIndex; time: TimeIndex},
  final: boolean,
): Promise<RebuildResult> {
  let maxTimestamp = -1n;
  let offsetOfMaxTimestamp = baseOffset;
  let firstBatchTimestamp: bigint | undefined;
  let bytesSince = 0;
  let next = baseOffset;
  // Entries are collected during the (synchronous) visit and written afterwards.
  const entries: Array<{offset: bigint; position: number; timestamp: bigint; timestampOffset: bigint}> = [];
  const result = await scanBatches(log, 0, fileSize, (b, buf, at) => {
    if (b.header.magic === 2 && !isBatchCrcValid(buf, at)) return true;
    if (b.header.baseOffset < next && b.position > 0) return true;
    if (b.lastOffset < baseOffset || b.lastOffset - baseOffset > 2147483647n) return true;
    firstBatchTimestamp ??= b.header.maxTimestamp;
    if (b.header.maxTimestamp > maxTimestamp) [maxTimestamp, offsetOfMaxTimestamp] = [b.header.maxTimestamp, b.lastOffset];
    if (bytesSince > indexIntervalBytes) {
      entries.push({offset: b.lastOffset, position: b.position, timestamp: maxTimestamp, timestampOffset: offsetOfMaxTimestamp});
      bytesSince = 0;
    }
    bytesSince += b.size;
    next = b.lastOffset + 1n;
  }, {full: true, chunkSize: 1024 * 1024});
  for (const e of entries) {
    await idx.offset.append(e.offset, e.position);
    await idx.time.maybeAppend(e.timestamp, e.timestampOffset);
  }
  if (final) await idx.time.maybeAppend(maxTimestamp, offsetOfMaxTimestamp, true);
  return {
    validEnd: result.end, nextOffset: next, maxTimestamp, offsetOfMaxTimestamp, firstBatchTimestamp,
    bytesSinceLastIndexEntry: bytesSince, stopReason: result.stopReason,
  };
}
