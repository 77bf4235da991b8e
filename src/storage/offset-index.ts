/**
 * Kafka's offset index (`<base offset>.index`, kafka.log.OffsetIndex).
 *
 * Format: a sequence of 8-byte big-endian entries, no header:
 *   relativeOffset int32 (offset - segment base offset) | position int32 (byte position in .log)
 * Sparse: one entry per index.interval.bytes of log, recording the LAST offset of a batch and the
 * position where that batch starts. Offsets and positions strictly increase; the first entry never
 * has position 0. While the segment is active the file is preallocated to segment.index.bytes
 * (10 MiB = 1,310,720 entries) with zeros; it is trimmed to 8 * entries on roll and close.
 * Lookup: the entry with the largest offset <= target, then scan batch headers from its position.
 */
import type {FileSystem} from './fs.js';
import type {PooledHandle} from './handle-pool.js';
import {IndexFile, indexHandle} from './index-file.js';

export const OFFSET_INDEX_ENTRY_SIZE = 8;

export interface OffsetPosition {
  offset: bigint;
  position: number;
}

export class OffsetIndex extends IndexFile {
  private constructor(handle: PooledHandle, baseOffset: bigint, maxIndexSize: number) {
    super(handle, baseOffset, OFFSET_INDEX_ENTRY_SIZE, maxIndexSize);
  }

  /** Open (creating if missing) and load; throws CorruptIndexError when the content is invalid. */
  static async open(fs: FileSystem, file: string, baseOffset: bigint, maxIndexSize: number): Promise<OffsetIndex> {
    return IndexFile.loaded(new OffsetIndex(indexHandle(fs, file), baseOffset, maxIndexSize));
  }

  /** A new, empty index for an active segment: zeroed and preallocated to `maxIndexSize`, nothing loaded. */
  static async create(fs: FileSystem, file: string, baseOffset: bigint, maxIndexSize: number): Promise<OffsetIndex> {
    const index = new OffsetIndex(indexHandle(fs, file), baseOffset, maxIndexSize);
    await index.reset(maxIndexSize);
    return index;
  }

  protected isValidNext(i: number): boolean {
    const rel = this.data.readInt32BE(i * 8);
    const pos = this.data.readInt32BE(i * 8 + 4);
    if (i === 0) return rel >= 0 && pos > 0;
    return rel > this.data.readInt32BE((i - 1) * 8) && pos > this.data.readInt32BE((i - 1) * 8 + 4);
  }

  entry(i: number): OffsetPosition {
    return {offset: this.baseOffset + BigInt(this.data.readInt32BE(i * 8)), position: this.data.readInt32BE(i * 8 + 4)};
  }

  get lastEntry(): OffsetPosition {
    return this.count === 0 ? {offset: this.baseOffset, position: 0} : this.entry(this.count - 1);
  }

  /** Largest entry with offset <= target; the segment start when there is none. */
  lookup(target: bigint): OffsetPosition {
    const i = this.floorIndex(target, (j) => this.baseOffset + BigInt(this.data.readInt32BE(j * 8)));
    return i < 0 ? {offset: this.baseOffset, position: 0} : this.entry(i);
  }

  async append(offset: bigint, position: number): Promise<void> {
    await this.appendEntry(this.entryFor(offset, position));
  }

  /** append() without waiting; false (nothing done) when the file is not open. */
  appendNow(offset: bigint, position: number): boolean {
    return this.appendEntryNow(this.entryFor(offset, position));
  }

  private entryFor(offset: bigint, position: number): Buffer {
    if (this.count > 0) {
      const last = this.lastEntry;
      if (offset <= last.offset || position <= last.position) {
        throw new Error(`index entry (${offset}, ${position}) is not after the last entry (${last.offset}, ${last.position}) in ${this.path}`);
      }
    }
    const entry = Buffer.alloc(8);
    entry.writeInt32BE(this.relative(offset), 0);
    entry.writeInt32BE(position, 4);
    return entry;
  }

  /** Drop entries for offsets >= `offset`. */
  async truncateTo(offset: bigint, preallocatedSize?: number): Promise<void> {
    const keep = this.floorIndex(offset - 1n, (j) => this.baseOffset + BigInt(this.data.readInt32BE(j * 8))) + 1;
    await this.truncateEntries(keep, preallocatedSize);
  }
}
