import {readFile, stat, writeFile} from 'node:fs/promises';
import * as path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {NodeFileSystem} from '../../src/storage/fs.js';
import {CorruptIndexError} from '../../src/storage/index-file.js';
import {OffsetIndex} from '../../src/storage/offset-index.js';
import {TimeIndex} from '../../src/storage/time-index.js';
import {tempDir} from './helpers.js';

const MiB10 = 10 * 1024 * 1024;

describe('offset and time index files', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const fs = new NodeFileSystem();
  beforeEach(async () => ({dir, cleanup} = await tempDir()));
  afterEach(async () => cleanup());

  it('offset index: 8-byte big-endian (relative offset, position) entries, floor lookup', async () => {
    const file = path.join(dir, '00000000000000000100.index');
    const index = await OffsetIndex.open(fs, file, 100n, MiB10);
    await index.preallocate(MiB10);
    expect((await stat(file)).size).toBe(10485760);
    await index.append(110n, 4100);
    await index.append(125n, 8300);
    await expect(index.append(120n, 9000)).rejects.toThrow(/not after the last entry/);
    expect(index.lookup(99n)).toEqual({offset: 100n, position: 0});
    expect(index.lookup(110n)).toEqual({offset: 110n, position: 4100});
    expect(index.lookup(124n)).toEqual({offset: 110n, position: 4100});
    expect(index.lookup(1000n)).toEqual({offset: 125n, position: 8300});
    await index.trimToValidSize();
    await index.close();
    expect(await readFile(file)).toEqual(Buffer.from([0, 0, 0, 10, 0, 0, 0x10, 0x04, 0, 0, 0, 25, 0, 0, 0x20, 0x6c]));

    const reloaded = await OffsetIndex.open(fs, file, 100n, MiB10);
    expect(reloaded.entries).toBe(2);
    await reloaded.truncateTo(125n);
    expect(reloaded.entries).toBe(1);
    await reloaded.close();
    expect((await stat(file)).size).toBe(8);
  });

  it('time index: 12-byte (timestamp, relative offset) entries, only growing timestamps', async () => {
    const file = path.join(dir, '00000000000000000100.timeindex');
    const index = await TimeIndex.open(fs, file, 100n, MiB10);
    await index.preallocate(MiB10);
    expect((await stat(file)).size).toBe(10485756);
    await index.maybeAppend(1000n, 105n);
    await index.maybeAppend(1000n, 106n); // not larger: ignored
    await index.maybeAppend(2000n, 120n);
    expect(index.entries).toBe(2);
    expect(index.lookup(999n)).toEqual({timestamp: -1n, offset: 100n});
    expect(index.lookup(1500n)).toEqual({timestamp: 1000n, offset: 105n});
    await index.close();
    const bytes = await readFile(file);
    expect(bytes.subarray(0, 24)).toEqual(Buffer.from([0, 0, 0, 0, 0, 0, 0x03, 0xe8, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0x07, 0xd0, 0, 0, 0, 20]));
    // A preallocated, zero-filled tail reads as the end of the index.
    const reloaded = await TimeIndex.open(fs, file, 100n, MiB10);
    expect(reloaded.entries).toBe(2);
    expect(reloaded.lastEntry).toEqual({timestamp: 2000n, offset: 120n});
    await reloaded.close();
  });

  it('reports out-of-order garbage and sizes that are not whole entries as corrupt', async () => {
    const file = path.join(dir, '00000000000000000000.index');
    const bad = Buffer.alloc(24);
    bad.writeInt32BE(5, 0);
    bad.writeInt32BE(100, 4);
    bad.writeInt32BE(3, 8); // offset goes backwards
    bad.writeInt32BE(200, 12);
    await writeFile(file, bad);
    await expect(OffsetIndex.open(fs, file, 0n, MiB10)).rejects.toBeInstanceOf(CorruptIndexError);
    await writeFile(file, Buffer.alloc(13));
    await expect(OffsetIndex.open(fs, file, 0n, MiB10)).rejects.toThrow(/not a multiple/);
  });

  it('is full at segment.index.bytes / entry size (time index keeps one slot for the roll)', async () => {
    const index = await OffsetIndex.open(fs, path.join(dir, 'a.index'), 0n, 24);
    for (let i = 1; i <= 3; i++) await index.append(BigInt(i), i * 10);
    expect(index.isFull).toBe(true);
    await expect(index.append(4n, 40)).rejects.toThrow(/full/);
    await index.close();
    const time = await TimeIndex.open(fs, path.join(dir, 'a.timeindex'), 0n, 36);
    await time.maybeAppend(1n, 1n);
    await time.maybeAppend(2n, 2n);
    expect(time.isFull).toBe(true);
    await time.maybeAppend(3n, 3n, true);
    expect(time.entries).toBe(3);
    await time.close();
  });
});
