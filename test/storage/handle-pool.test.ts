import {readFile, readdir, rename, stat} from 'node:fs/promises';
import * as path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {type FileHandle, type FileSystem, NodeFileSystem} from '../../src/storage/fs.js';
import {HandlePool, handlePoolOf} from '../../src/storage/handle-pool.js';
import {LogManager} from '../../src/storage/log-manager.js';
import {sizedBatch, tempDir} from './helpers.js';

const TOPIC_ID = 'Yjwa-XTYSF28JSz9pdcuyw';

/** Descriptors this process holds right now (Linux). */
async function openFds(): Promise<number> {
  return (await readdir('/proc/self/fd')).length;
}

/** Counts descriptors opened through it that are still open, and the most ever open at once. */
class CountingFileSystem extends NodeFileSystem {
  open_ = 0;
  peak = 0;

  override async open(file: string, options?: {create?: boolean}): Promise<FileHandle> {
    const inner = await super.open(file, options);
    this.open_++;
    this.peak = Math.max(this.peak, this.open_);
    const close = inner.close.bind(inner);
    inner.close = async () => {
      this.open_--;
      await close();
    };
    return inner;
  }
}

describe('HandlePool', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({dir, cleanup} = await tempDir()));
  afterEach(async () => cleanup());

  it('keeps at most `limit` idle descriptors open and reopens evicted handles on use', async () => {
    const fs = new CountingFileSystem();
    const pool = new HandlePool(fs, 3);
    const handles = Array.from({length: 10}, (_, i) => pool.handle(path.join(dir, `f${i}`), {create: true}));
    expect(fs.open_).toBe(0);
    for (const [i, h] of handles.entries()) await h.write(Buffer.from(`file ${i}`), 0);
    expect(fs.open_).toBe(3);
    expect(pool.openCount).toBe(3);
    // The oldest were closed; reading them opens them again and evicts others.
    const buf = Buffer.alloc(6);
    await handles[0].read(buf, 0, 6, 0);
    expect(buf.toString()).toBe('file 0');
    expect(fs.open_).toBe(3);
    for (const h of handles) await h.close();
    expect(fs.open_).toBe(0);
    expect(pool.openCount).toBe(0);
  });

  it('makes concurrent operations wait for a slot instead of opening more than the limit', async () => {
    const fs = new CountingFileSystem();
    const pool = new HandlePool(fs, 4);
    const handles = Array.from({length: 200}, (_, i) => pool.handle(path.join(dir, `f${i}`), {create: true}));
    await Promise.all(handles.map((h, i) => h.write(Buffer.alloc(4096, i % 256), 0)));
    expect(fs.peak).toBeLessThanOrEqual(4);
    expect((await stat(path.join(dir, 'f199'))).size).toBe(4096);
    await Promise.all(handles.map((h) => h.close()));
    expect(fs.open_).toBe(0);
  });

  it('pinned handles stay open outside the limit; unpinned they become evictable', async () => {
    const fs = new CountingFileSystem();
    const pool = new HandlePool(fs, 1);
    const pinned = await pool.open(path.join(dir, 'active'), {create: true, pin: true});
    const others = [pool.handle(path.join(dir, 'a'), {create: true}), pool.handle(path.join(dir, 'b'), {create: true})];
    for (const h of others) await h.write(Buffer.from('x'), 0);
    expect(pinned.isOpen).toBe(true);
    expect(fs.open_).toBe(2);
    pinned.unpin();
    await others[0].write(Buffer.from('y'), 0);
    expect(pinned.isOpen).toBe(false);
    await Promise.all([pinned.close(), ...others.map((h) => h.close())]);
    expect(fs.open_).toBe(0);
  });

  it('follows a renamed file when it has to reopen it', async () => {
    const pool = new HandlePool(new NodeFileSystem(), 1);
    const a = pool.handle(path.join(dir, 'a.log'), {create: true});
    await a.write(Buffer.from('kept'), 0);
    await pool.handle(path.join(dir, 'other'), {create: true}).write(Buffer.from('z'), 0);
    expect(a.isOpen).toBe(false);
    await rename(path.join(dir, 'a.log'), path.join(dir, 'a.log.deleted'));
    a.renamed(path.join(dir, 'a.log.deleted'));
    const buf = Buffer.alloc(4);
    await a.read(buf, 0, 4, 0);
    expect(buf.toString()).toBe('kept');
    await expect(readFile(path.join(dir, 'a.log'))).rejects.toThrow(/ENOENT/);
    await a.close();
  });
});

describe('open files per partition', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({dir, cleanup} = await tempDir()));
  afterEach(async () => cleanup());

  it('an idle partition holds one descriptor (its active log); indexes and closed segments share a bounded pool', async () => {
    const fs: FileSystem = new NodeFileSystem();
    const poolLimit = 16;
    handlePoolOf(fs).limit = poolLimit;
    const manager = await LogManager.open({dataDir: dir, fs, defaultConfig: {segmentBytes: 8 * 1024, indexIntervalBytes: 512, segmentIndexBytes: 4096, flushMessages: 1_000_000}});
    const partitions = 200;
    const before = await openFds();
    await Promise.all(Array.from({length: partitions}, (_, p) => manager.createLog('many', p, TOPIC_ID)));
    const created = (await openFds()) - before;
    // Three descriptors per partition (log, index, time index) would be 600.
    expect(created).toBeLessThanOrEqual(partitions + poolLimit + 4);
    expect(created).toBeGreaterThanOrEqual(partitions);

    // Enough data for index entries and a few rolled (closed) segments in every partition.
    const batch = await sizedBatch(10, 300);
    for (let round = 0; round < 4; round++) {
      await Promise.all(manager.logs().map((log) => log.append(Buffer.from(batch), {leaderEpoch: 0})));
    }
    expect(manager.logs().every((log) => log.segments.length > 1)).toBe(true);
    expect(manager.logs().every((log) => log.segments[0].size > 0)).toBe(true);
    const written = (await openFds()) - before;
    expect(written).toBeLessThanOrEqual(partitions + poolLimit + 4);

    // Reads through closed segments' indexes reopen them on demand and still find every batch.
    for (const log of manager.logs().slice(0, 20)) {
      expect((await log.read(0n, 1, {minOneBatch: true})).readBigInt64BE(0)).toBe(0n);
      expect((await log.read(log.segments[1].baseOffset, 1_000_000)).readBigInt64BE(0)).toBe(log.segments[1].baseOffset);
    }
    expect((await openFds()) - before).toBeLessThanOrEqual(partitions + poolLimit + 4);
    await manager.close();
    expect((await openFds()) - before).toBeLessThanOrEqual(4);
  });
});
