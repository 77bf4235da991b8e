import {readFile, readdir} from 'node:fs/promises';
import * as path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {decodeBatch, iterateBatches} from '../../src/records/batch.js';
import {OffsetOutOfRangeError, RecordBatchTooLargeError} from '../../src/storage/errors.js';
import {FaultyFileSystem} from '../../src/storage/fs.js';
import {handlePoolOf} from '../../src/storage/handle-pool.js';
import {LogManager} from '../../src/storage/log-manager.js';
import {batch, sizedBatch, tempDir} from './helpers.js';

const TOPIC_ID = 'Yjwa-XTYSF28JSz9pdcuyw';

describe('PartitionLog', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let clock: number;
  const now = () => clock;

  beforeEach(async () => {
    ({dir, cleanup} = await tempDir());
    clock = 1_700_000_000_000;
  });
  afterEach(async () => cleanup());

  it('assigns offsets, stamps the leader epoch and reads whole batches back', async () => {
    const manager = await LogManager.open({dataDir: dir, now});
    const log = await manager.createLog('orders', 0, TOPIC_ID);
    const r1 = await log.append(await batch([{key: 'a', value: '1'}, {key: 'b', value: '2'}]), {leaderEpoch: 0});
    const r2 = await log.append(await batch([{key: 'c', value: '3'}]), {leaderEpoch: 3});
    expect(r1).toEqual({baseOffset: 0n, lastOffset: 1n, logAppendTime: -1n, logStartOffset: 0n});
    expect(r2.baseOffset).toBe(2n);
    expect(log.logEndOffset).toBe(3n);
    expect(log.highWatermark).toBe(3n);

    const all = await log.read(0n, 1 << 20);
    const entries = [...iterateBatches(all)];
    expect(entries.map((e) => [e.header.baseOffset, e.header.partitionLeaderEpoch])).toEqual([[0n, 0], [2n, 3]]);
    const second = await decodeBatch(all, entries[1].position);
    expect(second.records[0].value?.toString()).toBe('3');
    // Reading from an offset inside a batch returns that whole batch.
    expect([...iterateBatches(await log.read(1n, 1 << 20))][0].header.baseOffset).toBe(0n);
    expect((await log.read(3n, 100)).length).toBe(0);
    await expect(log.read(4n, 100)).rejects.toBeInstanceOf(OffsetOutOfRangeError);
    // leader-epoch-checkpoint records where each epoch started.
    expect(await readFile(path.join(dir, 'orders-0', 'leader-epoch-checkpoint'), 'utf8')).toBe('0\n2\n0 0\n3 2\n');
    expect(log.endOffsetForEpoch(0)).toEqual({leaderEpoch: 0, endOffset: 2n});
    expect(await readFile(path.join(dir, 'orders-0', 'partition.metadata'), 'utf8')).toBe(`version: 0\ntopic_id: ${TOPIC_ID}`);
    await manager.close();
  });

  it('returns at least one batch with minOneBatch and cuts at whole batches otherwise', async () => {
    const manager = await LogManager.open({dataDir: dir, now});
    const log = await manager.createLog('t', 0, TOPIC_ID);
    const b = await sizedBatch(1, 500);
    await log.append(Buffer.from(b), {leaderEpoch: 0});
    await log.append(Buffer.from(b), {leaderEpoch: 0});
    expect((await log.read(0n, 10)).length).toBe(0);
    expect((await log.read(0n, 10, {minOneBatch: true})).length).toBe(b.length);
    expect((await log.read(0n, b.length * 2 - 1)).length).toBe(b.length);
    expect((await log.read(0n, 1 << 20, {maxOffset: 1n})).length).toBe(b.length);
    await manager.close();
  });

  it('stamps LogAppendTime from the injected clock', async () => {
    const manager = await LogManager.open({dataDir: dir, now});
    const log = await manager.createLog('t', 0, TOPIC_ID, {messageTimestampType: 'LogAppendTime'});
    clock = 1_800_000_000_000;
    const r = await log.append(await batch([{value: 'a', timestamp: 5}]), {leaderEpoch: 0});
    expect(r.logAppendTime).toBe(1_800_000_000_000n);
    const decoded = await decodeBatch(await log.read(0n, 1000));
    expect(decoded.records[0].timestamp).toBe(1_800_000_000_000n);
    await manager.close();
  });

  it('rolls a segment when the next batch would not fit segment.bytes', async () => {
    const manager = await LogManager.open({dataDir: dir, now});
    const b = await sizedBatch(1, 200);
    const log = await manager.createLog('t', 0, TOPIC_ID, {segmentBytes: b.length * 3});
    for (let i = 0; i < 7; i++) await log.append(Buffer.from(b), {leaderEpoch: 0});
    expect(log.segments.map((s) => s.baseOffset)).toEqual([0n, 3n, 6n]);
    const files = (await readdir(path.join(dir, 't-0'))).sort();
    expect(files).toEqual([
      '00000000000000000000.index', '00000000000000000000.log', '00000000000000000000.timeindex',
      '00000000000000000003.index', '00000000000000000003.log', '00000000000000000003.timeindex',
      '00000000000000000006.index', '00000000000000000006.log', '00000000000000000006.timeindex',
      'leader-epoch-checkpoint', 'partition.metadata',
    ]);
    // Rolled segments have trimmed indexes; the active one is preallocated to segment.index.bytes.
    const stat = async (f: string) => (await import('node:fs/promises')).stat(path.join(dir, 't-0', f));
    expect((await stat('00000000000000000000.index')).size).toBe(0);
    expect((await stat('00000000000000000000.timeindex')).size).toBe(12);
    expect((await stat('00000000000000000006.index')).size).toBe(10485760);
    expect((await stat('00000000000000000006.timeindex')).size).toBe(10485756);
    // Reads cross into later segments by offset.
    expect([...iterateBatches(await log.read(4n, 1 << 20))][0].header.baseOffset).toBe(4n);
    await expect(log.append(await sizedBatch(1, b.length * 4), {leaderEpoch: 0})).rejects.toBeInstanceOf(RecordBatchTooLargeError);
    await manager.close();
  });

  it('rolls by segment.ms measured from the first batch timestamp, or creation time without one', async () => {
    const manager = await LogManager.open({dataDir: dir, now});
    const log = await manager.createLog('t', 0, TOPIC_ID, {segmentMs: 1000});
    await log.append(await batch([{value: 'a', timestamp: 10_000}]), {leaderEpoch: 0});
    await log.append(await batch([{value: 'b', timestamp: 10_900}]), {leaderEpoch: 0});
    expect(log.segments.length).toBe(1);
    await log.append(await batch([{value: 'c', timestamp: 11_001}]), {leaderEpoch: 0});
    expect(log.segments.map((s) => s.baseOffset)).toEqual([0n, 2n]);

    const noTs = await manager.createLog('u', 0, TOPIC_ID, {segmentMs: 1000});
    await noTs.append(await batch([{value: 'a', timestamp: -1}]), {leaderEpoch: 0});
    clock += 999;
    await noTs.append(await batch([{value: 'b', timestamp: -1}]), {leaderEpoch: 0});
    expect(noTs.segments.length).toBe(1);
    clock += 2;
    await noTs.append(await batch([{value: 'c', timestamp: -1}]), {leaderEpoch: 0});
    expect(noTs.segments.length).toBe(2);
    await manager.close();
  });

  it('locates a read in the middle of a big log through the offset index', async () => {
    const fs = new FaultyFileSystem();
    const manager = await LogManager.open({dataDir: dir, now, fs});
    const log = await manager.createLog('big', 0, TOPIC_ID);
    const b = await sizedBatch(4, 240);
    for (let i = 0; i < 2000; i++) await log.append(Buffer.from(b), {leaderEpoch: 0});
    const logSize = log.sizeInBytes;
    expect(logSize).toBeGreaterThan(2_000_000);
    fs.resetReadCounters();
    const data = await log.read(4001n, b.length);
    expect([...iterateBatches(data)][0].header.baseOffset).toBe(4000n);
    const logBytesRead = fs.totalBytesRead((f) => f.endsWith('.log'));
    // One short scan from the floor index entry (index.interval.bytes apart) plus the batch itself.
    expect(logBytesRead).toBeLessThan(20 * 1024 + b.length);
    expect(logBytesRead).toBeGreaterThanOrEqual(b.length);
    await manager.close();
  });

  it('continues a sequential reader where its last read ended, reading only the batches it returns', async () => {
    const fs = new FaultyFileSystem();
    const manager = await LogManager.open({dataDir: dir, now, fs});
    const log = await manager.createLog('seq', 0, TOPIC_ID);
    const b = await sizedBatch(4, 240);
    for (let i = 0; i < 500; i++) await log.append(Buffer.from(b), {leaderEpoch: 0});
    let offset = 0n;
    let reads = 0;
    fs.resetReadCounters();
    while (offset < log.logEndOffset) {
      const data = await log.read(offset, 10 * b.length);
      const batches = [...iterateBatches(data)];
      expect(batches[0].header.baseOffset).toBe(offset);
      offset = batches[batches.length - 1].header.baseOffset + BigInt(batches[batches.length - 1].header.lastOffsetDelta) + 1n;
      reads++;
    }
    expect(offset).toBe(2000n);
    // Every byte once: no index lookups or scans after the first read.
    expect(fs.totalBytesRead((f) => f.endsWith('.log'))).toBeLessThanOrEqual(log.sizeInBytes + 16 * 1024);
    expect(reads).toBe(50);
    // A read that is not sequential still goes through the index and lands on the right batch.
    await log.deleteRecordsBefore(1000n);
    const again = await log.read(1000n, b.length);
    expect([...iterateBatches(again)][0].header.baseOffset).toBe(1000n);
    await manager.close();
  });

  it('appends without yielding when it can, with the same offsets and bytes as append()', async () => {
    const manager = await LogManager.open({dataDir: dir, now});
    const log = await manager.createLog('now', 0, TOPIC_ID, {indexIntervalBytes: 1024});
    const b = await sizedBatch(4, 100);
    const first = log.tryAppendNow(Buffer.from(b), {leaderEpoch: 0}); // epoch 0 is new: needs the checkpoint
    expect(first).toBeUndefined();
    expect(log.logEndOffset).toBe(0n);
    expect((await log.append(Buffer.from(b), {leaderEpoch: 0})).baseOffset).toBe(0n);
    const results = [];
    for (let i = 0; i < 20; i++) results.push(log.tryAppendNow(Buffer.from(b), {leaderEpoch: 0}) ?? (await log.append(Buffer.from(b), {leaderEpoch: 0})));
    expect(results.map((r) => r.baseOffset)).toEqual(Array.from({length: 20}, (_, i) => BigInt(4 + 4 * i)));
    expect(log.logEndOffset).toBe(84n);
    // All go the synchronous way while the index files are open, index entries included: the
    // same entries, at the same positions, as appends that all waited.
    const quick = await manager.createLog('now', 1, TOPIC_ID, {indexIntervalBytes: 1024});
    const waited = await manager.createLog('now', 2, TOPIC_ID, {indexIntervalBytes: 1024});
    await quick.append(Buffer.from(b), {leaderEpoch: 0});
    await waited.append(Buffer.from(b), {leaderEpoch: 0});
    let sync = 0;
    for (let i = 0; i < 20; i++) {
      if (quick.tryAppendNow(Buffer.from(b), {leaderEpoch: 0})) sync++;
      else await quick.append(Buffer.from(b), {leaderEpoch: 0});
      await waited.append(Buffer.from(b), {leaderEpoch: 0});
    }
    expect(sync).toBe(20);
    const read = [...iterateBatches(await log.read(0n, 1 << 20))];
    expect(read.map((e) => e.header.baseOffset)).toEqual(Array.from({length: 21}, (_, i) => BigInt(4 * i)));
    await manager.close();
    const indexFiles = async (p: number) => Promise.all(['index', 'timeindex'].map((ext) => readFile(path.join(dir, `now-${p}`, `00000000000000000000.${ext}`))));
    const [quickIndex, quickTimeIndex] = await indexFiles(1);
    const [waitedIndex, waitedTimeIndex] = await indexFiles(2);
    expect(quickIndex!.length).toBeGreaterThanOrEqual(8 * 5); // an entry every ~1024 bytes of 21 x ~500
    expect(quickIndex).toEqual(waitedIndex);
    expect(quickTimeIndex).toEqual(waitedTimeIndex);
    const reopened = await LogManager.open({dataDir: dir, now});
    expect(reopened.getLog('now', 0)!.logEndOffset).toBe(84n);
    expect((await reopened.getLog('now', 1)!.read(40n, 1 << 20)).readBigInt64BE(0)).toBe(40n); // located through the index
    await reopened.close();
  });

  it('waits for index files the descriptor pool closed when an index entry is due', async () => {
    const manager = await LogManager.open({dataDir: dir, now});
    const log = await manager.createLog('closed', 0, TOPIC_ID, {indexIntervalBytes: 1});
    const b = await sizedBatch(4, 100);
    await log.append(Buffer.from(b), {leaderEpoch: 0});
    // One descriptor for both index files: one of them is always closed.
    handlePoolOf(manager.fs).limit = 1;
    await log.append(Buffer.from(b), {leaderEpoch: 0});
    expect(log.tryAppendNow(Buffer.from(b), {leaderEpoch: 0})).toBeUndefined();
    expect(log.logEndOffset).toBe(8n);
    expect((await log.append(Buffer.from(b), {leaderEpoch: 0})).baseOffset).toBe(8n);
    await manager.close();
  });

  it('leaves an append to append() while the log is busy, a roll is due, the flush policy waits, or the file system cannot write at once', async () => {
    const b = await sizedBatch(4, 100);
    const fs = new FaultyFileSystem();
    const manager = await LogManager.open({dataDir: dir, now});
    const busy = await manager.createLog('busy', 0, TOPIC_ID);
    await busy.append(Buffer.from(b), {leaderEpoch: 0});
    const pending = busy.append(Buffer.from(b), {leaderEpoch: 0});
    expect(busy.tryAppendNow(Buffer.from(b), {leaderEpoch: 0})).toBeUndefined();
    await pending;
    const rolling = await manager.createLog('roll', 0, TOPIC_ID, {segmentBytes: b.length});
    await rolling.append(Buffer.from(b), {leaderEpoch: 0});
    expect(rolling.tryAppendNow(Buffer.from(b), {leaderEpoch: 0})).toBeUndefined();
    expect(rolling.segments).toHaveLength(1);
    const durable = await manager.createLog('durable', 0, TOPIC_ID, {flushMessages: 1});
    await durable.append(Buffer.from(b), {leaderEpoch: 0});
    expect(durable.tryAppendNow(Buffer.from(b), {leaderEpoch: 0})).toBeUndefined();
    expect(durable.logEndOffset).toBe(4n);
    await manager.close();
    const faulty = await LogManager.open({dataDir: dir, now, fs});
    const viaPool = await faulty.createLog('faulty', 0, TOPIC_ID);
    await viaPool.append(Buffer.from(b), {leaderEpoch: 0});
    expect(viaPool.tryAppendNow(Buffer.from(b), {leaderEpoch: 0})).toBeUndefined(); // fault injection needs write()
    await faulty.close();
  });

  it('finds offsets by timestamp through the time index, and the max timestamp', async () => {
    const manager = await LogManager.open({dataDir: dir, now});
    const log = await manager.createLog('t', 0, TOPIC_ID, {indexIntervalBytes: 100, segmentBytes: 2000});
    for (let i = 0; i < 50; i++) {
      await log.append(await batch([{value: `a${i}`, timestamp: 1000 + i * 10}, {value: `b${i}`, timestamp: 1005 + i * 10}]), {leaderEpoch: 0});
    }
    expect(log.segments.length).toBeGreaterThan(2);
    expect(await log.offsetForTimestamp(0n)).toEqual({offset: 0n, timestamp: 1000n});
    expect(await log.offsetForTimestamp(1003n)).toEqual({offset: 1n, timestamp: 1005n});
    expect(await log.offsetForTimestamp(1250n)).toEqual({offset: 50n, timestamp: 1250n});
    expect(await log.offsetForTimestamp(1251n)).toEqual({offset: 51n, timestamp: 1255n});
    expect(await log.offsetForTimestamp(1496n)).toBe(null);
    expect(await log.maxTimestamp()).toEqual({offset: 99n, timestamp: 1495n});
    await manager.close();
  });

  it('deleteRecordsBefore moves the log start offset and deletes whole segments below it', async () => {
    const manager = await LogManager.open({dataDir: dir, now});
    const b = await sizedBatch(1, 100);
    const log = await manager.createLog('t', 0, TOPIC_ID, {segmentBytes: b.length * 2, fileDeleteDelayMs: 0});
    for (let i = 0; i < 6; i++) await log.append(Buffer.from(b), {leaderEpoch: 0});
    expect(log.segments.map((s) => s.baseOffset)).toEqual([0n, 2n, 4n]);
    expect(await log.deleteRecordsBefore(3n)).toBe(3n);
    expect(log.logStartOffset).toBe(3n);
    expect(log.segments.map((s) => s.baseOffset)).toEqual([2n, 4n]);
    await expect(log.read(2n, 1000)).rejects.toBeInstanceOf(OffsetOutOfRangeError);
    expect([...iterateBatches(await log.read(3n, 1000))][0].header.baseOffset).toBe(3n);
    await expect(log.deleteRecordsBefore(7n)).rejects.toBeInstanceOf(OffsetOutOfRangeError);
    expect(await readFile(path.join(dir, 'log-start-offset-checkpoint'), 'utf8')).toBe('0\n1\nt 0 3\n');
    expect(await log.deleteRecordsBefore(-1n)).toBe(6n);
    await manager.close();
    const reopened = await LogManager.open({dataDir: dir, now});
    expect(reopened.getLog('t', 0)!.logStartOffset).toBe(6n);
    await reopened.close();
  });

  it('preallocates log files with preallocate=true and trims them on roll, close and crash recovery', async () => {
    const {stat, writeFile} = await import('node:fs/promises');
    const manager = await LogManager.open({dataDir: dir, now});
    const b = await sizedBatch(1, 100);
    const log = await manager.createLog('p', 0, TOPIC_ID, {preallocate: true, segmentBytes: b.length * 3});
    const first = path.join(dir, 'p-0', '00000000000000000000.log');
    expect((await stat(first)).size).toBe(b.length * 3);
    await log.append(Buffer.from(b), {leaderEpoch: 0});
    expect((await stat(first)).size).toBe(b.length * 3);
    expect((await log.read(0n, 1 << 20)).length).toBe(b.length);
    for (let i = 0; i < 3; i++) await log.append(Buffer.from(b), {leaderEpoch: 0});
    expect((await stat(first)).size).toBe(b.length * 3); // rolled: trimmed to its 3 batches
    const active = path.join(dir, 'p-0', '00000000000000000003.log');
    expect((await stat(active)).size).toBe(b.length * 3);
    // Crash with the zero-filled tail still there: recovery cuts it.
    for (const s of log.segments) await s.close();
    await writeFile(path.join(dir, 'recovery-point-offset-checkpoint'), '0\n1\np 0 3\n');
    const reopened = await LogManager.open({dataDir: dir, now});
    expect(reopened.getLog('p', 0)!.logEndOffset).toBe(4n);
    expect((await stat(active)).size).toBe(b.length);
    await reopened.close();
  });

  it('concurrent readers see only whole batches below the log end offset while appends, rolls and deletions run', async () => {
    const manager = await LogManager.open({dataDir: dir, now});
    const b = await sizedBatch(3, 150);
    const log = await manager.createLog('t', 0, TOPIC_ID, {segmentBytes: b.length * 4, fileDeleteDelayMs: 0});
    const appends = Array.from({length: 60}, () => log.append(Buffer.from(b), {leaderEpoch: 0}));
    let reads = 0;
    const reader = (async () => {
      while (log.logEndOffset < 180n) {
        const start = log.logStartOffset;
        const end = log.logEndOffset;
        const data = await log.read(start, 1 << 20).catch((err: unknown) => {
          // The start may move under us (deleteRecordsBefore below); anything else is a failure.
          if ((err as Error).name !== 'OffsetOutOfRangeError') throw err;
          return Buffer.alloc(0);
        });
        let size = 0;
        for (const e of iterateBatches(data)) {
          size += e.size;
          expect(e.header.baseOffset + BigInt(e.header.lastOffsetDelta)).toBeLessThan(log.logEndOffset);
          expect(e.header.baseOffset).toBeLessThan(end + 3n * 60n);
        }
        expect(size).toBe(data.length);
        reads++;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    await Promise.all(appends.slice(0, 30));
    await log.deleteRecordsBefore(50n);
    await Promise.all(appends);
    await reader;
    expect(reads).toBeGreaterThan(0);
    expect(log.logStartOffset).toBe(50n);
    expect(log.segments[0].baseOffset).toBe(48n);
    await manager.close();
  });

  it('rolls when an index is full', async () => {
    const manager = await LogManager.open({dataDir: dir, now});
    // 36 bytes: 4 offset entries, 3 time entries of which one is kept for the roll.
    const log = await manager.createLog('t', 0, TOPIC_ID, {segmentIndexBytes: 36, indexIntervalBytes: 0});
    for (let i = 0; i < 7; i++) await log.append(await batch([{value: `${i}`, timestamp: 1000 + i}]), {leaderEpoch: 0});
    // Entries for batches 1 and 2 fill the time index, so batch 3 starts a new segment.
    expect(log.segments.map((s) => s.baseOffset)).toEqual([0n, 3n, 6n]);
    const {stat} = await import('node:fs/promises');
    // The roll's final time entry is skipped: the max timestamp (1002) is already the last entry.
    expect((await stat(path.join(dir, 't-0', '00000000000000000000.timeindex'))).size).toBe(24);
    expect((await stat(path.join(dir, 't-0', '00000000000000000000.index'))).size).toBe(16);
    await manager.close();
  });
});
