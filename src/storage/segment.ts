/**
 * One log segment: `<base>.log` plus its `.index` and `.timeindex` (Kafka's LogSegment).
 * The log file is append-only; `size` counts only bytes whose write completed, so readers never
 * see a half-written batch. Indexes of closed segments are loaded lazily on first use (Kafka's
 * LazyIndex), and rebuilt from the log when missing or corrupt.
 */
import * as path from 'node:path';
import {type ScannedBatch, scanBatches} from './batch-scanner.js';
import {segmentFileName} from './filenames.js';
import type {FileSystem} from './fs.js';
import {handlePoolOf, type PooledHandle} from './handle-pool.js';
import {CorruptIndexError} from './index-file.js';
import {CorruptBatchError} from './errors.js';
import {OffsetIndex} from './offset-index.js';
import {findRecordByTimestamp, readBytes} from './segment-read.js';
import {type FetchReadOptions, LOOKUP_SCAN_CHUNK, SegmentFetchReads} from './segment-fetch.js';
import {findScanStart, scanAndIndex} from './segment-rebuild.js';
import {TimeIndex} from './time-index.js';
import {msBetween} from '../protocol/int64.js';

const FILE_KINDS = ['log', 'index', 'timeindex'] as const;

export interface SegmentOptions {
  maxIndexSize: number;
  indexIntervalBytes: number;
  /** segment.bytes when `preallocate` is on: new log files start zero-filled at this size. */
  preallocateBytes?: number;
}

/** Facts about one batch being appended, its position relative to the appended buffer. */
export interface AppendedBatch {
  position: number;
  size: number;
  lastOffset: bigint;
  maxTimestamp: bigint;
}

interface Indexes {
  offset: OffsetIndex;
  time: TimeIndex;
}

/** What Kafka's LogSegment.shouldRoll looks at for the next append. */
export interface RollCheck {
  messagesSize: number;
  maxTimestamp: bigint;
  maxOffset: bigint;
  now: number;
  segmentBytes: number;
  segmentMs: number;
}

export class LogSegment {
  private indexes: Indexes | undefined;
  private loading: Promise<Indexes> | undefined;
  private bytesSinceLastIndexEntry = 0;
  /** undefined until known (from the time index or a scan). */
  private maxTimestamp: bigint | undefined;
  private offsetOfMaxTimestamp: bigint;
  private rollingBasedTimestamp: bigint | undefined;
  private active = false;
  /** Reads in flight; close waits for them (a deleted segment's reads finish first). */
  private inflight = 0;
  private idleWaiters: Array<() => void> = [];
  private preallocated = false;
  private readonly fetchReads: SegmentFetchReads;
  /** The last offset the indexes' 32-bit relative offsets can hold. */
  private readonly lastIndexableOffset: bigint;

  private constructor(
    private readonly fs: FileSystem,
    readonly dir: string,
    readonly baseOffset: bigint,
    /** Pinned open while the segment is active; pooled (opened on demand) once it is closed. */
    private log: PooledHandle,
    private committedSize: number,
    private options: SegmentOptions,
    /** When the segment was created (ms), for segment.ms rolls of batches without timestamps. */
    readonly created: number,
  ) {
    this.offsetOfMaxTimestamp = baseOffset;
    this.lastIndexableOffset = baseOffset + 2147483647n;
    this.fetchReads = new SegmentFetchReads(this);
  }

  static async create(fs: FileSystem, dir: string, baseOffset: bigint, options: SegmentOptions, nowMs: number): Promise<LogSegment> {
    const log = await handlePoolOf(fs).open(path.join(dir, segmentFileName(baseOffset, 'log')), {create: true, truncate: true, pin: true});
    const segment = new LogSegment(fs, dir, baseOffset, log, 0, options, nowMs);
    try {
      if (options.preallocateBytes) await log.truncate(options.preallocateBytes);
      segment.preallocated = options.preallocateBytes !== undefined && options.preallocateBytes > 0;
      // Preallocated on disk as Kafka does; their descriptors go back to the pool until an entry is due.
      const offset = await OffsetIndex.create(fs, segment.filePath('index'), baseOffset, options.maxIndexSize);
      const time = await TimeIndex.create(fs, segment.filePath('timeindex'), baseOffset, options.maxIndexSize).catch(async (err: unknown) => {
        await offset.close().catch(() => undefined);
        throw err;
      });
      segment.indexes = {offset, time};
    } catch (err) {
      await log.close().catch(() => undefined);
      throw err;
    }
    segment.maxTimestamp = -1n;
    segment.active = true;
    return segment;
  }

  /** Open an existing segment; its indexes load on first use. */
  static async open(fs: FileSystem, dir: string, baseOffset: bigint, options: SegmentOptions): Promise<LogSegment> {
    const file = path.join(dir, segmentFileName(baseOffset, 'log'));
    const log = await handlePoolOf(fs).open(file);
    const stat = await fs.stat(file);
    return new LogSegment(fs, dir, baseOffset, log, stat.size, options, stat.mtimeMs);
  }

  get size(): number {
    return this.committedSize;
  }

  // FetchedSegment (segment-fetch.ts): what fetchReads reads, from the prototype, not closures per segment.
  get logFile(): PooledHandle {
    return this.log;
  }

  get loadedOffsetIndex(): OffsetIndex | undefined {
    return this.indexes?.offset;
  }

  firstBatchAtOrAfter(offset: bigint): Promise<ScannedBatch | undefined> {
    return this.translateOffset(offset, true);
  }

  get isActive(): boolean {
    return this.active;
  }

  filePath(kind: (typeof FILE_KINDS)[number], suffix = ''): string {
    return path.join(this.dir, segmentFileName(this.baseOffset, kind, suffix));
  }

  updateOptions(options: SegmentOptions): void {
    this.options = options;
  }

  /** The indexes, loading (and if needed rebuilding) them on first use. */
  async loadIndexes(): Promise<Indexes> {
    if (this.indexes) return this.indexes;
    this.loading ??= this.loadOrRebuild().finally(() => (this.loading = undefined));
    this.indexes = await this.loading;
    return this.indexes;
  }

  private async loadOrRebuild(): Promise<Indexes> {
    try {
      const idx = await this.openIndexes(false);
      if (await this.indexesConsistent(idx)) {
        this.initFromIndexes(idx);
        return idx;
      }
      await Promise.all([idx.offset.close(), idx.time.close()]);
    } catch (err) {
      if (!(err instanceof CorruptIndexError)) throw err;
    }
    // Missing, corrupt or pointing past the log: rebuild both from the log, as Kafka does.
    await Promise.all([this.fs.unlink(this.filePath('index')).catch(() => {}), this.fs.unlink(this.filePath('timeindex')).catch(() => {})]);
    const idx = await this.openIndexes(true);
    await this.rebuild(idx, false);
    return idx;
  }

  private async openIndexes(create: boolean): Promise<Indexes> {
    const indexFile = this.filePath('index');
    const timeFile = this.filePath('timeindex');
    if (!create && !(await this.fs.exists(indexFile))) throw new CorruptIndexError(`${indexFile} is missing`);
    const offset = await OffsetIndex.open(this.fs, indexFile, this.baseOffset, this.options.maxIndexSize);
    try {
      const time = await TimeIndex.open(this.fs, timeFile, this.baseOffset, this.options.maxIndexSize);
      return {offset, time};
    } catch (err) {
      await offset.close();
      throw err;
    }
  }

  /** Cheap sanity check: the last offset index entry must point at a batch ending at its offset. */
  private async indexesConsistent(idx: Indexes): Promise<boolean> {
    if (idx.offset.entries === 0) return true;
    const last = idx.offset.lastEntry;
    if (last.position >= this.committedSize) return false;
    let found: ScannedBatch | undefined;
    await scanBatches(this.log, last.position, this.committedSize, (b) => {
      found = b;
      return true;
    }, {chunkSize: 64});
    if (!found) return false;
    const f = found as ScannedBatch;
    return f.lastOffset === last.offset;
  }

  private initFromIndexes(idx: Indexes): void {
    const lastTime = idx.time.lastEntry;
    if (lastTime && this.maxTimestamp === undefined) {
      this.maxTimestamp = lastTime.timestamp;
      this.offsetOfMaxTimestamp = lastTime.offset;
    }
    this.bytesSinceLastIndexEntry = this.committedSize - idx.offset.lastEntry.position;
  }

  /** Make this the active segment: preallocate indexes and learn the end offset and max timestamp. */
  async activate(): Promise<bigint> {
    this.active = true;
    this.log.pin();
    const idx = await this.loadIndexes();
    await idx.offset.preallocate(this.options.maxIndexSize);
    await idx.time.preallocate(this.options.maxIndexSize);
    return this.readNextOffset();
  }

  /** Offset after the last batch, from a scan starting at the last index entry (Kafka's readNextOffset). */
  async readNextOffset(): Promise<bigint> {
    const idx = await this.loadIndexes();
    let next = this.baseOffset;
    if (idx.offset.entries > 0) next = idx.offset.lastEntry.offset + 1n;
    await scanBatches(this.log, idx.offset.lastEntry.position, this.committedSize, (b) => {
      next = b.lastOffset + 1n;
      this.observeTimestamp(b.header.maxTimestamp, b.lastOffset);
    });
    this.maxTimestamp ??= -1n;
    return next;
  }

  private observeTimestamp(ts: bigint, offset: bigint): void {
    if (this.maxTimestamp === undefined || ts > this.maxTimestamp) {
      this.maxTimestamp = ts;
      this.offsetOfMaxTimestamp = offset;
    }
  }

  /**
   * append() without yielding, when it can be made synchronously (appendStartNow); false (nothing
   * done) otherwise. A failed write leaves no partial tail (writeNow cuts it) and throws.
   */
  appendNow(data: Buffer, batches: AppendedBatch[]): boolean {
    const start = this.appendStartNow(batches);
    if (start < 0 || !this.writeAppendNow(data, start)) return false;
    this.completeAppendNow(start, data, batches);
    return true;
  }

  /**
   * Where an append of `batches` starts if it can be made synchronously, else -1: the indexes must
   * be loaded, and open if an entry is due. Changes nothing; after the write, completeAppendNow.
   */
  appendStartNow(batches: AppendedBatch[]): number {
    const idx = this.indexes;
    if (!idx) return -1;
    // Index entries due may be written synchronously too (every PENDING_ENTRIES-th, index-file.ts), so their files must be open already.
    if (this.indexEntryDue(batches) && !(idx.offset.canAppendNow && idx.time.canAppendNow)) return -1;
    return this.committedSize;
  }

  /** Whether appending `batches` adds index entries (their files are pooled, so such an append is not split from its write). */
  indexEntryDue(batches: AppendedBatch[]): boolean {
    let since = this.bytesSinceLastIndexEntry;
    for (const b of batches) {
      if (since > this.options.indexIntervalBytes) return true;
      since += b.size;
    }
    return false;
  }

  /** The log file's descriptor for a synchronous write of `length` bytes made elsewhere (write-thread.ts), if it has one. */
  writeDescriptor(length: number): number | undefined {
    return this.log.descriptorForWriteNow(length);
  }

  /** The write of an append from appendStartNow, made now; false when the file cannot take it synchronously. */
  writeAppendNow(data: Buffer, start: number): boolean {
    return this.log.writeNow(data, start);
  }

  /** The write of `data`, an append from appendStartNow, landed at `start`: timestamps, index entries, size. */
  completeAppendNow(start: number, data: Buffer, batches: AppendedBatch[]): void {
    const idx = this.indexes!;
    if (this.rollingBasedTimestamp === undefined && batches.length > 0 && start === 0) this.rollingBasedTimestamp = batches[0].maxTimestamp;
    for (const b of batches) {
      this.observeTimestamp(b.maxTimestamp, b.lastOffset);
      if (this.bytesSinceLastIndexEntry > this.options.indexIntervalBytes) {
        // Cannot be false: nothing could close the files since appendStartNow.
        if (!idx.offset.appendNow(b.lastOffset, start + b.position) || !idx.time.maybeAppendNow(this.maxTimestamp!, this.offsetOfMaxTimestamp)) {
          throw new Error(`the index files of ${this.log.path} closed during an append`);
        }
        this.bytesSinceLastIndexEntry = 0;
      }
      this.bytesSinceLastIndexEntry += b.size;
    }
    this.committedSize = start + data.length;
    this.fetchReads.appended(start, data);
  }

  /**
   * Write `data` (whole batches, offsets assigned) at the end and index it. The bytes reach the
   * file descriptor before this resolves; on a failed write the partial tail is cut off again.
   */
  async append(data: Buffer, batches: AppendedBatch[]): Promise<void> {
    const idx = this.indexes ?? (await this.loadIndexes());
    const start = this.committedSize;
    try {
      await this.log.write(data, start);
    } catch (err) {
      await this.log.truncate(start).catch(() => {});
      throw err;
    }
    if (this.rollingBasedTimestamp === undefined && batches.length > 0 && start === 0) this.rollingBasedTimestamp = batches[0].maxTimestamp;
    for (const b of batches) {
      this.observeTimestamp(b.maxTimestamp, b.lastOffset);
      if (this.bytesSinceLastIndexEntry > this.options.indexIntervalBytes) {
        await idx.offset.append(b.lastOffset, start + b.position);
        await idx.time.maybeAppend(this.maxTimestamp!, this.offsetOfMaxTimestamp);
        this.bytesSinceLastIndexEntry = 0;
      }
      this.bytesSinceLastIndexEntry += b.size;
    }
    this.committedSize = start + data.length;
    this.fetchReads.appended(start, data);
  }

  /**
   * Kafka's LogSegment.shouldRoll: the batches would overflow segment.bytes, segment.ms passed
   * since the first batch's timestamp (or the creation time without one), an index is full, or an
   * offset would not fit the 32-bit relative offsets of the indexes.
   */
  async shouldRoll(p: RollCheck): Promise<boolean> {
    const idx = await this.loadIndexes();
    if (this.committedSize > 0 && this.rollingBasedTimestamp === undefined) await this.loadRollingBasedTimestamp();
    return this.rollDecision(idx, p.messagesSize, p.maxTimestamp, p.maxOffset, p.now, p.segmentBytes, p.segmentMs);
  }

  /** shouldRoll without waiting, when the indexes and the first batch's timestamp are at hand (the usual case). */
  shouldRollNow(p: RollCheck): boolean | undefined {
    return this.rollNeededNow(p.messagesSize, p.maxTimestamp, p.maxOffset, p.now, p.segmentBytes, p.segmentMs);
  }

  /** shouldRollNow with the check's fields as arguments (no object per append). */
  rollNeededNow(messagesSize: number, maxTimestamp: bigint, maxOffset: bigint, now: number, segmentBytes: number, segmentMs: number): boolean | undefined {
    const idx = this.indexes;
    if (!idx || (this.committedSize > 0 && this.rollingBasedTimestamp === undefined)) return undefined;
    return this.rollDecision(idx, messagesSize, maxTimestamp, maxOffset, now, segmentBytes, segmentMs);
  }

  private rollDecision(idx: Indexes, messagesSize: number, maxTimestamp: bigint, maxOffset: bigint, now: number, segmentBytes: number, segmentMs: number): boolean {
    if (this.committedSize > segmentBytes - messagesSize) return this.committedSize > 0;
    if (this.committedSize > 0) {
      const t = this.rollingBasedTimestamp;
      const waited = t !== undefined && t >= 0n ? msBetween(t, maxTimestamp) : now - this.created;
      if (waited > segmentMs) return true;
    }
    return idx.offset.isFull || idx.time.isFull || maxOffset > this.lastIndexableOffset;
  }

  private async loadRollingBasedTimestamp(): Promise<void> {
    await scanBatches(this.log, 0, this.committedSize, (b) => {
      this.rollingBasedTimestamp = b.header.maxTimestamp;
      return true;
    }, {chunkSize: 64});
  }

  /**
   * The first batch whose last offset >= `offset`, found via the index and a short scan. With
   * `corruptThrows` (a Fetch), an entry on the way that cannot be a batch throws CorruptBatchError,
   * as Kafka's FileLogInputStream throws CorruptRecordException, rather than ending the search.
   */
  async translateOffset(offset: bigint, corruptThrows = false): Promise<ScannedBatch | undefined> {
    const idx = await this.loadIndexes();
    const start = idx.offset.lookup(offset).position;
    let found: ScannedBatch | undefined;
    const scan = await scanBatches(this.log, start, this.committedSize, (b) => {
      if (b.lastOffset >= offset) {
        found = b;
        return true;
      }
    }, {chunkSize: LOOKUP_SCAN_CHUNK});
    if (!found && scan.corrupt && corruptThrows) throw new CorruptBatchError(`${this.log.path}: ${scan.stopReason}`);
    return found;
  }

  /** Whole batches from the one holding `startOffset` (SegmentFetchReads.read). */
  read(startOffset: bigint, maxBytes: number, opts: FetchReadOptions): Promise<Buffer | undefined> {
    return this.track(() => this.fetchReads.read(startOffset, maxBytes, opts));
  }

  /** read() made synchronously (SegmentFetchReads.readNow): null for read()'s undefined, undefined when it cannot be. */
  readNow(startOffset: bigint, maxBytes: number, opts: FetchReadOptions): Buffer | null | undefined {
    return this.fetchReads.readNow(startOffset, maxBytes, opts);
  }

  readBytes(position: number, length: number): Promise<Buffer> {
    return readBytes(this.log, position, length);
  }

  /** First record with timestamp >= `timestamp` at or after `startingOffset` (Kafka's findOffsetByTimestamp). */
  findOffsetByTimestamp(timestamp: bigint, startingOffset: bigint): Promise<{offset: bigint; timestamp: bigint} | undefined> {
    return this.track(async () => {
      const idx = await this.loadIndexes();
      const entry = idx.time.lookup(timestamp);
      const from = idx.offset.lookup(entry.offset > startingOffset ? entry.offset : startingOffset).position;
      return findRecordByTimestamp(this.log, from, this.committedSize, timestamp, startingOffset);
    });
  }

  /** Largest timestamp of any batch (-1 when none has one); scans once if the index cannot say. */
  async largestTimestamp(): Promise<{timestamp: bigint; offset: bigint}> {
    await this.loadIndexes();
    if (this.maxTimestamp === undefined) {
      let max = -1n;
      let at = this.baseOffset;
      await scanBatches(this.log, 0, this.committedSize, (b) => {
        if (b.header.maxTimestamp > max) [max, at] = [b.header.maxTimestamp, b.lastOffset];
      });
      if (this.maxTimestamp === undefined) this.observeTimestamp(max, at);
    }
    return {timestamp: this.maxTimestamp!, offset: this.offsetOfMaxTimestamp};
  }

  private async track<T>(work: () => Promise<T>): Promise<T> {
    this.inflight++;
    try {
      return await work();
    } finally {
      if (--this.inflight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  private whenIdle(): Promise<void> {
    return this.inflight === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async lastModified(): Promise<number> {
    return (await this.fs.stat(this.filePath('log'))).mtimeMs;
  }

  /**
   * Validate every batch (size, magic, CRC32C for v2, offsets inside the segment), rebuild both
   * indexes, and cut the log after the last valid batch. Returns bytes cut and the next offset.
   */
  async recover(asActive = false): Promise<{truncatedBytes: number; nextOffset: bigint; stopReason?: string}> {
    this.active = asActive;
    const idx = this.indexes ?? (await this.openIndexes(true).catch(async (err) => {
      if (!(err instanceof CorruptIndexError)) throw err;
      await this.fs.unlink(this.filePath('index')).catch(() => {});
      await this.fs.unlink(this.filePath('timeindex')).catch(() => {});
      return this.openIndexes(true);
    }));
    this.indexes = idx;
    return this.rebuild(idx, true);
  }

  /**
   * Recovery of the segment that holds the recovery point: the batches before it and their index
   * entries were fsynced, so only the batches from the recovery point on are checked and indexed,
   * as recover() checks a whole segment (Kafka rescans the whole segment; a crash then costs
   * the unflushed bytes, not the segment's size). Falls back to recover() when the indexes cannot
   * be read or the batches do not line up with the recovery point.
   */
  async recoverFrom(recoveryPoint: bigint, asActive = false): Promise<{truncatedBytes: number; nextOffset: bigint; stopReason?: string}> {
    if (recoveryPoint <= this.baseOffset) return this.recover(asActive);
    this.active = asActive;
    const idx = await this.openIndexes(false).catch((err: unknown) => {
      if (err instanceof CorruptIndexError) return undefined;
      throw err;
    });
    if (!idx) return this.recover(asActive);
    const fileSize = await this.log.size();
    const start = await findScanStart(this.log, idx, this.baseOffset, recoveryPoint, fileSize);
    if (!start) {
      await Promise.all([idx.offset.close(), idx.time.close()]);
      return this.recover(asActive);
    }
    this.indexes = idx;
    const prealloc = this.active ? this.options.maxIndexSize : undefined;
    await idx.offset.truncateTo(recoveryPoint, prealloc);
    await idx.time.truncateTo(recoveryPoint, prealloc);
    if (prealloc !== undefined) await Promise.all([idx.offset.preallocate(prealloc), idx.time.preallocate(prealloc)]);
    this.fetchReads.forget();
    const r = await scanAndIndex(this.log, this.baseOffset, fileSize, this.options.indexIntervalBytes, idx, !this.active, start);
    this.maxTimestamp = r.maxTimestamp;
    this.offsetOfMaxTimestamp = r.offsetOfMaxTimestamp;
    this.rollingBasedTimestamp = undefined; // read from the first batch when a roll check needs it
    this.bytesSinceLastIndexEntry = r.bytesSinceLastIndexEntry;
    const truncatedBytes = fileSize - r.validEnd;
    if (truncatedBytes > 0) await this.log.truncate(r.validEnd);
    this.committedSize = r.validEnd;
    return {truncatedBytes, nextOffset: r.nextOffset, stopReason: r.stopReason};
  }

  private async rebuild(idx: Indexes, truncate: boolean): Promise<{truncatedBytes: number; nextOffset: bigint; stopReason?: string}> {
    const prealloc = this.active ? this.options.maxIndexSize : undefined;
    await idx.offset.reset(prealloc);
    await idx.time.reset(prealloc);
    const fileSize = truncate ? await this.log.size() : this.committedSize;
    this.fetchReads.forget();
    const r = await scanAndIndex(this.log, this.baseOffset, fileSize, this.options.indexIntervalBytes, idx, !this.active);
    this.maxTimestamp = r.maxTimestamp;
    this.offsetOfMaxTimestamp = r.offsetOfMaxTimestamp;
    this.rollingBasedTimestamp = r.firstBatchTimestamp;
    this.bytesSinceLastIndexEntry = r.bytesSinceLastIndexEntry;
    const truncatedBytes = fileSize - r.validEnd;
    if (truncate && truncatedBytes > 0) await this.log.truncate(r.validEnd);
    this.committedSize = r.validEnd;
    return {truncatedBytes, nextOffset: r.nextOffset, stopReason: r.stopReason};
  }

  /** Remove every batch holding an offset >= `offset` (the batch containing it too). */
  async truncateTo(offset: bigint): Promise<number> {
    const idx = await this.loadIndexes();
    const first = await this.translateOffset(offset);
    if (!first) return 0;
    const removed = this.committedSize - first.position;
    const prealloc = this.active ? this.options.maxIndexSize : undefined;
    await idx.offset.truncateTo(offset, prealloc);
    await idx.time.truncateTo(offset, prealloc);
    await this.log.truncate(first.position);
    this.fetchReads.forget();
    this.committedSize = first.position;
    const lastTime = idx.time.lastEntry;
    this.maxTimestamp = lastTime?.timestamp;
    this.offsetOfMaxTimestamp = lastTime?.offset ?? this.baseOffset;
    if (first.position === 0) this.rollingBasedTimestamp = undefined;
    this.bytesSinceLastIndexEntry = this.committedSize - idx.offset.lastEntry.position;
    await this.readNextOffset();
    return removed;
  }

  /** On roll: record the max timestamp in the time index and trim both indexes (Kafka's onBecomeInactiveSegment). */
  async onBecomeInactive(): Promise<void> {
    const idx = await this.loadIndexes();
    const {timestamp, offset} = await this.largestTimestamp();
    await idx.time.maybeAppend(timestamp, offset, true);
    await idx.offset.trimToValidSize();
    await idx.time.trimToValidSize();
    await this.trimPreallocatedLog();
    this.active = false;
    this.log.unpin();
  }

  /** fsync the log, and the indexes too when `includeIndexes`. */
  async flush(includeIndexes: boolean): Promise<void> {
    await this.log.sync();
    if (includeIndexes && this.indexes) await Promise.all([this.indexes.offset.sync(), this.indexes.time.sync()]);
  }

  /** A preallocated log file is cut back to its data when the segment stops being active. */
  private async trimPreallocatedLog(): Promise<void> {
    if (!this.preallocated) return;
    await this.log.truncate(this.committedSize);
    this.preallocated = false;
  }

  async close(): Promise<void> {
    await this.whenIdle();
    if (this.loading) await this.loading.catch(() => {});
    await this.trimPreallocatedLog().catch(() => {});
    if (this.indexes) {
      await this.indexes.offset.trimToValidSize().catch(() => {});
      await this.indexes.time.trimToValidSize().catch(() => {});
      await Promise.all([this.indexes.offset.close(), this.indexes.time.close()]);
      this.indexes = undefined;
    }
    await this.log.close();
    this.fetchReads.forget();
  }

  /** Rename all files of the segment, e.g. to `.deleted` before removal. */
  async renameFiles(fromSuffix: string, toSuffix: string): Promise<void> {
    for (const kind of FILE_KINDS) await this.fs.rename(this.filePath(kind, fromSuffix), this.filePath(kind, toSuffix)).catch(ignoreMissing);
    // Handles whose descriptor the pool closed reopen by name: follow the files.
    this.log.renamed(this.filePath('log', toSuffix));
    this.indexes?.offset.renamed(this.filePath('index', toSuffix));
    this.indexes?.time.renamed(this.filePath('timeindex', toSuffix));
  }

  async deleteFiles(suffix: string): Promise<void> {
    for (const kind of FILE_KINDS) await this.fs.unlink(this.filePath(kind, suffix)).catch(ignoreMissing);
  }

  /** Header walk over the whole segment, for retention, compaction and dumps. */
  async batches(): Promise<ScannedBatch[]> {
    const out: ScannedBatch[] = [];
    await scanBatches(this.log, 0, this.committedSize, (b) => void out.push(b));
    return out;
  }
}

/** A segment file that is not there was renamed or deleted already. */
function ignoreMissing(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err;
}
