/**
 * The batch-by-batch pass of recovery and index rebuilding (Kafka's LogSegment.recover): checks
 * every batch (whole, magic, CRC32C for v2, offsets increasing and inside the segment's 32-bit
 * relative range) and writes an offset index entry (and a time index entry when the max
 * timestamp grew) every index.interval.bytes, exactly as appends do; and where that pass can start
 * when only the bytes after the recovery point need checking.
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

/** Where a scan of part of a segment starts, and what the bytes before it contributed. */
export interface ScanStart {
  position: number;
  nextOffset: bigint;
  maxTimestamp: bigint;
  offsetOfMaxTimestamp: bigint;
  bytesSinceLastIndexEntry: number;
}

/**
 * Scan [start, fileSize) into the indexes (empty, or holding the entries before `start`); `final`
 * adds the closed segment's last time entry. Without `start` the whole segment is scanned.
 */
export async function scanAndIndex(
  log: FileHandle,
  baseOffset: bigint,
  fileSize: number,
  indexIntervalBytes: number,
  idx: {offset: OffsetIndex; time: TimeIndex},
  final: boolean,
  start?: ScanStart,
): Promise<RebuildResult> {
  let maxTimestamp = start?.maxTimestamp ?? -1n;
  let offsetOfMaxTimestamp = start?.offsetOfMaxTimestamp ?? baseOffset;
  let firstBatchTimestamp: bigint | undefined;
  let bytesSince = start?.bytesSinceLastIndexEntry ?? 0;
  let next = start?.nextOffset ?? baseOffset;
  const from = start?.position ?? 0;
  // Entries are collected during the (synchronous) visit and written afterwards.
  const entries: Array<{offset: bigint; position: number; timestamp: bigint; timestampOffset: bigint}> = [];
  const result = await scanBatches(log, from, fileSize, (b, buf, at) => {
    if (b.header.magic === 2 && !isBatchCrcValid(buf, at)) return true;
    if (b.header.baseOffset < next && (b.position > 0 || from > 0)) return true;
    if (b.lastOffset < baseOffset || b.lastOffset - baseOffset > 2147483647n) return true;
    if (from === 0) firstBatchTimestamp ??= b.header.maxTimestamp;
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

/**
 * Where recovery of a segment can start at `offset` (the recovery point): the first batch there,
 * found from the offset index entry below it and a header scan, with what the batches before it
 * contribute; undefined when no batch boundary falls on `offset`.
 */
export async function findScanStart(
  log: FileHandle,
  idx: {offset: OffsetIndex; time: TimeIndex},
  baseOffset: bigint,
  offset: bigint,
  fileSize: number,
): Promise<ScanStart | undefined> {
  const entry = idx.offset.lookup(offset - 1n);
  if (entry.position > fileSize) return undefined;
  const lastTime = idx.time.lastEntry;
  let maxTimestamp = -1n;
  let offsetOfMaxTimestamp = baseOffset;
  if (lastTime && lastTime.offset < offset) [maxTimestamp, offsetOfMaxTimestamp] = [lastTime.timestamp, lastTime.offset];
  let position = entry.position;
  let next = entry.position === 0 ? baseOffset : undefined;
  let aligned = true;
  await scanBatches(log, entry.position, fileSize, (b) => {
    if (b.lastOffset >= offset) {
      aligned = b.header.baseOffset >= offset;
      return true;
    }
    if (b.header.maxTimestamp > maxTimestamp) [maxTimestamp, offsetOfMaxTimestamp] = [b.header.maxTimestamp, b.lastOffset];
    position = b.position + b.size;
    next = b.lastOffset + 1n;
  }, {chunkSize: 64});
  // The batches before `offset` must end exactly there (its batch boundary).
  if (!aligned || next !== offset) return undefined;
  return {position, nextOffset: offset, maxTimestamp, offsetOfMaxTimestamp, bytesSinceLastIndexEntry: position - entry.position};
}
