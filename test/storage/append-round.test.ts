import {readFile, stat} from 'node:fs/promises';
import * as path from 'node:path';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi} from 'vitest';
import {ErrorCode} from '../../src/protocol/error-codes.js';
import {iterateBatches} from '../../src/records/batch.js';
import {AppendRound, MIN_SHARED_WRITES} from '../../src/storage/append-round.js';
import {LogManager} from '../../src/storage/log-manager.js';
import {PreparedAppend} from '../../src/storage/append-result.js';
import type {PartitionLog} from '../../src/storage/partition-log.js';
import {FAILED_ON_THREAD, WriteThread} from '../../src/storage/write-thread.js';
import {batch as helperBatch, sizedBatch, tempDir} from './helpers.js';

const TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAQ';
const now = () => 1_700_000_000_000;

/** Copies of `batch` side by side in one buffer, as the batches of a large request frame arrive. */
function inFrame(batch: Buffer, count: number): Buffer[] {
  const frame = Buffer.alloc(batch.length * count + 16);
  return Array.from({length: count}, (_, i) => {
    const b = frame.subarray(16 + i * batch.length, 16 + (i + 1) * batch.length);
    batch.copy(b);
    return b;
  });
}

describe('AppendRound', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let manager: LogManager;
  let thread: WriteThread;
  let batch: Buffer;

  beforeAll(async () => {
    thread = new WriteThread();
    expect(await thread.whenReady()).toBe(true);
    batch = await sizedBatch(3, 50);
  });
  afterAll(() => thread.stop());

  beforeEach(async () => {
    ({dir, cleanup} = await tempDir());
    manager = await LogManager.open({dataDir: dir, now});
  });
  afterEach(async () => {
    await manager.close().catch(() => undefined);
    await cleanup();
  });

  /** `n` logs that already hold one batch (so leader epoch 0 is recorded and appends need not wait for it). */
  async function logs(n: number, config = {}): Promise<PartitionLog[]> {
    const out: PartitionLog[] = [];
    for (let p = 0; p < n; p++) {
      const log = await manager.createLog('round', p, TOPIC_ID, config);
      await log.append(Buffer.from(batch), {leaderEpoch: 0});
      out.push(log);
    }
    return out;
  }

  it('prepares every append, makes the writes on both threads, then completes them in order', async () => {
    const all = await logs(300);
    const completed: PartitionLog[] = [];
    const round = new AppendRound(thread, (log) => completed.push(log));
    const writeAll = vi.spyOn(thread, 'writeAll');
    const batches = inFrame(batch, all.length);
    const prepared = all.map((log, i) => round.add(log, batches[i]!, 0));
    for (const p of prepared) expect(p).toBeInstanceOf(PreparedAppend);
    // Nothing is appended before finish(): not even the log end moved.
    expect(all.every((log) => log.logEndOffset === 3n)).toBe(true);
    round.finish();
    expect(writeAll).toHaveBeenCalledTimes(1);
    expect(writeAll.mock.calls[0]![0]).toHaveLength(300);
    writeAll.mockRestore();
    expect(completed).toEqual(all);
    for (const [i, log] of all.entries()) {
      const p = prepared[i] as PreparedAppend;
      expect(p.error).toBeUndefined();
      expect(p.result).toMatchObject({baseOffset: 3n, lastOffset: 5n, logAppendTime: -1n});
      expect(log.logEndOffset).toBe(6n);
      const read = await log.read(3n, 1 << 20);
      expect([...iterateBatches(read)].map((e) => e.header.baseOffset)).toEqual([3n]);
      expect(read.subarray(12)).toEqual(batches[i]!.subarray(12)); // the same bytes after the base offset
    }
    await manager.close();
    // As written by the appends, and recovered as such.
    expect((await stat(path.join(dir, 'round-0', '00000000000000000000.log'))).size).toBe(2 * batch.length);
    const reopened = await LogManager.open({dataDir: dir, now});
    expect(reopened.getLog('round', 299)!.logEndOffset).toBe(6n);
    await reopened.close();
  });

  it('with the writes expected, hands each prepared write to the thread at once, before finish()', async () => {
    const all = await logs(200);
    const completed: PartitionLog[] = [];
    const batches = inFrame(batch, all.length);
    const round = new AppendRound(thread, (log) => completed.push(log), {writes: all.length, bytes: batch.length * all.length});
    const prepared = all.map((log, i) => round.add(log, batches[i]!, 0) as PreparedAppend);
    // The thread writes while this one goes on: the first partition's batch reaches its file before finish().
    const file = path.join(dir, 'round-0', '00000000000000000000.log');
    await vi.waitFor(async () => expect((await stat(file)).size).toBe(2 * batch.length));
    expect(all[0]!.logEndOffset).toBe(3n); // but the append is not complete yet
    round.finish();
    expect(completed).toEqual(all);
    for (const [i, log] of all.entries()) {
      expect(prepared[i]!.result).toMatchObject({baseOffset: 3n, lastOffset: 5n});
      expect(log.logEndOffset).toBe(6n);
      const read = await log.read(3n, 1 << 20);
      expect(read.subarray(12)).toEqual(batches[i]!.subarray(12));
    }
  });

  it('with a job, leaves a second append to the same partition to append(), after the first', async () => {
    const [log] = await logs(1);
    const round = new AppendRound(thread, () => undefined, {writes: MIN_SHARED_WRITES, bytes: MIN_SHARED_WRITES * batch.length});
    const first = round.add(log!, Buffer.from(batch), 0);
    expect(first).toBeInstanceOf(PreparedAppend);
    expect(round.add(log!, Buffer.from(batch), 0)).toBeUndefined();
    expect(log!.tryAppendNow(Buffer.from(batch), {leaderEpoch: 0})).toBeUndefined();
    round.finish();
    expect((first as PreparedAppend).result!.baseOffset).toBe(3n);
    expect((await log!.append(Buffer.from(batch), {leaderEpoch: 0})).baseOffset).toBe(6n);
  });

  /** The batches stored in `log`'s active segment file, as [base offset, record count]. */
  async function stored(log: PartitionLog): Promise<Array<[bigint, number]>> {
    const file = await readFile(path.join(dir, `${log.topic}-${log.partition}`, '00000000000000000000.log'));
    return [...iterateBatches(file)].map(({header}) => [header.baseOffset, header.recordCount]);
  }

  it('without a job, stacks appends to one partition behind each other and writes them in one call, completed in order', async () => {
    const [one, two] = await logs(2);
    const completed: PartitionLog[] = [];
    const round = new AppendRound(thread, (log) => completed.push(log));
    const writeMany = vi.spyOn(one!.activeSegment, 'writeAppendsNow');
    const added = [one, two, one, one].map((log) => round.add(log!, Buffer.from(batch), 0));
    for (const a of added) expect(a).toBeInstanceOf(PreparedAppend);
    // Nothing moves before finish(): a Fetch in between sees the log as it was.
    expect(one!.logEndOffset).toBe(3n);
    expect(one!.preparedAppends).toBe(3);
    round.finish();
    expect(writeMany).toHaveBeenCalledTimes(1);
    expect(writeMany.mock.calls[0]![0]).toHaveLength(3);
    expect(added.map((a) => (a as PreparedAppend).result!.baseOffset)).toEqual([3n, 3n, 6n, 9n]);
    expect(completed).toEqual([one, two, one, one]);
    expect(one!.logEndOffset).toBe(12n);
    expect(one!.preparedAppends).toBe(0);
    expect(await stored(one!)).toEqual([[0n, 3], [3n, 3], [6n, 3], [9n, 3]]);
    // And the log takes appends as usual afterwards.
    expect(one!.tryAppendNow(Buffer.from(batch), {leaderEpoch: 0})).toMatchObject({baseOffset: 12n});
  });

  it('stacks appends whose index entries fall due, and adds the entries as they complete', async () => {
    // An entry once more than 1.5 batches were appended since the last: the second stacked append gets one.
    const [log] = await logs(1, {indexIntervalBytes: Math.floor(batch.length * 1.5)});
    const round = new AppendRound(thread, () => undefined);
    const added = [0, 1, 2].map(() => round.add(log!, Buffer.from(batch), 0));
    for (const a of added) expect(a).toBeInstanceOf(PreparedAppend);
    round.finish();
    expect(added.map((a) => (a as PreparedAppend).result!.baseOffset)).toEqual([3n, 6n, 9n]);
    const index = log!.activeSegment.loadedOffsetIndex!;
    expect(index.lastEntry).toMatchObject({offset: 8n, position: 2 * batch.length}); // the batch at 6..8
    // A read from the entry's offset finds its batch there.
    const [first] = [...iterateBatches(await log!.read(6n, 10_000))];
    expect(first!.header.baseOffset).toBe(6n);
  });

  it('leaves to append() a batch with a producer id that would stack, and what comes after it', async () => {
    const [log] = await logs(1);
    const round = new AppendRound(thread, () => undefined);
    const first = round.add(log!, Buffer.from(batch), 0);
    const idempotent = await helperBatch([{value: 'x'}], {producerId: 42n, baseSequence: 0});
    expect(first).toBeInstanceOf(PreparedAppend);
    expect(round.add(log!, idempotent, 0)).toBeUndefined();
    // The caller appends it with append(), which holds the log until it is done: later appends wait for it.
    const later = log!.append(idempotent, {leaderEpoch: 0});
    expect(round.add(log!, Buffer.from(batch), 0)).toBeUndefined();
    const last = log!.append(Buffer.from(batch), {leaderEpoch: 0});
    round.finish();
    expect((first as PreparedAppend).result!.baseOffset).toBe(3n);
    expect((await later).baseOffset).toBe(6n);
    expect((await last).baseOffset).toBe(7n);
  });

  it('does not stack past segment.bytes: the append that needs a new segment is left to append()', async () => {
    const [log] = await logs(1, {segmentBytes: batch.length * 3});
    const round = new AppendRound(thread, () => undefined);
    const added = [round.add(log!, Buffer.from(batch), 0), round.add(log!, Buffer.from(batch), 0)];
    expect(added.every((a) => a instanceof PreparedAppend)).toBe(true);
    expect(round.add(log!, Buffer.from(batch), 0)).toBeUndefined();
    const rolled = log!.append(Buffer.from(batch), {leaderEpoch: 0});
    round.finish();
    expect((await rolled).baseOffset).toBe(9n);
    expect(log!.segments.map((s) => s.baseOffset)).toEqual([0n, 9n]);
  });

  it('fails every stacked append of a partition whose write failed, leaves nothing of them in the file, and takes the next append there', async () => {
    const [one, two] = await logs(2);
    const round = new AppendRound(thread, () => undefined);
    const segment = one!.activeSegment;
    const sizeBefore = (await stat(path.join(dir, 'round-0', '00000000000000000000.log'))).size;
    vi.spyOn(segment, 'writeAppendsNow').mockImplementationOnce(() => { throw Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC'}); });
    const added = [one, two, one].map((log) => round.add(log!, Buffer.from(batch), 0) as PreparedAppend);
    round.finish();
    expect(added[0]!.error!.message).toMatch(/cannot append to round-0 .*ENOSPC/);
    expect(added[2]!.error!.message).toMatch(/cannot append to round-0 .*ENOSPC/);
    expect(added[1]!.result!.baseOffset).toBe(3n);
    expect(one!.logEndOffset).toBe(3n);
    expect(one!.preparedAppends).toBe(0);
    expect((await stat(path.join(dir, 'round-0', '00000000000000000000.log'))).size).toBe(sizeBefore);
    expect(one!.tryAppendNow(Buffer.from(batch), {leaderEpoch: 0})).toMatchObject({baseOffset: 3n});
    expect(await stored(one!)).toEqual([[0n, 3], [3n, 3]]);
  });

  it('makes an append that adds index entries at once, without splitting it from its write', async () => {
    const [log] = await logs(1, {indexIntervalBytes: 1});
    const completed: PartitionLog[] = [];
    const round = new AppendRound(thread, (l) => completed.push(l));
    const result = round.add(log!, Buffer.from(batch), 0);
    expect(result).not.toBeInstanceOf(PreparedAppend);
    expect(result).toMatchObject({baseOffset: 3n});
    expect(log!.logEndOffset).toBe(6n);
    expect(completed).toEqual([log]);
    round.finish();
    expect(log!.activeSegment.loadedOffsetIndex!.lastEntry.offset).toBe(5n); // the entry for the batch at 3..5
    // Entries appended synchronously reach the file in groups, at the latest when the log closes (index-file.ts).
    await manager.close();
    const index = await readFile(path.join(dir, 'round-0', '00000000000000000000.index'));
    expect(index.readInt32BE(0)).toBe(5); // relative offset of the entry for the batch at 3..5
  });

  it.each([false, true])('fails only the partition whose write failed: nothing of it in the file, and it takes the next append (writes handed over as prepared: %s)', async (streamed) => {
    const all = await logs(200);
    // A thread that cannot write anything: every write comes back to this thread (handed over
    // as the appends are prepared, or all together at finish()).
    let handed = 0;
    const job = {add: () => { handed++; return true; }, close: () => new Uint8Array(handed).fill(FAILED_ON_THREAD)};
    const broken = {ready: true, open: () => job, writeAll: (writes: unknown[]) => new Uint8Array(writes.length).fill(FAILED_ON_THREAD)} as unknown as WriteThread;
    const round = new AppendRound(broken, () => undefined, streamed ? {writes: all.length, bytes: batch.length * all.length} : undefined);
    const victim = all[17]!;
    const segment = victim.segments.at(-1)!;
    vi.spyOn(segment, 'writeAppendNow').mockImplementationOnce(() => { throw Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC'}); });
    const prepared = inFrame(batch, all.length).map((b, i) => round.add(all[i]!, b, 0) as PreparedAppend);
    round.finish();
    expect(prepared[17]!.result).toBeUndefined();
    expect(prepared[17]!.error).toMatchObject({errorCode: ErrorCode.KAFKA_STORAGE_ERROR});
    expect(prepared[17]!.error!.message).toMatch(/cannot append to round-17 .*ENOSPC/);
    expect(victim.logEndOffset).toBe(3n);
    expect(prepared.filter((p) => p.result?.baseOffset === 3n)).toHaveLength(199);
    if (streamed) expect(handed).toBe(all.length);
    // Not stuck: the next append goes the quick way again, at the same position.
    expect(victim.tryAppendNow(Buffer.from(batch), {leaderEpoch: 0})).toMatchObject({baseOffset: 3n});
    expect((await victim.read(0n, 1 << 20)).length).toBe(2 * batch.length);
  });
});

describe('a write thread shared between LogManagers (the broker path warm-up borrows the broker\'s)', () => {
  it('is started by sharedWriteThread, writes the borrower\'s appends, and is stopped only by its owner', async () => {
    const owner = await tempDir();
    const borrowerDir = await tempDir();
    const manager = await LogManager.open({dataDir: owner.dir, now});
    try {
      const thread = manager.sharedWriteThread()!;
      expect(await thread.whenReady()).toBe(true);
      expect(manager.sharedWriteThread()).toBe(thread);
      const borrower = await LogManager.open({dataDir: borrowerDir.dir, now, writeThread: thread});
      const batch = await sizedBatch(2, 40);
      const logs: PartitionLog[] = [];
      for (let p = 0; p < 200; p++) {
        const log = await borrower.createLog('borrowed', p, TOPIC_ID, {});
        await log.append(Buffer.from(batch), {leaderEpoch: 0});
        logs.push(log);
      }
      const spy = vi.spyOn(thread, 'open');
      const round = borrower.startAppendRound(() => undefined, {writes: logs.length, bytes: logs.length * batch.length});
      const prepared = logs.map((log) => round.add(log, Buffer.from(batch), 0));
      round.finish();
      expect(spy).toHaveBeenCalledTimes(1);
      expect(prepared.every((p) => p instanceof PreparedAppend && p.result?.baseOffset === 2n)).toBe(true);
      await borrower.close();
      expect(thread.ready).toBe(true);
      await manager.close();
      expect(thread.ready).toBe(false);
    } finally {
      await manager.close().catch(() => undefined);
      await owner.cleanup();
      await borrowerDir.cleanup();
    }
  });
});
