/**
 * One partition's log (Kafka's UnifiedLog + LocalLog for a single node): ordered segments, the
 * active one taking appends; offsets assigned under a mutex; durability by the flush policy with
 * group commit (every waiting append shares the next fsync); reads located via the offset index.
 */
import * as path from 'node:path';
import {
  OFFSET_LAST_OFFSET_DELTA, OFFSET_MAX_TIMESTAMP, OFFSET_RECORD_COUNT, setBaseOffset, setPartitionLeaderEpoch,
} from '../records/batch-header.js';
import {type EpochEntry, writePartitionMetadata} from './checkpoints.js';
import {ErrorCode} from '../protocol/error-codes.js';
import {assignOffsets, isOneBatch, type ParsedBatch, parseAppendBatches} from './append-input.js';
import {type AppendResult, duplicateResult, PreparedAppend} from './append-result.js';
import {OffsetOutOfRangeError, RecordBatchTooLargeError, StorageError} from './errors.js';
import {DELETED_SUFFIX, PARTITION_METADATA} from './filenames.js';
import type {FileSystem} from './fs.js';
import {GroupCommit} from './group-commit.js';
import {DelayedSegmentRemoval} from './segment-removal.js';
import {LeaderEpochCache} from './leader-epoch-cache.js';
import {type LogConfig, NEVER_MS, resolveLogConfig, segmentOptionsOf} from './log-config.js';
import {Mutex} from './mutex.js';
import {PartitionProducers} from './partition-producers.js';
import {hasProducerId} from './producer-state.js';
import {loadSegments} from './recovery.js';
import {firstRecordAtOrAfter, recordWithLargestTimestamp} from './timestamp-lookup.js';
import {LogSegment, type RollCheck} from './segment.js';
import {segmentIndexFor} from './segment-search.js';
import {type FetchReadOptions, readLimit, readSegments, readSegmentsNow} from './segment-fetch.js';
import {readInt64} from '../protocol/int64.js';

export const ZERO_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

export interface PartitionLogOpenOptions {
  fs: FileSystem;
  dir: string;
  topic: string;
  partition: number;
  topicId: string;
  config: LogConfig;
  now: () => number;
  recoveryPoint?: bigint;
  logStartOffset?: bigint;
  hadCleanShutdown: boolean;
  /** Called after the log start offset moved (the manager persists log-start-offset-checkpoint). */
  onLogStartOffsetChange?: () => Promise<void>;
}

export class PartitionLog {
  readonly topic: string;
  readonly partition: number;
  readonly dir: string;
  config: LogConfig;
  /** Segments in offset order; the last one is active. @internal for retention and the cleaner */
  segments: LogSegment[];
  /** How many segments the last open scanned batch by batch. */
  readonly recoveredSegments: number;
  private _topicId: string;
  private _logStartOffset: bigint;
  private _logEndOffset: bigint;
  /** Everything below this offset is fsynced (recovery-point-offset-checkpoint). */
  private _recoveryPoint: bigint;
  private readonly lock = new Mutex();
  /** An append prepared for a round (append-round.ts) whose write is not made yet. */
  private prepared: PreparedAppend | undefined;
  private readonly dirty = new Set<LogSegment>();
  private readonly groupCommit = new GroupCommit(() => this.flushRound(), (cause) => this.rollBackUnflushed(cause));
  private unflushedMessages = 0;
  /** End of the appends acknowledged without waiting for an fsync (flush.messages above 1). */
  private acknowledgedEnd = 0n;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly removal = new DelayedSegmentRemoval();
  private offline: StorageError | undefined;
  private closed = false;
  /** Idempotent producers' sequence state (partition-producers.ts), checked and updated under the lock. */
  readonly producers: PartitionProducers;

  private constructor(
    private readonly fs: FileSystem,
    opts: PartitionLogOpenOptions,
    segments: LogSegment[],
    logEndOffset: bigint,
    recoveredSegments: number,
    readonly epochCache: LeaderEpochCache,
    private readonly now: () => number,
    private readonly onLogStartOffsetChange: (() => Promise<void>) | undefined,
  ) {
    this.topic = opts.topic;
    this.partition = opts.partition;
    this.dir = opts.dir;
    this._topicId = opts.topicId;
    this.config = opts.config;
    this.segments = segments;
    this._logEndOffset = logEndOffset;
    this.recoveredSegments = recoveredSegments;
    const first = segments[0].baseOffset;
    const start = opts.logStartOffset !== undefined && opts.logStartOffset > first ? opts.logStartOffset : first;
    this._logStartOffset = start < logEndOffset ? start : logEndOffset;
    this._recoveryPoint = logEndOffset;
    this.producers = new PartitionProducers(fs, opts.dir, this.topicPartition);
  }

  /** Open (creating the directory if needed) and recover the partition directory `dir`. */
  static async open(opts: PartitionLogOpenOptions): Promise<PartitionLog> {
    await opts.fs.mkdir(opts.dir);
    const loaded = await loadSegments(opts.fs, opts.dir, {
      segmentOptions: segmentOptionsOf(opts.config),
      recoveryPoint: opts.recoveryPoint,
      hadCleanShutdown: opts.hadCleanShutdown,
      logStartOffset: opts.logStartOffset ?? 0n,
      now: opts.now(),
    });
    const epochCache = await LeaderEpochCache.load(opts.fs, opts.dir);
    const log = new PartitionLog(opts.fs, opts, loaded.segments, loaded.logEndOffset, loaded.recoveredSegments, epochCache, opts.now, opts.onLogStartOffsetChange);
    epochCache.truncateOnLoad(log._logEndOffset, log._logStartOffset);
    await log.producers.load(log.segments, log._logEndOffset, loaded.snapshotOffsets);
    return log;
  }

  /**
   * A log in a directory the caller just created (nothing to load or recover): one empty,
   * preallocated active segment. The caller writes leader-epoch-checkpoint with `epochs`.
   */
  static async createEmpty(opts: Omit<PartitionLogOpenOptions, 'hadCleanShutdown' | 'recoveryPoint'>, epochs: EpochEntry[]): Promise<PartitionLog> {
    const start = opts.logStartOffset ?? 0n;
    const segment = await LogSegment.create(opts.fs, opts.dir, start, segmentOptionsOf(opts.config), opts.now());
    const epochCache = LeaderEpochCache.of(opts.fs, opts.dir, epochs);
    return new PartitionLog(opts.fs, {...opts, hadCleanShutdown: true}, [segment], start, 0, epochCache, opts.now, opts.onLogStartOffsetChange);
  }

  /** @internal for the cleaner */
  get fileSystem(): FileSystem {
    return this.fs;
  }

  get topicId(): string {
    return this._topicId;
  }

  /** Give a partition Kafka left without partition.metadata its topic id (writes the file). */
  async assignTopicId(topicId: string): Promise<void> {
    await writePartitionMetadata(this.fs, path.join(this.dir, PARTITION_METADATA), topicId);
    this._topicId = topicId;
  }

  get logStartOffset(): bigint {
    return this._logStartOffset;
  }

  get logEndOffset(): bigint {
    return this._logEndOffset;
  }

  /** A single node is the whole ISR: everything appended is replicated. */
  get highWatermark(): bigint {
    return this._logEndOffset;
  }

  get recoveryPoint(): bigint {
    return this._recoveryPoint;
  }

  get sizeInBytes(): number {
    return this.segments.reduce((sum, s) => sum + s.size, 0);
  }

  /** The latest leader epoch appended with (-1 before the first append). */
  get leaderEpoch(): number {
    return this.epochCache.latestEpoch;
  }

  /** True after a disk error this log could not repair; it then refuses reads and appends. */
  get isOffline(): boolean {
    return this.offline !== undefined;
  }

  get activeSegment(): LogSegment {
    return this.segments[this.segments.length - 1];
  }

  get topicPartition(): string {
    return `${this.topic}-${this.partition}`;
  }

  /**
   * Append already-validated v2 batches: assign offsets (and the leader epoch, and LogAppendTime
   * when configured) in place, roll if needed, write, then wait for the fsync if the flush policy
   * says so. A failed write or fsync rejects and leaves the log as it was before this append.
   */
  async append(batches: Buffer, options: {leaderEpoch: number}): Promise<AppendResult> {
    const parsed = this.parseForAppend(batches);
    const {result, durable} = await this.lock.run(async () => {
      this.checkReadable();
      const a = assignOffsets(batches, parsed, {nextOffset: this._logEndOffset, leaderEpoch: options.leaderEpoch, logStartOffset: this._logStartOffset,
      appendTime: this.config.messageTimestampType === 'LogAppendTime' ? BigInt(this.now()) : -1n});
      const producers = this.producers.check(batches, a.appended);
      if (producers?.duplicate) return {result: duplicateResult(producers.duplicate, this._logStartOffset), durable: undefined};
      try {
        if (producers && this.producers.snapshotDue) await this.producers.takeSnapshot(this._logEndOffset);
        // The epoch is recorded before the data (as Kafka does when it becomes leader): a failed
        // checkpoint write then fails the append with nothing written, never after it.
        if (options.leaderEpoch > this.epochCache.latestEpoch) await this.epochCache.assign(options.leaderEpoch, a.result.baseOffset);
        const rolling = this.maybeRoll(batches.length, a.maxTimestamp, a.result.lastOffset);
        if (rolling) await rolling;
        await this.activeSegment.append(batches, a.appended);
      } catch (err) {
        throw this.ioError('append to', err);
      }
      this.producers.commit(producers);
      return {result: a.result, durable: this.appended(a.result.lastOffset + 1n, a.records)};
    });
    if (durable) await durable;
    return result;
  }

  /**
   * append() done without yielding, or undefined (nothing done) when it would have to wait: the log
   * is busy or not writable, the leader epoch is new, the segment must roll, an index entry is due,
   * the write is too big to make synchronously, or the flush policy wants an fsync before the
   * answer. A Produce to thousands of partitions then costs no promise per partition.
   */
  tryAppendNow(batches: Buffer, options: {leaderEpoch: number}): AppendResult | undefined {
    if (this.prepared || !this.lock.idle || this.offline || this.closed || options.leaderEpoch > this.epochCache.latestEpoch) return undefined;
    if (isOneBatch(batches) && this.config.messageTimestampType !== 'LogAppendTime') return this.tryAppendBatchNow(batches, options.leaderEpoch);
    const parsed = this.parseForAppend(batches);
    let records = 0;
    for (const b of parsed) records += b.recordCount;
    if (this.unflushedMessages + records >= this.config.flushMessages) return undefined;
    const a = assignOffsets(batches, parsed, {nextOffset: this._logEndOffset, leaderEpoch: options.leaderEpoch, logStartOffset: this._logStartOffset,
      appendTime: this.config.messageTimestampType === 'LogAppendTime' ? BigInt(this.now()) : -1n});
    const check = {messagesSize: batches.length, maxTimestamp: a.maxTimestamp, maxOffset: a.result.lastOffset, now: this.now(),
      segmentBytes: this.config.segmentBytes, segmentMs: this.config.segmentMs};
    if (this.activeSegment.shouldRollNow(check) !== false) return undefined;
    const producers = this.producers.check(batches, a.appended);
    if (producers?.duplicate) return duplicateResult(producers.duplicate, this._logStartOffset);
    if (producers && this.producers.snapshotDue) return undefined;
    try {
      if (!this.activeSegment.appendNow(batches, a.appended)) return undefined;
    } catch (err) {
      throw this.ioError('append to', err);
    }
    this.producers.commit(producers);
    this.appended(a.result.lastOffset + 1n, a.records);
    return a.result;
  }

  /**
   * tryAppendNow for a round of appends whose file writes are made together (append-round.ts):
   * the append prepared but not written, or undefined when it cannot be split from its write (then
   * tryAppendNow). Until completePrepared or abandonPrepared, this log takes no other append.
   */
  prepareAppendNow(batch: Buffer, leaderEpoch: number): PreparedAppend | AppendResult | undefined {
    if (this.prepared || !this.lock.idle || this.offline || this.closed || leaderEpoch > this.epochCache.latestEpoch) return undefined;
    if (!isOneBatch(batch) || this.config.messageTimestampType === 'LogAppendTime') return undefined;
    const p = this.prepareBatchNow(batch, leaderEpoch, true);
    if (p instanceof PreparedAppend) this.prepared = p;
    return p;
  }

  /** The write of a prepared append landed: the append is done. */
  completePrepared(p: PreparedAppend): AppendResult {
    this.prepared = undefined;
    return this.completeBatchNow(p);
  }

  /** The write of a prepared append failed (and left nothing behind): nothing is appended; the error to report. */
  abandonPrepared(cause: unknown): StorageError {
    this.prepared = undefined;
    return this.ioError('append to', cause);
  }

  /**
   * tryAppendNow of exactly one batch with CreateTime (what a Produce brings per partition): the
   * same steps without the per-batch arrays and objects of the general form, which a Produce to
   * thousands of partitions would otherwise allocate per partition.
   */
  private tryAppendBatchNow(batch: Buffer, leaderEpoch: number): AppendResult | undefined {
    const p = this.prepareBatchNow(batch, leaderEpoch, false);
    if (!(p instanceof PreparedAppend)) return p;
    try {
      if (!p.segment.writeAppendNow(batch, p.start)) return undefined;
    } catch (err) {
      throw this.ioError('append to', err);
    }
    return this.completeBatchNow(p);
  }

  /**
   * Everything of tryAppendBatchNow before its write: checks, the offsets and leader epoch set in
   * the batch. Changes nothing in the log. With `splitWrite`, also undefined when the write cannot
   * be made apart from the rest (an index entry is due, or the file has no descriptor for it).
   */
  private prepareBatchNow(batch: Buffer, leaderEpoch: number, splitWrite: boolean): PreparedAppend | AppendResult | undefined {
    if (batch.length > this.config.segmentBytes) {
      throw new RecordBatchTooLargeError(`a batch of ${batch.length} bytes exceeds segment.bytes ${this.config.segmentBytes} of ${this.topicPartition}`);
    }
    const records = batch.readInt32BE(OFFSET_RECORD_COUNT);
    if (this.unflushedMessages + records >= this.config.flushMessages) return undefined;
    const base = this._logEndOffset;
    const lastOffset = base + BigInt(batch.readInt32BE(OFFSET_LAST_OFFSET_DELTA));
    const maxTimestamp = readInt64(batch, OFFSET_MAX_TIMESTAMP);
    const segment = this.activeSegment;
    if (segment.rollNeededNow(batch.length, maxTimestamp, lastOffset, this.now(), this.config.segmentBytes, this.config.segmentMs) !== false) return undefined;
    const batches = [{position: 0, size: batch.length, lastOffset, maxTimestamp}];
    const start = segment.appendStartNow(batches);
    if (start < 0) return undefined;
    const fd = splitWrite ? segment.writeDescriptor(batch.length) : undefined;
    if (splitWrite && (fd === undefined || segment.indexEntryDue(batches))) return undefined;
    // Batches without a producer id cost one field read here.
    const producers = hasProducerId(batch, 0) ? this.producers.checkOne(batch, lastOffset) : undefined;
    if (producers?.duplicate) return duplicateResult(producers.duplicate, this._logStartOffset);
    if (producers && this.producers.snapshotDue) return undefined;
    setBaseOffset(batch, 0, base);
    setPartitionLeaderEpoch(batch, 0, leaderEpoch);
    return new PreparedAppend(this, batch, segment, start, fd ?? -1, base, batches, records, producers);
  }

  /** After the write of a prepared one-batch append: the segment, producer state and log end move on. */
  private completeBatchNow(p: PreparedAppend): AppendResult {
    p.segment.completeAppendNow(p.start, p.batch, p.batches);
    this.producers.commit(p.producers);
    const {lastOffset} = p.batches[0]!;
    this.appended(lastOffset + 1n, p.records);
    return {baseOffset: p.base, lastOffset, logAppendTime: -1n, logStartOffset: this._logStartOffset};
  }

  /** Split an append into its batches, refusing one that could never fit a segment. */
  private parseForAppend(batches: Buffer): ParsedBatch[] {
    const parsed = parseAppendBatches(batches);
    if (batches.length > this.config.segmentBytes) {
      throw new RecordBatchTooLargeError(`a batch of ${batches.length} bytes exceeds segment.bytes ${this.config.segmentBytes} of ${this.topicPartition}`);
    }
    return parsed;
  }

  /** The batches are in the file: move the log end; the fsync to wait for if the flush policy asks for one. */
  private appended(next: bigint, records: number): Promise<void> | undefined {
    this.dirty.add(this.activeSegment);
    this._logEndOffset = next;
    this.unflushedMessages += records;
    if (this.unflushedMessages >= this.config.flushMessages) return this.waitForFlush(next);
    this.acknowledgedEnd = next;
    this.scheduleFlushTimer();
    return undefined;
  }

  /**
   * Whole batches from the one holding `fetchOffset` (found via the offset index), up to
   * `maxBytes` but at least one batch when `minOneBatch`. Empty at the log end offset.
   */
  async read(fetchOffset: bigint, maxBytes: number, options: {minOneBatch?: boolean; maxOffset?: bigint} = {}): Promise<Buffer> {
    this.checkReadable();
    const maxOffset = readLimit(this.topicPartition, fetchOffset, options.maxOffset, this._logStartOffset, this._logEndOffset);
    return maxOffset === undefined ? Buffer.alloc(0) : readSegments(this.segments, fetchOffset, maxBytes, {minOneBatch: options.minOneBatch ?? false, maxOffset});
  }

  /**
   * read() made synchronously (LogSegment.readNow), which a Fetch of many partitions tries first;
   * undefined, having read nothing, when the caller must use read(). Throws as read() rejects.
   */
  readNow(fetchOffset: bigint, maxBytes: number, options: Partial<FetchReadOptions> = {}): Buffer | undefined {
    this.checkReadable();
    const maxOffset = readLimit(this.topicPartition, fetchOffset, options.maxOffset, this._logStartOffset, this._logEndOffset);
    return maxOffset === undefined ? Buffer.alloc(0) : readSegmentsNow(this.segments, fetchOffset, maxBytes, {...options, minOneBatch: options.minOneBatch ?? false, maxOffset});
  }

  /**
   * Whether `offset` lies in an older segment than the high watermark (Kafka's
   * LogOffsetMetadata.onOlderSegment): a read from it stops at that segment's end, however much
   * data follows, so a fetch waiting for more bytes must be answered at once (DelayedFetch case F).
   */
  onOlderSegment(offset: bigint): boolean {
    return segmentIndexFor(this.segments, offset) < segmentIndexFor(this.segments, this.highWatermark);
  }

  /** First offset whose record timestamp >= `timestampMs`, via the time index; null if none. */
  async offsetForTimestamp(timestampMs: bigint): Promise<{offset: bigint; timestamp: bigint} | null> {
    this.checkReadable();
    return firstRecordAtOrAfter(this.segments, timestampMs, this._logStartOffset);
  }

  /** The record with the largest timestamp (Kafka's MAX_TIMESTAMP list offsets), null if none. */
  async maxTimestamp(): Promise<{offset: bigint; timestamp: bigint} | null> {
    this.checkReadable();
    return recordWithLargestTimestamp(this.segments, this._logStartOffset);
  }

  /** DeleteRecords: move the log start offset up to `offset` (-1 = high watermark); returns it. */
  async deleteRecordsBefore(offset: bigint): Promise<bigint> {
    const target = offset === -1n ? this.highWatermark : offset;
    if (target < 0n || target > this.highWatermark) {
      throw new OffsetOutOfRangeError(this.topicPartition, offset, this._logStartOffset, this.highWatermark);
    }
    await this.lock.run(async () => {
      this.checkReadable();
      if (target <= this._logStartOffset) return;
      await this.setLogStartOffset(target);
      await this.deleteSegmentsWhile(async (_s, next) => next !== undefined && next.baseOffset <= this._logStartOffset);
    });
    return this._logStartOffset;
  }

  updateConfig(config: Partial<LogConfig>): void {
    this.config = resolveLogConfig(this.config, config);
    for (const s of this.segments) s.updateOptions(segmentOptionsOf(this.config));
  }

  /** fsync everything appended so far. */
  async flush(): Promise<void> {
    this.checkReadable();
    await this.waitForFlush(this._logEndOffset);
  }

  /** Whether appends since the last fsync are only in the page cache. */
  get hasUnflushed(): boolean {
    return this._recoveryPoint < this._logEndOffset;
  }

  /** Offset of the end of `epoch` (OffsetForLeaderEpoch). */
  endOffsetForEpoch(epoch: number): {leaderEpoch: number; endOffset: bigint} {
    return this.epochCache.endOffsetFor(epoch, this._logEndOffset);
  }

  /**
   * Delete the oldest closed segments while `predicate` holds (never the active one), advancing
   * the log start offset. Returns how many were deleted. @internal for retention
   */
  deleteOldSegments(predicate: (segment: LogSegment, next: LogSegment | undefined) => Promise<boolean>): Promise<number> {
    return this.lock.run(async () => {
      this.checkReadable();
      return this.deleteSegmentsWhile(predicate);
    });
  }

  /** Forget idle producers (producer-state.ts), under the lock as appends check and commit. Returns how many. */
  removeExpiredProducers(expirationMs: number): Promise<number> {
    return this.lock.run(async () => (this.closed ? 0 : this.producers.state.removeExpiredProducers(this.now(), expirationMs)));
  }

  /** Run `work` with appends held off (the cleaner swaps segments under it). @internal */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.lock.run(async () => {
      this.checkReadable();
      return work();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (!this.offline) await this.flush().catch(() => {});
    await this.lock.run(async () => {
      if (!this.offline) await this.producers.maybeTakeSnapshot(this._logEndOffset, true).catch(() => {});
      if (!this.offline) await this.epochCache.close().catch(() => {});
      this.closed = true;
      if (this.flushTimer) clearTimeout(this.flushTimer);
      for (const s of this.segments) await s.close().catch(() => {});
      await this.removal.removeAll();
    });
  }

  /** Roll first if the append needs it; undefined (nothing to wait for) in the usual case. */
  private maybeRoll(messagesSize: number, maxTimestamp: bigint, maxOffset: bigint): Promise<void> | undefined {
    const check = {messagesSize, maxTimestamp, maxOffset, now: this.now(), segmentBytes: this.config.segmentBytes, segmentMs: this.config.segmentMs};
    // Decided without an await when the segment can say at once: a Produce may touch thousands of
    // partitions, and every await costs allocations the garbage collector then has to clear.
    const roll = this.activeSegment.shouldRollNow(check);
    return roll === false ? undefined : this.roll(check);
  }

  private async roll(check: RollCheck): Promise<void> {
    const active = this.activeSegment;
    if (!(await active.shouldRoll(check))) return;
    await active.onBecomeInactive();
    this.dirty.add(active);
    await this.producers.maybeTakeSnapshot(this._logEndOffset);
    this.segments.push(await LogSegment.create(this.fs, this.dir, this._logEndOffset, segmentOptionsOf(this.config), this.now()));
    // As Kafka does on roll: flush the closed segment in the background, so the recovery point
    // moves on and a crash never rescans more than the active segment.
    this.waitForFlush(this._logEndOffset).catch(() => {});
  }

  private async setLogStartOffset(offset: bigint): Promise<void> {
    this._logStartOffset = offset;
    await this.epochCache.truncateFromStart(offset);
    if (this.onLogStartOffsetChange) await this.onLogStartOffsetChange();
  }

  private async deleteSegmentsWhile(predicate: (segment: LogSegment, next: LogSegment | undefined) => Promise<boolean>): Promise<number> {
    let count = 0;
    while (this.segments.length > 1 && (await predicate(this.segments[0], this.segments[1]))) {
      const segment = this.segments.shift()!;
      count++;
      this.dirty.delete(segment);
      await segment.renameFiles('', DELETED_SUFFIX);
      await this.producers.segmentDeleted(segment.baseOffset);
      this.removal.schedule(segment, this.config.fileDeleteDelayMs);
    }
    if (count > 0 && this.segments[0].baseOffset > this._logStartOffset) await this.setLogStartOffset(this.segments[0].baseOffset);
    return count;
  }

  /**
   * Replace a closed segment by its compacted rewrite (same base offset, files already swapped
   * on disk). Caller holds `exclusive`. @internal for the cleaner
   */
  swapSegment(old: LogSegment, fresh: LogSegment): void {
    const i = this.segments.indexOf(old);
    if (i < 0 || i === this.segments.length - 1) throw new Error(`segment ${old.baseOffset} of ${this.topicPartition} is not a closed segment`);
    this.segments[i] = fresh;
    this.dirty.delete(old);
    this.removal.schedule(old, this.config.fileDeleteDelayMs, false);
  }

  private waitForFlush(endOffset: bigint): Promise<void> {
    if (this.offline) return Promise.reject(this.offline);
    return this.groupCommit.wait(endOffset);
  }

  private scheduleFlushTimer(): void {
    if (this.flushTimer || this.config.flushMs >= NEVER_MS) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.waitForFlush(this._logEndOffset).catch(() => {});
    }, Math.min(this.config.flushMs, 2 ** 31 - 1));
    this.flushTimer.unref();
  }

  /** One group-commit round: fsync what was written before it began; returns the durable end. */
  private async flushRound(): Promise<bigint> {
    const target = this._logEndOffset;
    const messages = this.unflushedMessages;
    const segments = [...this.dirty];
    this.dirty.clear();
    // Indexes too, as Kafka's LogSegment.flush: recovery trusts the index entries below the
    // recovery point.
    for (const s of segments) await s.flush(true);
    if (target > this._recoveryPoint) this._recoveryPoint = target;
    this.unflushedMessages = Math.max(0, this.unflushedMessages - messages);
    return target;
  }

  /**
   * An fsync failed: what was written since the last good fsync may or may not be on disk. If
   * nothing after the recovery point was acknowledged yet, it is cut off and every waiter fails.
   * Otherwise (appends acknowledged without an fsync, flush.messages above 1) cutting it off would
   * lose acknowledged data, so the partition goes offline instead, as Kafka takes a log dir
   * offline; recovery on the next start keeps what reached the disk. If the cut fails too, the
   * log also goes offline.
   */
  private async rollBackUnflushed(cause: unknown): Promise<void> {
    await this.lock.run(async () => {
      const failed = this.groupCommit.takeAll();
      let error: StorageError;
      if (this.acknowledgedEnd > this._recoveryPoint) {
        error = this.ioError('fsync', cause, '; the partition is offline until the broker restarts');
        this.offline = error;
      } else {
        error = this.ioError('fsync', cause, ` (appends after offset ${this._recoveryPoint} were not acknowledged and are rolled back)`);
        try {
          await this.truncateTo(this._recoveryPoint);
          for (const s of this.segments) if (s.baseOffset >= this.segments[segmentIndexFor(this.segments, this._recoveryPoint)].baseOffset) await s.flush(true);
        } catch (err) {
          this.offline = this.ioError('roll back', err, '; the partition is offline until the broker restarts');
        }
      }
      this.unflushedMessages = 0;
      for (const w of failed) w.reject(error);
    });
  }

  /** Remove everything at or after `offset`. Runs under the lock. */
  private async truncateTo(offset: bigint): Promise<void> {
    if (offset >= this._logEndOffset) return;
    while (this.segments.length > 1 && this.activeSegment.baseOffset >= offset) {
      const dropped = this.segments.pop()!;
      this.dirty.delete(dropped);
      await dropped.close();
      await dropped.deleteFiles('');
    }
    const active = this.activeSegment;
    if (!active.isActive) await active.activate();
    await active.truncateTo(offset);
    this._logEndOffset = offset > active.baseOffset ? offset : active.baseOffset;
    this.dirty.add(active);
    await this.epochCache.truncateFromEnd(this._logEndOffset);
    await this.producers.load(this.segments, this._logEndOffset);
  }

  private checkReadable(): void {
    if (this.offline) throw this.offline;
    if (this.closed) throw new StorageError(`${this.topicPartition} is closed`);
  }

  private ioError(what: string, cause: unknown, suffix = ''): StorageError {
    if (cause instanceof StorageError) return cause;
    const msg = cause instanceof Error ? cause.message : String(cause);
    return new StorageError(`cannot ${what} ${this.topicPartition} in ${this.dir}: ${msg}${suffix}`, ErrorCode.KAFKA_STORAGE_ERROR, cause);
  }
}
