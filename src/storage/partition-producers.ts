/**
 * The producer state of one partition log with its snapshot files (Kafka's ProducerStateManager
 * as UnifiedLog and LogLoader use it):
 * - appends: check() before the write, commit() after it (producer-state.ts has the rules);
 * - a snapshot at the new segment's base offset on roll and at the log end on close, when there is
 *   any producer; and an (empty) one before the first append with a producer id when the directory
 *   has none, so that after a crash the batches to replay always start at a snapshot;
 * - load: the latest snapshot at or below the log end plus the batches after it. A directory with
 *   no snapshot never had a producer id appended, so nothing is scanned for it;
 * - snapshots past the log end (cut off by a crash) and stray ones (not at a segment's base, but
 *   the latest) are deleted on load; a deleted segment's snapshot goes with it.
 */
import {OFFSET_ATTRIBUTES, OFFSET_MAGIC, ATTR_CONTROL} from '../records/batch-header.js';
import type {FileSystem} from './fs.js';
import {
  deleteProducerSnapshot, listSnapshotOffsets, readProducerSnapshot, writeProducerSnapshot,
} from './producer-snapshot.js';
import {type BatchMetadata, type ProducerAppend, ProducerStateManager, hasProducerId, incrementSequence} from './producer-state.js';
import type {LogSegment} from './segment.js';

/** Replay reads this much of a segment at a time. */
const REPLAY_READ_BYTES = 1024 * 1024;

export class PartitionProducers {
  readonly state: ProducerStateManager;
  /** Offset of the newest snapshot file; undefined when the directory has none. */
  private latestSnapshot: bigint | undefined;

  constructor(private readonly fs: FileSystem, private readonly dir: string, topicPartition: string) {
    this.state = new ProducerStateManager(topicPartition);
  }

  /** See ProducerStateManager.check; undefined when no batch has a producer id. */
  check(buf: Buffer, batches: ReadonlyArray<{position: number; lastOffset: bigint}>): ProducerAppend | undefined {
    return this.state.check(buf, batches);
  }

  /** check() of a single batch at position 0 that has a producer id. */
  checkOne(buf: Buffer, lastOffset: bigint): ProducerAppend {
    const r = this.state.checkBatch(buf, 0, lastOffset);
    return 'producerId' in r ? {duplicate: undefined, updates: [r]} : {duplicate: r, updates: []};
  }

  commit(append: ProducerAppend | undefined): void {
    if (append) this.state.commit(append.updates);
  }

  /** An append with producer ids must first write a snapshot (the directory has none). */
  get snapshotDue(): boolean {
    return this.latestSnapshot === undefined;
  }

  /** Write the snapshot of the state as of `offset` (the log end); fsynced when `sync` (see writeProducerSnapshot). */
  async takeSnapshot(offset: bigint, sync = false): Promise<void> {
    await writeProducerSnapshot(this.fs, this.dir, offset, this.state.entries(), sync);
    if (this.latestSnapshot === undefined || offset > this.latestSnapshot) this.latestSnapshot = offset;
  }

  /**
   * On roll and on close (`sync`): a snapshot at `offset` if none is there yet and any producer is
   * known or was (all expired: the empty snapshot keeps the older one from bringing them back).
   */
  async maybeTakeSnapshot(offset: bigint, sync = false): Promise<void> {
    if ((!this.state.isEmpty || this.latestSnapshot !== undefined) && this.latestSnapshot !== offset) await this.takeSnapshot(offset, sync);
  }

  /** A segment was deleted: its snapshot goes too (never the latest, which replay starts from). */
  async segmentDeleted(baseOffset: bigint): Promise<void> {
    if (baseOffset !== this.latestSnapshot) await deleteProducerSnapshot(this.fs, this.dir, baseOffset);
  }

  /**
   * Rebuild the state for a log of `segments` ending at `logEndOffset`: latest snapshot at or
   * below it, then the batches after it. Also after a truncation. `snapshotOffsets`: the
   * snapshot files when the caller has just listed the directory (start-up lists it once).
   */
  async load(segments: readonly LogSegment[], logEndOffset: bigint, snapshotOffsets?: bigint[]): Promise<void> {
    this.state.reset();
    const offsets = snapshotOffsets ?? await listSnapshotOffsets(this.fs, this.dir);
    const usable: bigint[] = [];
    for (const o of offsets) {
      if (o > logEndOffset) await deleteProducerSnapshot(this.fs, this.dir, o);
      else usable.push(o);
    }
    // The newest readable one; a corrupt snapshot is deleted and the one before it tried (Kafka's loadFromSnapshot).
    let latest: bigint | undefined;
    while (latest === undefined && usable.length > 0) {
      const o = usable.pop()!;
      try {
        this.state.reset(await readProducerSnapshot(this.fs, this.dir, o));
        latest = o;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== undefined) throw err;
        await deleteProducerSnapshot(this.fs, this.dir, o);
      }
    }
    // What is left is older than the latest: strays (not at a segment's base) go, as in Kafka's LogLoader.
    const bases = new Set(segments.map((s) => s.baseOffset));
    for (const o of usable) if (!bases.has(o)) await deleteProducerSnapshot(this.fs, this.dir, o);
    this.latestSnapshot = latest;
    let from: bigint;
    if (latest !== undefined) {
      from = latest;
    } else if (offsets.length > 0) {
      // Producers wrote here but no snapshot is usable: replay, as Kafka, from the last two segments.
      from = segments[Math.max(0, segments.length - 2)].baseOffset;
    } else {
      return;
    }
    if (from < logEndOffset) await this.replay(segments, from, logEndOffset);
  }

  /** Apply the batches in [from, to) to the state, without checks (Kafka's loadProducersFromRecords). */
  private async replay(segments: readonly LogSegment[], from: bigint, to: bigint): Promise<void> {
    let next = from;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i];
      const end = i + 1 < segments.length ? segments[i + 1].baseOffset : to;
      if (end <= next) continue;
      if (next < segment.baseOffset) next = segment.baseOffset;
      while (next < end) {
        const data = await segment.read(next, REPLAY_READ_BYTES, {minOneBatch: true, maxOffset: to});
        if (!data || data.length === 0) break;
        const after = this.replayBatches(data, next);
        if (after <= next) break;
        next = after;
      }
    }
  }

  /** Returns the offset after the last batch in `data`. */
  private replayBatches(data: Buffer, from: bigint): bigint {
    let next = from;
    for (let pos = 0; pos + 61 <= data.length;) {
      const size = data.readInt32BE(pos + 8) + 12;
      if (data.readInt8(pos + OFFSET_MAGIC) === 2) {
        const lastOffsetDelta = data.readInt32BE(pos + 23);
        const lastOffset = data.readBigInt64BE(pos) + BigInt(lastOffsetDelta);
        if (lastOffset >= from && hasProducerId(data, pos) && (data.readInt16BE(pos + OFFSET_ATTRIBUTES) & ATTR_CONTROL) === 0) {
          const firstSeq = data.readInt32BE(pos + 53);
          const batch: BatchMetadata = {
            firstSeq, lastSeq: incrementSequence(firstSeq, lastOffsetDelta), lastOffset, offsetDelta: lastOffsetDelta,
            timestamp: data.readBigInt64BE(pos + 35),
          };
          this.state.update(data.readBigInt64BE(pos + 43), data.readInt16BE(pos + 51), batch);
        }
        if (lastOffset + 1n > next) next = lastOffset + 1n;
      } else {
        const offset = data.readBigInt64BE(pos) + 1n;
        if (offset > next) next = offset;
      }
      pos += size;
    }
    return next;
  }
}
