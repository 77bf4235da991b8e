import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {iterateBatches} from '../../src/records/batch.js';
import {StorageError} from '../../src/storage/errors.js';
import {FaultyFileSystem} from '../../src/storage/fs.js';
import {LogManager} from '../../src/storage/log-manager.js';
import {sizedBatch, tempDir} from './helpers.js';

const TOPIC_ID = 'Yjwa-XTYSF28JSz9pdcuyw';

describe('durability', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({dir, cleanup} = await tempDir()));
  afterEach(async () => cleanup());

  it('with flush.messages=1 fsyncs before acknowledging and shares one fsync among concurrent appends', async () => {
    const fs = new FaultyFileSystem();
    const manager = await LogManager.open({dataDir: dir, fs, defaultConfig: {flushMessages: 1}});
    const log = await manager.createLog('t', 0, TOPIC_ID);
    const b = await sizedBatch(1, 50);
    const logSyncs = () => fs.syncedFiles.filter((f) => f.endsWith('.log')).length;
    const before = logSyncs();
    await log.append(Buffer.from(b), {leaderEpoch: 0});
    expect(logSyncs() - before).toBe(1);
    expect(log.recoveryPoint).toBe(1n);

    // Hold the first fsync while 50 producers append: all of them must share at most two rounds.
    const start = logSyncs();
    const release = fs.pauseSyncs();
    let acked = 0;
    const appends = Array.from({length: 50}, () => log.append(Buffer.from(b), {leaderEpoch: 0}).then((r) => {
      acked++;
      return r;
    }));
    await log.exclusive(async () => {}); // queued behind every append's write
    expect(log.logEndOffset).toBe(51n);
    expect(acked).toBe(0); // written, but nobody is acknowledged before the fsync
    release();
    const results = await Promise.all(appends);
    expect(results.map((r) => r.baseOffset)).toEqual(Array.from({length: 50}, (_, i) => BigInt(i + 1)));
    const syncs = logSyncs() - start;
    expect(syncs).toBeGreaterThanOrEqual(1);
    expect(syncs).toBeLessThanOrEqual(2);
    expect(log.recoveryPoint).toBe(51n);
    await manager.close();
  });

  it('by default (Kafka\'s flush policy) acknowledges once written, without an fsync, and the data survives a crash', async () => {
    const fs = new FaultyFileSystem();
    const manager = await LogManager.open({dataDir: dir, fs});
    const log = await manager.createLog('t', 0, TOPIC_ID);
    const b = await sizedBatch(1, 50);
    const logSyncs = () => fs.syncedFiles.filter((f) => f.endsWith('.log')).length;
    for (let i = 0; i < 5; i++) await log.append(Buffer.from(b), {leaderEpoch: 0});
    expect(logSyncs()).toBe(0);
    expect(log.recoveryPoint).toBe(0n);
    expect(log.hasUnflushed).toBe(true);
    // No close: like kill -9, the bytes are only in the page cache. A fresh open recovers them all.
    const reopened = await LogManager.open({dataDir: dir});
    expect(reopened.hadUncleanShutdown).toBe(true);
    const data = await reopened.getLog('t', 0)!.read(0n, 1 << 20);
    expect([...iterateBatches(data)].map((e) => e.header.baseOffset)).toEqual([0n, 1n, 2n, 3n, 4n]);
    await reopened.close();
    await manager.close();
  });

  it('fsyncs a segment in the background when it rolls, moving the recovery point', async () => {
    const fs = new FaultyFileSystem();
    const b = await sizedBatch(1, 50);
    const manager = await LogManager.open({dataDir: dir, fs, defaultConfig: {segmentBytes: b.length}});
    const log = await manager.createLog('t', 0, TOPIC_ID);
    await log.append(Buffer.from(b), {leaderEpoch: 0});
    expect(log.recoveryPoint).toBe(0n);
    await log.append(Buffer.from(b), {leaderEpoch: 0}); // rolls: segment 0 is closed
    await log.exclusive(async () => {});
    await vi.waitFor(() => expect(log.recoveryPoint).toBe(1n)); // up to the new segment, as Kafka
    expect(fs.syncedFiles.some((f) => f.endsWith('00000000000000000000.log'))).toBe(true);
    await manager.close();
  });

  it('takes the partition offline, keeping the data, when an fsync fails after appends were acknowledged without one', async () => {
    const fs = new FaultyFileSystem();
    const manager = await LogManager.open({dataDir: dir, fs});
    const log = await manager.createLog('t', 0, TOPIC_ID);
    const b = await sizedBatch(1, 50);
    await log.append(Buffer.from(b), {leaderEpoch: 0});
    await log.append(Buffer.from(b), {leaderEpoch: 0});
    fs.failNextSync({match: (f) => f.endsWith('.log')});
    await expect(log.flush()).rejects.toThrow(/fsync.*offline/);
    expect(log.isOffline).toBe(true);
    await expect(log.append(Buffer.from(b), {leaderEpoch: 0})).rejects.toThrow(/offline/);
    await manager.close();
    const reopened = await LogManager.open({dataDir: dir});
    expect(reopened.getLog('t', 0)!.logEndOffset).toBe(2n); // both acknowledged appends are kept
    await reopened.close();
  });

  it('with flush.messages above 1 acknowledges without waiting and fsyncs once the count is reached', async () => {
    const fs = new FaultyFileSystem();
    const manager = await LogManager.open({dataDir: dir, fs, defaultConfig: {flushMessages: 3}});
    const log = await manager.createLog('t', 0, TOPIC_ID);
    const b = await sizedBatch(1, 50);
    const logSyncs = () => fs.syncedFiles.filter((f) => f.endsWith('.log')).length;
    await log.append(Buffer.from(b), {leaderEpoch: 0});
    await log.append(Buffer.from(b), {leaderEpoch: 0});
    expect(logSyncs()).toBe(0);
    expect(log.recoveryPoint).toBe(0n);
    await log.append(Buffer.from(b), {leaderEpoch: 0});
    expect(logSyncs()).toBe(1);
    expect(log.recoveryPoint).toBe(3n);
    await manager.close();
  });

  it('a failed fsync rejects the append, rolls back the unacknowledged data and keeps the log usable', async () => {
    const fs = new FaultyFileSystem();
    const manager = await LogManager.open({dataDir: dir, fs, defaultConfig: {flushMessages: 1}});
    const log = await manager.createLog('t', 0, TOPIC_ID);
    const b = await sizedBatch(1, 50);
    await log.append(Buffer.from(b), {leaderEpoch: 0});
    fs.failNextSync({match: (f) => f.endsWith('.log')});
    const err = await log.append(Buffer.from(b), {leaderEpoch: 0}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).errorCode).toBe(56);
    expect((err as Error).message).toMatch(/fsync/);
    expect(log.logEndOffset).toBe(1n);
    expect(log.sizeInBytes).toBe(b.length);
    const r = await log.append(Buffer.from(b), {leaderEpoch: 0});
    expect(r.baseOffset).toBe(1n);
    await manager.close();
    const reopened = await LogManager.open({dataDir: dir});
    const data = await reopened.getLog('t', 0)!.read(0n, 1 << 20);
    expect([...iterateBatches(data)].map((e) => e.header.baseOffset)).toEqual([0n, 1n]);
    await reopened.close();
  });

  it('a failed write (disk full after part of the bytes) leaves no partial batch behind', async () => {
    const fs = new FaultyFileSystem();
    const manager = await LogManager.open({dataDir: dir, fs});
    const log = await manager.createLog('t', 0, TOPIC_ID);
    const b = await sizedBatch(1, 50);
    await log.append(Buffer.from(b), {leaderEpoch: 0});
    const enospc = Object.assign(new Error('ENOSPC: no space left on device'), {code: 'ENOSPC'});
    fs.failNextWrite({error: enospc, partialBytes: 20, match: (f) => f.endsWith('.log')});
    await expect(log.append(Buffer.from(b), {leaderEpoch: 0})).rejects.toThrow(/no space left/);
    expect(log.logEndOffset).toBe(1n);
    expect((await log.append(Buffer.from(b), {leaderEpoch: 0})).baseOffset).toBe(1n);
    await manager.close();
    const {stat} = await import('node:fs/promises');
    expect((await stat(`${dir}/t-0/00000000000000000000.log`)).size).toBe(b.length * 2);
  });

  it('goes offline when the roll back cannot be made durable either, and the next open recovers', async () => {
    const fs = new FaultyFileSystem();
    const manager = await LogManager.open({dataDir: dir, fs, defaultConfig: {flushMessages: 1}});
    const log = await manager.createLog('t', 0, TOPIC_ID);
    const b = await sizedBatch(1, 50);
    await log.append(Buffer.from(b), {leaderEpoch: 0});
    fs.failNextSync({times: 2, match: (f) => f.endsWith('.log')});
    await expect(log.append(Buffer.from(b), {leaderEpoch: 0})).rejects.toThrow(/fsync/);
    expect(log.isOffline).toBe(true);
    await expect(log.append(Buffer.from(b), {leaderEpoch: 0})).rejects.toThrow(/offline/);
    await expect(log.read(0n, 100)).rejects.toThrow(/offline/);
    await manager.close();
    const {existsSync} = await import('node:fs');
    expect(existsSync(`${dir}/.kafka_cleanshutdown`)).toBe(false);
    const reopened = await LogManager.open({dataDir: dir});
    expect(reopened.hadUncleanShutdown).toBe(true);
    const again = reopened.getLog('t', 0)!;
    expect(again.logEndOffset).toBe(1n);
    expect((await again.append(Buffer.from(b), {leaderEpoch: 0})).baseOffset).toBe(1n);
    await reopened.close();
  });

  it('with flush.ms fsyncs unflushed appends once the interval has passed', async () => {
    const fs = new FaultyFileSystem();
    const manager = await LogManager.open({dataDir: dir, fs, defaultConfig: {flushMessages: 1_000_000, flushMs: 1000}});
    const log = await manager.createLog('t', 0, TOPIC_ID);
    const b = await sizedBatch(1, 50);
    const logSyncs = () => fs.syncAttempts.filter((f) => f.endsWith('.log')).length;
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout']});
    try {
      await log.append(Buffer.from(b), {leaderEpoch: 0});
      await log.append(Buffer.from(b), {leaderEpoch: 0});
      expect(log.recoveryPoint).toBe(0n);
      vi.advanceTimersByTime(999);
      await settle();
      expect(logSyncs()).toBe(0);
      vi.advanceTimersByTime(1);
      await settle();
      expect(logSyncs()).toBe(1);
    } finally {
      vi.useRealTimers();
    }
    await log.flush();
    expect(log.recoveryPoint).toBe(2n);
    await manager.close();
  });
});
