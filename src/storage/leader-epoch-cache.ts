/**
 * The partition's leader epochs and the offset each started at (Kafka's LeaderEpochFileCache),
 * persisted to `leader-epoch-checkpoint` on every change. Used to answer OffsetForLeaderEpoch and
 * kept consistent when the log is truncated at either end.
 */
import * as path from 'node:path';
import {type EpochEntry, readEpochCheckpoint, writeEpochCheckpoint} from './checkpoints.js';
import {LEADER_EPOCH_CHECKPOINT} from './filenames.js';
import type {FileSystem} from './fs.js';

export class LeaderEpochCache {
  /** What the checkpoint file holds, when known: a write that would leave it the same is skipped. */
  private persisted: EpochEntry[] | undefined;
  /**
   * The last entry's epoch, or -1. Every Produce reads it for each partition, so it is kept as a
   * number: reading it from `entries` made V8 deoptimize the Produce path, since those arrays differ
   * in elements kind between partitions (map() builds packed or holey arrays depending on whether
   * it runs optimized).
   */
  private latest: number;

  private constructor(private readonly fs: FileSystem, private readonly file: string, private entries: EpochEntry[]) {
    this.latest = latestOf(entries);
  }

  static async load(fs: FileSystem, dir: string): Promise<LeaderEpochCache> {
    const file = path.join(dir, LEADER_EPOCH_CHECKPOINT);
    const cache = new LeaderEpochCache(fs, file, await readEpochCheckpoint(fs, file));
    cache.persisted = cache.list();
    return cache;
  }

  /** The cache of a new partition directory, whose checkpoint (if any) the caller writes. */
  static of(fs: FileSystem, dir: string, entries: EpochEntry[]): LeaderEpochCache {
    return new LeaderEpochCache(fs, path.join(dir, LEADER_EPOCH_CHECKPOINT), entries.map((e) => ({...e})));
  }

  get latestEpoch(): number {
    return this.latest;
  }

  list(): EpochEntry[] {
    return this.entries.map((e) => ({...e}));
  }

  /** Record that `epoch` starts at `startOffset`; ignored unless the epoch is newer. */
  async assign(epoch: number, startOffset: bigint): Promise<void> {
    if (epoch < 0 || epoch <= this.latestEpoch) return;
    this.entries.push({epoch, startOffset});
    this.latest = epoch;
    try {
      await this.persist();
    } catch (err) {
      // Not on disk, so not known: the next append retries instead of trusting memory.
      this.entries.pop();
      this.latest = latestOf(this.entries);
      throw err;
    }
  }

  /**
   * Kafka's endOffsetFor: for `epoch`, the start offset of the next larger epoch (or the log end
   * offset when it is the latest), with the largest known epoch <= the requested one.
   */
  endOffsetFor(epoch: number, logEndOffset: bigint): {leaderEpoch: number; endOffset: bigint} {
    if (this.entries.length === 0 || epoch < this.entries[0].epoch) return {leaderEpoch: -1, endOffset: -1n};
    if (epoch >= this.latestEpoch) return {leaderEpoch: this.latestEpoch, endOffset: logEndOffset};
    let i = this.entries.length - 1;
    while (this.entries[i].epoch > epoch) i--;
    return {leaderEpoch: this.entries[i].epoch, endOffset: this.entries[i + 1].startOffset};
  }

  /** Drop epochs starting at or after `endOffset` (the log was truncated there). */
  async truncateFromEnd(endOffset: bigint): Promise<void> {
    if (this.dropFromEnd(endOffset)) await this.persist();
  }

  /** The log now starts at `startOffset`: drop older epochs, moving the last one up to it. */
  async truncateFromStart(startOffset: bigint): Promise<void> {
    if (this.dropBeforeStart(startOffset)) await this.persist();
  }

  /**
   * As a log is loaded: both truncations to its offsets, in memory only, as Kafka's LogLoader
   * does them (truncateFromEndAsyncFlush, KAFKA-15046). The file is written at the next change
   * or at close(); until then it may still hold epochs the log no longer has, which the next load
   * truncates again. Writing at once cost a start with 1,000 partitions an atomic rewrite per empty
   * partition (its epoch 0 starts at its end offset 0), undone by the epoch assigned right after.
   */
  truncateOnLoad(endOffset: bigint, startOffset: bigint): void {
    this.dropFromEnd(endOffset);
    this.dropBeforeStart(startOffset);
  }

  /** Write what truncateOnLoad left only in memory; nothing when the file already holds it. */
  async close(): Promise<void> {
    await this.persist();
  }

  private dropFromEnd(endOffset: bigint): boolean {
    const kept = this.entries.filter((e) => e.startOffset < endOffset);
    if (kept.length === this.entries.length) return false;
    this.entries = kept;
    this.latest = latestOf(kept);
    return true;
  }

  private dropBeforeStart(startOffset: bigint): boolean {
    let firstKept = 0;
    while (firstKept + 1 < this.entries.length && this.entries[firstKept + 1].startOffset <= startOffset) firstKept++;
    const first = this.entries[firstKept];
    if (firstKept === 0 && (!first || first.startOffset >= startOffset)) return false;
    this.entries = this.entries.slice(firstKept);
    if (this.entries[0].startOffset < startOffset) this.entries[0] = {epoch: this.entries[0].epoch, startOffset};
    this.latest = latestOf(this.entries);
    return true;
  }

  private async persist(): Promise<void> {
    if (this.persisted && sameEntries(this.persisted, this.entries)) return;
    await writeEpochCheckpoint(this.fs, this.file, this.entries);
    this.persisted = this.list();
  }
}

function latestOf(entries: EpochEntry[]): number {
  return entries.length === 0 ? -1 : entries[entries.length - 1]!.epoch;
}

function sameEntries(a: EpochEntry[], b: EpochEntry[]): boolean {
  return a.length === b.length && a.every((e, i) => e.epoch === b[i]!.epoch && e.startOffset === b[i]!.startOffset);
}
