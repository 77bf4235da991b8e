/**
 * Shared machinery of Kafka's sparse index files (.index, .timeindex): fixed-size big-endian
 * entries, preallocated (zero-filled) to segment.index.bytes while the segment is active and
 * trimmed to the entries actually written when it is rolled or closed, like Kafka's AbstractIndex.
 * Entries are kept in memory (Kafka mmaps the file); writes go to the file at entry * size through
 * a pooled handle, so an index holds a file descriptor only while it is being written.
 * Entries appended synchronously (appendEntryNow, the Produce path) reach the file PENDING_ENTRIES
 * at a time, in one write, and at the latest when the index is synced, trimmed or closed: one
 * pwrite per 4 KiB of small appends cost the broker as much as the append's own (a quarter of
 * its system calls on 1 KiB Produce requests). Like Kafka's mmapped entries they are not durable
 * before a flush; after a crash, recovery rebuilds the entries of everything past the recovery
 * point from the log (recovery.ts), and an index that merely lacks entries stays correct (sparse).
 * A loaded file ends at the first entry that breaks the ordering rules; if that entry is not all
 * zeros (the preallocated tail) the file is corrupt and the segment rebuilds it.
 */
import type {FileSystem} from './fs.js';
import {handlePoolOf, type PooledHandle} from './handle-pool.js';

/** Index bytes read at once when loading: the first read, and the most (each read is 4 times the last). */
const FIRST_LOAD_CHUNK = 4 * 1024;
const LOAD_CHUNK = 64 * 1024;
/** The entries of an index that has none: most partitions' active segments, until 4 KiB of log. */
const NO_ENTRIES = Buffer.alloc(0);
/** Room made for entries at the first one (grown by doubling afterwards). */
const FIRST_CAPACITY = 64;
/** Entries appended synchronously that are written to the file together. */
export const PENDING_ENTRIES = 64;

export class CorruptIndexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorruptIndexError';
  }
}

export abstract class IndexFile {
  protected data: Buffer;
  protected count = 0;
  /** Entries [0, written) are in the file; the others only in `data` until writePending(). */
  private written = 0;
  /** The write of pending entries in progress, which a truncation waits for. */
  private writing: Promise<void> | undefined;
  readonly maxEntries: number;

  protected constructor(
    protected readonly handle: PooledHandle,
    readonly baseOffset: bigint,
    readonly entrySize: number,
    maxIndexSize: number,
  ) {
    this.maxEntries = Math.floor(maxIndexSize / entrySize);
    // Allocated at the first entry: a zero-filled buffer per index file cost ~5 µs, twice per
    // partition created or opened, and 1.3 KiB of memory per partition that has no entry.
    this.data = NO_ENTRIES;
  }

  get path(): string {
    return this.handle.path;
  }

  get entries(): number {
    return this.count;
  }

  get isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  /** Whether entry `i` may follow entry `i - 1` (both in `this.data`). */
  protected abstract isValidNext(i: number): boolean;

  /** Load `index`'s file, closing it again when the content is invalid (CorruptIndexError). */
  protected static async loaded<T extends IndexFile>(index: T): Promise<T> {
    try {
      await index.load();
    } catch (err) {
      await index.close();
      throw err;
    }
    return index;
  }

  /**
   * Read the entries from the file; throws CorruptIndexError on garbage. Small reads first: an
   * active segment's file is preallocated (10 MiB of zeros by default) and usually holds a few
   * entries, and a zero-filled 64 KiB buffer per index cost a start with 1,000 partitions ~54 ms.
   */
  protected async load(): Promise<void> {
    const fileSize = await this.handle.size();
    if (fileSize % this.entrySize !== 0) {
      throw new CorruptIndexError(`${this.path} has size ${fileSize}, not a multiple of the entry size ${this.entrySize}`);
    }
    let chunkBytes = FIRST_LOAD_CHUNK - (FIRST_LOAD_CHUNK % this.entrySize);
    for (let filePos = 0; filePos < fileSize; filePos += chunkBytes, chunkBytes = Math.min(chunkBytes * 4, LOAD_CHUNK - (LOAD_CHUNK % this.entrySize))) {
      // Not zero-filled: only the bytes read are looked at.
      const chunk = Buffer.allocUnsafe(Math.min(chunkBytes, fileSize - filePos));
      const n = await this.handle.read(chunk, 0, chunk.length, filePos);
      for (let p = 0; p + this.entrySize <= n; p += this.entrySize) {
        this.ensureCapacity(this.count + 1);
        chunk.copy(this.data, this.count * this.entrySize, p, p + this.entrySize);
        if (!this.isValidNext(this.count)) {
          if (!isZero(chunk, p, p + this.entrySize)) {
            throw new CorruptIndexError(`${this.path} entry ${this.count} is out of order`);
          }
          return;
        }
        this.count++;
        this.written = this.count;
      }
    }
  }

  protected async appendEntry(entry: Buffer): Promise<void> {
    this.checkRoom();
    // Pending entries first: they precede this one in the file.
    await this.writePending();
    await this.handle.write(entry, this.count * this.entrySize);
    this.remember(entry);
    this.written = this.count;
  }

  /** Whether appendEntryNow can write without waiting (the descriptor is open). */
  get canAppendNow(): boolean {
    return this.handle.canWriteNow;
  }

  /**
   * appendEntry without waiting; false (nothing done) when the descriptor is not open. The entry
   * is written with the pending ones once PENDING_ENTRIES are waiting.
   */
  protected appendEntryNow(entry: Buffer): boolean {
    this.checkRoom();
    if (this.count + 1 - this.written < PENDING_ENTRIES || this.writing) {
      this.remember(entry);
      return true;
    }
    this.remember(entry);
    if (this.writeNowThrough(this.count)) return true;
    this.count--; // not written: nothing done
    return false;
  }

  /** Write entries [written, end) through the open descriptor, without waiting; false when it is not open. */
  private writeNowThrough(end: number): boolean {
    const from = this.written * this.entrySize;
    if (!this.handle.writeNow(this.data.subarray(from, end * this.entrySize), from)) return false;
    this.written = end;
    return true;
  }

  /** Once no write of pending entries is in flight (whether it succeeded or not). */
  private async writesSettled(): Promise<void> {
    while (this.writing) await this.writing.catch(() => undefined);
  }

  /** Write the entries not yet in the file. */
  private async writePending(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.written >= this.count) return;
    const from = this.written;
    const to = this.count;
    // A view of the current buffer: if it grows meanwhile, these bytes stay as they are.
    const bytes = this.data.subarray(from * this.entrySize, to * this.entrySize);
    this.writing = this.handle.write(bytes, from * this.entrySize).then(() => { this.written = Math.max(this.written, to); });
    try {
      await this.writing;
    } finally {
      this.writing = undefined;
    }
  }

  private checkRoom(): void {
    if (this.count >= this.maxEntries) throw new Error(`index ${this.path} is full (${this.maxEntries} entries)`);
  }

  private remember(entry: Buffer): void {
    this.ensureCapacity(this.count + 1);
    entry.copy(this.data, this.count * this.entrySize);
    this.count++;
  }

  /** Keep the first `n` entries; zero the rest on disk so a reload cannot resurrect them. */
  protected async truncateEntries(n: number, preallocatedSize: number | undefined): Promise<void> {
    // A write of pending entries still in flight would land after the truncation.
    await this.writesSettled();
    if (n >= this.count) return;
    this.count = n;
    this.written = Math.min(this.written, n);
    await this.handle.truncate(n * this.entrySize);
    if (preallocatedSize !== undefined) await this.handle.truncate(this.roundDown(preallocatedSize));
  }

  /** Binary search: the last entry i with key(i) <= target, or -1. */
  protected floorIndex(target: bigint, key: (i: number) => bigint): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (key(mid) <= target) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Preallocate (zero-filled) for an active segment. */
  async preallocate(maxIndexSize: number): Promise<void> {
    await this.handle.truncate(Math.max(this.roundDown(maxIndexSize), this.count * this.entrySize));
  }

  /** Cut the file to the entries written (Kafka's trimToValidSize on roll and close). */
  async trimToValidSize(): Promise<void> {
    await this.writePending();
    await this.handle.truncate(this.count * this.entrySize);
  }

  async reset(preallocatedSize: number | undefined): Promise<void> {
    await this.writesSettled();
    this.count = 0;
    this.written = 0;
    await this.handle.truncate(0);
    if (preallocatedSize !== undefined) await this.handle.truncate(this.roundDown(preallocatedSize));
  }

  async sync(): Promise<void> {
    await this.writePending();
    await this.handle.sync();
  }

  /**
   * Writes the pending entries first (a segment's close trims, which writes them), but only
   * through a descriptor still open: reopening could recreate a file deleted meanwhile. Closing
   * never fails for them; an index that lacks entries is still correct (sparse).
   */
  async close(): Promise<void> {
    await this.writesSettled();
    if (this.written < this.count) {
      try {
        this.writeNowThrough(this.count);
      } catch {
        // Left out of the file, as if the process had stopped here.
      }
    }
    await this.handle.close();
  }

  /** The file was renamed; later reopens use the new name. */
  renamed(to: string): void {
    this.handle.renamed(to);
  }

  protected roundDown(size: number): number {
    return size - (size % this.entrySize);
  }

  protected relative(offset: bigint): number {
    const rel = offset - this.baseOffset;
    if (rel < 0n || rel > 2147483647n) throw new RangeError(`offset ${offset} does not fit index with base offset ${this.baseOffset}`);
    return Number(rel);
  }

  private ensureCapacity(entries: number): void {
    if (entries * this.entrySize <= this.data.length) return;
    const grown = Buffer.alloc(Math.max(entries * this.entrySize, this.data.length * 2, FIRST_CAPACITY * this.entrySize));
    this.data.copy(grown, 0, 0, this.count * this.entrySize);
    this.data = grown;
  }
}

/** A handle on an index file (created when missing), opened on first use. */
export function indexHandle(fs: FileSystem, file: string): PooledHandle {
  return handlePoolOf(fs).handle(file, {create: true});
}

function isZero(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] !== 0) return false;
  return true;
}
