/**
 * Fetch's reads: whole batches from an offset up to a byte limit, across a log's segments
 * (readSegments) and within one segment (SegmentFetchReads). The batch holding the offset is
 * found where a sequential reader's previous read ended, at the segment start, or through the
 * offset index and a short scan. The synchronous forms (readNow) make the read when the index is
 * in memory, the log file open and the reads small; the others go through the thread pool. The
 * bytes themselves are read by segment-read.ts.
 */
import type {ScannedBatch} from './batch-scanner.js';
import {OffsetOutOfRangeError} from './errors.js';
import type {PooledHandle} from './handle-pool.js';
import type {OffsetIndex} from './offset-index.js';
import type {ReadArena} from './read-arena.js';
import {ReadPositions} from './read-positions.js';
import {TailCache} from './tail-cache.js';
import {readWholeBatches, readWholeBatchesNow} from './segment-read.js';
import {segmentIndexFor} from './segment-search.js';
import {BATCH_HEADER_SIZE, LOG_OVERHEAD, OFFSET_LAST_OFFSET_DELTA, OFFSET_MAGIC} from '../records/batch-header.js';

/** Bytes read per step of a lookup's scan from an index entry (index.interval.bytes is 4 KiB by default). */
export const LOOKUP_SCAN_CHUNK = 16 * 1024;
/** Where synchronous lookups read (one at a time: they never yield). */
const lookupChunk = Buffer.alloc(LOOKUP_SCAN_CHUNK);

export interface FetchReadOptions {
  minOneBatch: boolean;
  maxOffset?: bigint;
  /** Where synchronous reads small enough for it put their bytes (read-arena.ts). */
  arena?: ReadArena;
}

/** A segment as SegmentFetchReads reads it, as it is at the time of each read (LogSegment itself). */
export interface FetchedSegment {
  readonly baseOffset: bigint;
  readonly logFile: PooledHandle;
  /** Bytes of whole batches in the log file. */
  readonly size: number;
  /** The offset index when it is in memory. */
  readonly loadedOffsetIndex: OffsetIndex | undefined;
  /** The first batch whose last offset >= `offset` (index lookup and scan); a damaged entry on the way throws. */
  firstBatchAtOrAfter(offset: bigint): Promise<ScannedBatch | undefined>;
}

/** What a log's segments offer a Fetch. */
interface ReadableSegment {
  readonly baseOffset: bigint;
  read(startOffset: bigint, maxBytes: number, opts: FetchReadOptions): Promise<Buffer | undefined>;
  readNow(startOffset: bigint, maxBytes: number, opts: FetchReadOptions): Buffer | null | undefined;
}

/**
 * For a read of `topicPartition` from `fetchOffset`: the offset it stops before (`maxOffset`, never
 * past the log end), or undefined at the log end; OffsetOutOfRangeError outside [start, end].
 */
export function readLimit(topicPartition: string, fetchOffset: bigint, maxOffset: bigint | undefined, logStart: bigint, logEnd: bigint): bigint | undefined {
  if (fetchOffset < logStart || fetchOffset > logEnd) throw new OffsetOutOfRangeError(topicPartition, fetchOffset, logStart, logEnd);
  if (fetchOffset === logEnd) return undefined;
  // Never past the log end offset, even while an append's bytes are landing in the file.
  return maxOffset !== undefined && maxOffset < logEnd ? maxOffset : logEnd;
}

/** Whole batches from the segment holding `fetchOffset` on (the first segment that has one at or after it). */
export async function readSegments(segments: ReadableSegment[], fetchOffset: bigint, maxBytes: number, opts: FetchReadOptions): Promise<Buffer> {
  for (let i = segmentIndexFor(segments, fetchOffset); i < segments.length; i++) {
    const data = await segments[i]!.read(fetchOffset, maxBytes, opts);
    if (data !== undefined) return data;
  }
  return Buffer.alloc(0);
}

/** readSegments made synchronously; undefined, having read nothing, when a segment's read cannot be. */
export function readSegmentsNow(segments: ReadableSegment[], fetchOffset: bigint, maxBytes: number, opts: FetchReadOptions): Buffer | undefined {
  for (let i = segmentIndexFor(segments, fetchOffset); i < segments.length; i++) {
    const data = segments[i]!.readNow(fetchOffset, maxBytes, opts);
    if (data !== null) return data;
  }
  return Buffer.alloc(0);
}

/** One segment's Fetch reads, where its sequential readers continue, and its newest bytes. */
export class SegmentFetchReads {
  private readonly nextReads = new ReadPositions();
  private readonly tail = new TailCache();

  constructor(private readonly segment: FetchedSegment) {}

  /**
   * Whole batches from the one holding `startOffset`, up to `maxBytes` (at least one batch when
   * `minOneBatch`), excluding batches reaching `maxOffset` or beyond. undefined when the segment
   * has no batch at or after `startOffset`.
   */
  async read(startOffset: bigint, maxBytes: number, opts: FetchReadOptions): Promise<Buffer | undefined> {
    const s = this.segment;
    let position = this.knownPosition(startOffset);
    if (position === undefined || position >= s.size) {
      const first = await s.firstBatchAtOrAfter(startOffset);
      if (!first) return undefined;
      position = first.position;
    }
    const {data, nextOffset} = await readWholeBatches(s.logFile, position, s.size - position, maxBytes, opts, this.tail);
    if (nextOffset !== undefined) this.nextReads.set(nextOffset, position + data.length);
    return data;
  }

  /**
   * read() made synchronously: when the first batch is found from the offset index (in memory)
   * within one short read, and every read can be made at once (PooledHandle.readNow: the log file
   * open, the reads small). null where read() resolves to undefined; undefined, having changed
   * nothing, when the caller must use read().
   */
  readNow(startOffset: bigint, maxBytes: number, opts: FetchReadOptions): Buffer | null | undefined {
    const s = this.segment;
    const index = s.loadedOffsetIndex;
    if (!index) return undefined;
    let position = this.knownPosition(startOffset);
    if (position === undefined || position >= s.size) {
      const first = this.firstBatchPositionNow(index, startOffset);
      if (first === undefined || first === null) return first;
      position = first;
    }
    const read = readWholeBatchesNow(s.logFile, position, s.size - position, maxBytes, opts, this.tail);
    if (read === undefined) return undefined;
    if (read.nextOffset !== undefined) this.nextReads.set(read.nextOffset, position + read.data.length);
    return read.data;
  }

  /** `data` was appended to the log file at `position`. */
  appended(position: number, data: Buffer): void {
    this.tail.add(position, data);
  }

  /** The segment's bytes were truncated (no remembered position or bytes hold any more), or it closed. */
  forget(): void {
    this.nextReads.clear();
    this.tail.clear();
  }

  /**
   * Where the batch holding `offset` starts, when known without a lookup: a sequential reader
   * continues where its previous read ended, and a read from the segment's base offset (a consumer
   * starting from the earliest offset) at its first batch, whose last offset is at least that.
   */
  private knownPosition(offset: bigint): number | undefined {
    return offset === this.segment.baseOffset ? 0 : this.nextReads.get(offset);
  }

  /**
   * firstBatchAtOrAfter made synchronously, for readNow: the position of the first batch whose
   * last offset >= `offset`, null when the segment has none, undefined when one read of
   * LOOKUP_SCAN_CHUNK bytes from the index entry cannot tell (or the batches there are not plain
   * v2 batches): firstBatchAtOrAfter then scans as far as needed and reports what it finds.
   */
  private firstBatchPositionNow(index: OffsetIndex, offset: bigint): number | null | undefined {
    const {logFile: log, size: committedSize} = this.segment;
    const from = index.lookup(offset).position;
    const length = Math.min(LOOKUP_SCAN_CHUNK, committedSize - from);
    if (length <= 0) return null;
    if (log.readNow(lookupChunk, 0, length, from) !== length) return undefined;
    let at = 0;
    while (at + BATCH_HEADER_SIZE <= length) {
      const size = lookupChunk.readInt32BE(at + 8) + LOG_OVERHEAD;
      if (lookupChunk.readInt8(at + OFFSET_MAGIC) !== 2 || size < BATCH_HEADER_SIZE || from + at + size > committedSize) return undefined;
      if (lookupChunk.readBigInt64BE(at) + BigInt(lookupChunk.readInt32BE(at + OFFSET_LAST_OFFSET_DELTA)) >= offset) return from + at;
      at += size;
    }
    return from + at === committedSize ? null : undefined;
  }
}
