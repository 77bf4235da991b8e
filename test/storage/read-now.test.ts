/**
 * PartitionLog.readNow: the synchronous read a Fetch tries first. It must answer exactly what
 * read() answers wherever it answers, and leave to read() what it cannot do at once.
 */
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {OffsetOutOfRangeError} from '../../src/storage/errors.js';
import {PooledHandle} from '../../src/storage/handle-pool.js';
import {LogManager} from '../../src/storage/log-manager.js';
import {batchesFrom, sizedBatch, tempDir} from './helpers.js';
import {mkdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {logDirName, segmentFileName} from '../../src/storage/filenames.js';

const TOPIC_ID = 'Yjwa-XTYSF28JSz9pdcuyw';

describe('PartitionLog.readNow', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let manager: LogManager;

  beforeEach(async () => {
    ({dir, cleanup} = await tempDir());
    manager = await LogManager.open({dataDir: dir, now: () => 1_700_000_000_000});
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await manager.close();
    await cleanup();
  });

  it('answers what read() answers, without the thread pool, across segments and index entries', async () => {
    // Small segments and a sparse index, so lookups start from index entries and cross segments.
    const log = await manager.createLog('t', 0, TOPIC_ID, {segmentBytes: 6000, indexIntervalBytes: 700});
    for (let i = 0; i < 60; i++) await log.append(await sizedBatch(1 + (i % 3), 40 + (i * 37) % 200), {leaderEpoch: 0});
    const end = log.logEndOffset;
    expect(log.segments.length).toBeGreaterThan(3);
    const asyncReads = vi.spyOn(PooledHandle.prototype, 'read');
    let compared = 0;
    for (let offset = 0n; offset <= end; offset += 7n) {
      for (const maxBytes of [0, 10, 300, 2000, 1 << 20]) {
        for (const minOneBatch of [false, true]) {
          for (const maxOffset of [undefined, offset + 5n]) {
            const options = {minOneBatch, maxOffset};
            asyncReads.mockClear();
            const now = log.readNow(offset, maxBytes, options);
            expect(asyncReads).not.toHaveBeenCalled();
            expect(now, `readNow(${offset}, ${maxBytes}, ${minOneBatch}, ${maxOffset})`).toBeInstanceOf(Buffer);
            const later = await log.read(offset, maxBytes, options);
            expect(Buffer.compare(now!, later), `readNow(${offset}, ${maxBytes}, ${minOneBatch}, ${maxOffset})`).toBe(0);
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(100);
    expect(() => log.readNow(end + 1n, 100)).toThrow(OffsetOutOfRangeError);
  });

  it('reads without a lookup from the segment start and where the previous read ended', async () => {
    const log = await manager.createLog('seq', 0, TOPIC_ID, {indexIntervalBytes: 100_000});
    // Batches above 2 KiB, which the segment's tail cache does not keep: every read is a file read.
    const b = await sizedBatch(2, 1100);
    expect(b.length).toBeGreaterThan(2048);
    for (let i = 0; i < 20; i++) await log.append(Buffer.from(b), {leaderEpoch: 0});
    const read = vi.spyOn(PooledHandle.prototype, 'readNow');
    // From the segment's base offset: its first batch, one read.
    expect(log.readNow(0n, b.length * 3)!.length).toBe(b.length * 3);
    expect(read).toHaveBeenCalledTimes(1);
    read.mockClear();
    // From offset 12, the 7th batch: the lookup (one read from the index entry), then the batches.
    const middle = log.readNow(12n, b.length * 3)!;
    expect(middle.readBigInt64BE(0)).toBe(12n);
    expect(read).toHaveBeenCalledTimes(2);
    read.mockClear();
    // Where that read ended is remembered: no lookup.
    expect(log.readNow(18n, b.length * 3)!.readBigInt64BE(0)).toBe(18n);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('leaves to read() what it cannot do at once: reads beyond 64 KiB, or batches past one lookup read', async () => {
    const log = await manager.createLog('big', 0, TOPIC_ID, {indexIntervalBytes: 1 << 30});
    const b = await sizedBatch(1, 1000);
    for (let i = 0; i < 100; i++) await log.append(Buffer.from(b), {leaderEpoch: 0});
    // 100 KiB asked and there: through the thread pool.
    expect(log.readNow(0n, 100 * 1024)).toBeUndefined();
    expect((await log.read(0n, 100 * 1024)).length).toBe(Math.floor(100 * 1024 / b.length) * b.length);
    // No index entry (the interval is never reached): offset 90 lies beyond the first 16 KiB of the segment.
    expect(log.readNow(90n, 5000)).toBeUndefined();
    expect((await log.read(90n, 5000)).length).toBe(Math.floor(5000 / b.length) * b.length);
    // Within the first 16 KiB it is found at once.
    expect(log.readNow(3n, 5000)!.length).toBe(Math.floor(5000 / b.length) * b.length);
    // At the log end, empty at once.
    expect(log.readNow(100n, 5000)!.length).toBe(0);
  });

  it('answers a consumer that keeps up from the segment\'s tail cache, with the bytes the file holds', async () => {
    const log = await manager.createLog('tail', 0, TOPIC_ID, {});
    const fileReads = [vi.spyOn(PooledHandle.prototype, 'readNow'), vi.spyOn(PooledHandle.prototype, 'read')];
    const cached = new Map<bigint, Buffer>();
    let synchronous = 0;
    for (let i = 0; i < 30; i++) {
      // Through both append paths: the synchronous one where it can be made, and the general one.
      const next = log.logEndOffset;
      const batch = await sizedBatch(1 + (i % 2), 20 + i * 3);
      if (i % 2 === 1 && log.tryAppendNow(batch, {leaderEpoch: 0}) !== undefined) synchronous++;
      else await log.append(batch, {leaderEpoch: 0});
      for (const spy of fileReads) spy.mockClear();
      const now = log.readNow(next, 1 << 20, {minOneBatch: true})!;
      const later = await log.read(next, 1 << 20, {minOneBatch: true});
      for (const spy of fileReads) expect(spy).not.toHaveBeenCalled();
      expect(now.readBigInt64BE(0)).toBe(next);
      expect(Buffer.compare(now, later)).toBe(0);
      cached.set(next, Buffer.from(now));
    }
    expect(synchronous).toBeGreaterThan(10);
    // What the cache answered is what the file holds: the same reads from the reopened log's files.
    await manager.close();
    manager = await LogManager.open({dataDir: dir, now: () => 1_700_000_000_000});
    const reopened = manager.getLog('tail', 0)!;
    for (const [offset, bytes] of cached) expect(Buffer.compare(await reopened.read(offset, bytes.length), bytes)).toBe(0);
  });

  it('reads batches whose offsets cross 2^53 exactly (offsets compared as doubles only below it)', async () => {
    // A segment as Kafka would have it that far on: batches of 1-3 records from 2^53 - 6 on.
    const base = (1n << 53n) - 6n;
    const {batches, lastOffsets} = await batchesFrom(base, 8, 30);
    const next = lastOffsets[lastOffsets.length - 1]! + 1n;
    const dirPath = join(dir, logDirName('far', 0));
    await mkdir(dirPath);
    await writeFile(join(dirPath, segmentFileName(base, 'log')), Buffer.concat(batches));
    await manager.close();
    manager = await LogManager.open({dataDir: dir, now: () => 1_700_000_000_000});
    const log = manager.getLog('far', 0)!;
    expect(log.logEndOffset).toBe(next);
    for (let offset = base; offset < next; offset++) {
      for (const maxOffset of [undefined, base + 4n, 1n << 53n, (1n << 53n) + 1n, next - 1n]) {
        const what = `read(${offset}, maxOffset ${maxOffset})`;
        if (maxOffset !== undefined && maxOffset <= offset) continue;
        // Whole batches from the one holding `offset`, none reaching maxOffset.
        const first = lastOffsets.findIndex((last) => last >= offset);
        let end = first;
        while (end < batches.length && (maxOffset === undefined || lastOffsets[end]! < maxOffset)) end++;
        const expected = Buffer.concat(batches.slice(first, end));
        const now = log.readNow(offset, 1 << 20, {minOneBatch: true, maxOffset});
        expect(Buffer.compare(now!, expected), what).toBe(0);
        expect(Buffer.compare(await log.read(offset, 1 << 20, {minOneBatch: true, maxOffset}), expected), what).toBe(0);
      }
    }
  });
});
