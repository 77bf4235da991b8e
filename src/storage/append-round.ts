/**
 * The appends of one Produce to many partitions, made in three steps so that their file writes can
 * be made together, split with the write thread (write-thread.ts): prepare each append (checks,
 * offsets; nothing changes in its log), make all the writes, then complete each append in order.
 * When the caller says how many writes to expect, each prepared append's write goes to the thread
 * as soon as it is prepared, so the thread writes while the event loop prepares the rest.
 * Everything happens in one synchronous call sequence, so nothing else sees a log between its
 * prepare and its completion, and a log takes no second append in between (the caller makes that
 * one with append(), which runs after the round).
 */
import {type AppendResult, PreparedAppend} from './append-result.js';
import type {PartitionLog} from './partition-log.js';
import {FAILED_ON_THREAD, type SharedWrite, type WriteJob, type WriteThread} from './write-thread.js';

/** Below this many writes, handing half of them to the other thread costs more than it saves. */
export const MIN_SHARED_WRITES = 128;

/** What a round expects at most: appends, and their bytes in all (the batches of the request). */
export interface ExpectedWrites {
  writes: number;
  bytes: number;
}

export class AppendRound {
  private readonly prepared: PreparedAppend[] = [];
  /** The thread's job when writes are handed over as they are prepared. */
  private readonly job: WriteJob | undefined;
  /** Per write of the job, in the order handed over: its index in `prepared`. */
  private readonly handed: number[] = [];
  /** Prepared appends whose write the job could not take (the staging buffer was full). */
  private readonly notHanded: number[] = [];

  /**
   * `completed` is told of each append done by finish(); `thread` is used when it is ready. With
   * `expected` (at least MIN_SHARED_WRITES), writes go to the thread as the appends are prepared.
   */
  constructor(private readonly thread: WriteThread | undefined, private readonly completed: (log: PartitionLog) => void, expected?: ExpectedWrites) {
    if (expected && expected.writes >= MIN_SHARED_WRITES) this.job = thread?.open(expected.writes, expected.bytes);
  }

  /**
   * Like PartitionLog.tryAppendNow: the result now, a PreparedAppend whose result (or error) is
   * there after finish(), or undefined when the append must wait (then append()).
   */
  add(log: PartitionLog, batch: Buffer, leaderEpoch: number): AppendResult | PreparedAppend | undefined {
    const p = log.prepareAppendNow(batch, leaderEpoch);
    if (p instanceof PreparedAppend) {
      const i = this.prepared.push(p) - 1;
      if (this.job) (this.job.add(p.fd, p.batch, p.start) ? this.handed : this.notHanded).push(i);
      return p;
    }
    if (p) return p;
    const now = log.tryAppendNow(batch, {leaderEpoch});
    if (now) this.completed(log);
    return now;
  }

  /** Make the writes, then complete (or fail) every prepared append, in the order they were added. */
  finish(): void {
    const prepared = this.prepared;
    const errors: unknown[] = new Array(prepared.length);
    const writeHere = (i: number) => {
      const p = prepared[i]!;
      try {
        if (!p.segment.writeAppendNow(p.batch, p.start)) errors[i] = new Error('the log file closed during the append');
      } catch (err) {
        errors[i] = err;
      }
    };
    if (this.job) {
      for (const i of this.notHanded) writeHere(i);
      const handed = this.handed;
      const outcome = this.job.close((k) => writeHere(handed[k]!));
      // What the other thread could not write is written here, which reports its error.
      for (let k = 0; k < handed.length; k++) if (outcome[k] === FAILED_ON_THREAD) writeHere(handed[k]!);
    } else if (this.thread?.ready && prepared.length >= MIN_SHARED_WRITES) {
      const writes: SharedWrite[] = prepared.map((p) => ({fd: p.fd, data: p.batch, position: p.start}));
      const outcome = this.thread.writeAll(writes, writeHere);
      // What the other thread could not write is written here, which reports its error.
      for (let i = 0; i < prepared.length; i++) if (outcome[i] === FAILED_ON_THREAD) writeHere(i);
    } else {
      for (let i = 0; i < prepared.length; i++) writeHere(i);
    }
    for (let i = 0; i < prepared.length; i++) {
      const p = prepared[i]!;
      if (errors[i] !== undefined) {
        p.error = p.log.abandonPrepared(errors[i]);
        continue;
      }
      try {
        p.result = p.log.completePrepared(p);
        this.completed(p.log);
      } catch (err) {
        p.error = err as Error;
      }
    }
    this.prepared.length = 0;
  }
}
