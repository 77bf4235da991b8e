import {readFile, stat} from 'node:fs/promises';
import * as path from 'node:path';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi} from 'vitest';
import {ErrorCode} from '../../src/protocol/error-codes.js';
import {iterateBatches} from '../../src/records/batch.js';
import {AppendRound} from '../../src/storage/append-round.js';
import {LogManager} from '../../src/storage/log-manager.js';
import {PreparedAppend} from '../../src/storage/append-result.js';
import type {PartitionLog} from '../../src/storage/partition-log.js';
import {FAILED_ON_THREAD, WriteThread} from '../../src/storage/write-thread.js';
import {sizedBatch, tempDir} from './helpers.js';

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

  it('leaves a second append to the same partition to append(), after the first', async () => {
    const [log] = await logs(1);
    const round = new AppendRound(thread, () => undefined);
    const first = round.add(log!, Buffer.from(batch), 0);
    expect(first).toBeInstanceOf(PreparedAppend);
    expect(round.add(log!, Buffer.from(batch), 0)).toBeUndefined();
    expect(log!.tryAppendNow(Buffer.from(batch), {leaderEpoch: 0})).toBeUndefined();
    round.finish();
    expect((first as PreparedAppend).result!.baseOffset).toBe(3n);
    expect((await log!.append(Buffer.from(batch), {leaderEpoch: 0})).baseOffset).toBe(6n);
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
