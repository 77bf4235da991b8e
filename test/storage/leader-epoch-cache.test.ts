/**
 * leader-epoch-checkpoint writes: the truncations made as a log loads stay in memory until the
 * next change or close (as Kafka's LogLoader defers them, KAFKA-15046), and a write that would
 * leave the file as it is is skipped; so a start no longer rewrites the checkpoint of every
 * empty partition twice.
 */
import {readFile, writeFile} from 'node:fs/promises';
import * as path from 'node:path';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {NodeFileSystem} from '../../src/storage/fs.js';
import {LeaderEpochCache} from '../../src/storage/leader-epoch-cache.js';
import {tempDir} from './helpers.js';

describe('LeaderEpochCache writes', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let fs: NodeFileSystem;
  let file: string;

  beforeEach(async () => {
    ({dir, cleanup} = await tempDir());
    fs = new NodeFileSystem();
    file = path.join(dir, 'leader-epoch-checkpoint');
  });
  afterEach(() => cleanup());

  it('truncates on load in memory only, and skips the write of what the file already holds', async () => {
    // An empty partition's checkpoint: epoch 0 from offset 0.
    await writeFile(file, '0\n1\n0 0\n');
    const cache = await LeaderEpochCache.load(fs, dir);
    const writes = vi.spyOn(fs, 'writeFileAtomic');
    cache.truncateOnLoad(0n, 0n);
    expect(cache.latestEpoch).toBe(-1);
    expect(await readFile(file, 'utf8')).toBe('0\n1\n0 0\n');
    // The broker assigns epoch 0 at the log end again: the file holds exactly that already.
    await cache.assign(0, 0n);
    await cache.close();
    expect(writes).not.toHaveBeenCalled();
    expect(cache.list()).toEqual([{epoch: 0, startOffset: 0n}]);
  });

  it('writes a load-time truncation at close, or with the next change', async () => {
    await writeFile(file, '0\n3\n0 0\n1 10\n2 20\n');
    const closed = await LeaderEpochCache.load(fs, dir);
    closed.truncateOnLoad(15n, 5n);
    expect(closed.list()).toEqual([{epoch: 0, startOffset: 5n}, {epoch: 1, startOffset: 10n}]);
    expect(await readFile(file, 'utf8')).toBe('0\n3\n0 0\n1 10\n2 20\n');
    await closed.close();
    expect(await readFile(file, 'utf8')).toBe('0\n2\n0 5\n1 10\n');

    await writeFile(file, '0\n3\n0 0\n1 10\n2 20\n');
    const changed = await LeaderEpochCache.load(fs, dir);
    changed.truncateOnLoad(15n, 0n);
    await changed.assign(3, 15n);
    expect(await readFile(file, 'utf8')).toBe('0\n3\n0 0\n1 10\n3 15\n');
    // A second load truncates again what a crash before the write left in the file.
    await writeFile(file, '0\n3\n0 0\n1 10\n2 20\n');
    const reloaded = await LeaderEpochCache.load(fs, dir);
    reloaded.truncateOnLoad(15n, 0n);
    expect(reloaded.list()).toEqual([{epoch: 0, startOffset: 0n}, {epoch: 1, startOffset: 10n}]);
  });

  it('still writes every change made while the log runs', async () => {
    await writeFile(file, '0\n1\n0 0\n');
    const cache = await LeaderEpochCache.load(fs, dir);
    await cache.assign(1, 7n);
    expect(await readFile(file, 'utf8')).toBe('0\n2\n0 0\n1 7\n');
    await cache.truncateFromEnd(7n);
    expect(await readFile(file, 'utf8')).toBe('0\n1\n0 0\n');
    await cache.truncateFromStart(3n);
    expect(await readFile(file, 'utf8')).toBe('0\n1\n0 3\n');
  });

  it('keeps latestEpoch the last entry\'s epoch through every change', async () => {
    expect(LeaderEpochCache.of(fs, dir, []).latestEpoch).toBe(-1);
    expect(LeaderEpochCache.of(fs, dir, [{epoch: 0, startOffset: 0n}, {epoch: 4, startOffset: 9n}]).latestEpoch).toBe(4);
    await writeFile(file, '0\n3\n0 0\n1 10\n2 20\n');
    const cache = await LeaderEpochCache.load(fs, dir);
    expect(cache.latestEpoch).toBe(2);
    await cache.assign(5, 30n);
    expect(cache.latestEpoch).toBe(5);
    // An assignment whose write fails is not kept, nor is its epoch the latest.
    vi.spyOn(fs, 'writeFileAtomic').mockRejectedValueOnce(new Error('ENOSPC'));
    await expect(cache.assign(6, 40n)).rejects.toThrow('ENOSPC');
    expect(cache.latestEpoch).toBe(5);
    await cache.truncateFromEnd(30n);
    expect(cache.latestEpoch).toBe(2);
    await cache.truncateFromStart(25n);
    expect(cache.list()).toEqual([{epoch: 2, startOffset: 25n}]);
    expect(cache.latestEpoch).toBe(2);
    await cache.truncateFromEnd(25n);
    expect(cache.latestEpoch).toBe(-1);
    cache.truncateOnLoad(0n, 0n);
    expect(cache.latestEpoch).toBe(-1);
    await cache.assign(7, 25n);
    expect(cache.latestEpoch).toBe(7);
  });
});
