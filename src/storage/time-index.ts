/**
 * Kafka's time index (`<base offset>.timeindex`, kafka.log.TimeIndex).
 *
 * Format: a sequence of 12-byte big-endian entries, no header:
 *   timestamp int64 (ms) | relativeOffset int32 (offset - segment base offset)
 * An entry is added alongside an offset index entry when the segment's max timestamp so far grew:
 * (max timestamp so far, offset of the record batch holding it). Timestamps strictly increase,
 * offsets never decrease. When the segment is rolled one last entry records the segment's max
 * timestamp, so the last entry of a closed segment is its largest timestamp; a slot is kept free
 * for it (full at maxEntries - 1). Preallocated to segment.index.bytes rounded down to 12
 * (10485756 bytes) while active, trimmed on roll and close.
 * Lookup: the entry with the largest timestamp <= target, then scan from its offset.
 */
import type {FileSystem} from './fs.js';
import type {PooledHandle} from './handle-pool.js';
import {IndexFile, indexHandle} from './index-file.js';

export const TIME_INDEX_ENTRY_SIZE = 12;

export interface TimestampOffset {
  timestamp: bigint;
  offset: bigint;
}

export class TimeIndex extends IndexFile {
  private constructor(handle: PooledHandle, baseOffset: bigint, maxIndexSize: number) {
    super(handle, baseOffset, TIME_INDEX_ENTRY_SIZE, maxIndexSize);
  }

  static async open(fs: FileSystem, file: string, baseOffset: bigint, maxIndexSize: number): Promise<TimeIndex> {
    return IndexFile.loaded(new TimeIndex(indexHandle(fs, file), baseOffset, maxIndexSize));
  }

  override get isFull(): boolean {
    return this.count >= this.maxEntries - 1;
  }

  /** A new, empty index for an active segment: zeroed and preallocated to `maxIndexSize`, nothing loaded. */
  static async create(fs: FileSystem, file: string, baseOffset: bigint, maxIndexSize: number): Promise<TimeIndex> {
    const index = new TimeIndex(indexHandle(fs, file), baseOffset, maxIndexSize);
    await index.reset(maxIndexSize);
    return index;
  }

  protected isValidNext(i: number): boolean {
    const ts = this.data.readBigInt64BE(i * 12);
    const rel = this.data.readInt32BE(i * 12 + 8);
    if (i === 0) return ts > 0n && rel >= 0;
    return ts > this.data.readBigInt64BE((i - 1) * 12) && rel >= this.data.readInt32BE((i - 1) * 12 + 8);
  }

  entry(i: number): TimestampOffset {
    return {timestamp: this.data.readBigInt64BE(i * 12), offset: this.baseOffset + BigInt(this.data.readInt32BE(i * 12 + 8))};
  }

  get lastEntry(): TimestampOffset | undefined {
    return this.count === 0 ? undefined : this.entry(this.count - 1);
  }

  /** Largest entry with timestamp <= target; (-1, base offset) when there is none. */
  lookup(target: bigint): TimestampOffset {
    const i = this.floorIndex(target, (j) => this.data.readBigInt64BE(j * 12));
    return i < 0 ? {timestamp: -1n, offset: this.baseOffset} : this.entry(i);
  }

  /** Append when the timestamp grew (Kafka's maybeAppend); `final` uses the reserved last slot. */
  async maybeAppend(timestamp: bigint, offset: bigint, final = false): Promise<void> {
    const entry = this.entryFor(timestamp, offset, final);
    if (entry) await this.appendEntry(entry);
  }

  /** maybeAppend() without waiting; false (nothing done) when an entry is due and the file is not open. */
  maybeAppendNow(timestamp: bigint, offset: bigint): boolean {
    const entry = this.entryFor(timestamp, offset, false);
    return !entry || this.appendEntryNow(entry);
  }

  /** The entry to append, or undefined when the timestamp did not grow. */
  private entryFor(timestamp: bigint, offset: bigint, final: boolean): Buffer | undefined {
    const last = this.lastEntry;
    if (last && timestamp <= last.timestamp) return undefined;
    if (timestamp <= 0n) return undefined;
    if (last && offset < last.offset) throw new Error(`time index entry offset ${offset} is before the last entry's ${last.offset} in ${this.path}`);
    if (!final && this.isFull) throw new Error(`time index ${this.path} is full`);
    const entry = Buffer.alloc(12);
    entry.writeBigInt64BE(timestamp, 0);
    entry.writeInt32BE(this.relative(offset), 8);
    return entry;
  }

  /** Drop entries pointing at offsets >= `offset`. */
  async truncateTo(offset: bigint, preallocatedSize?: number): Promise<void> {
    let keep = this.count;
    while (keep > 0 && this.entry(keep - 1).offset >= offset) keep--;
    await this.truncateEntries(keep, preallocatedSize);
  }
}
