import {readFile, stat, writeFile} from 'node:fs/promises';
import * as path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {NodeFileSystem} from '../../src/storage/fs.js';
import {CorruptIndexError, PENDING_ENTRIES} from '../../src/storage/index-file.js';
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

  it('writes the entries appended synchronously PENDING_ENTRIES at a time, and the rest when synced, trimmed or closed', async () => {
    const file = path.join(dir, '00000000000000000000.index');
    const index = await OffsetIndex.open(fs, file, 0n, MiB10);
    await index.preallocate(MiB10);
    // Entries on disk: the leading ones that are not the preallocated zeros.
    const onDisk = async () => {
      const b = await readFile(file);
      let n = 0;
      while (n * 8 + 8 <= b.length && b.readBigInt64BE(n * 8) !== 0n) n++;
      return n;
    };
    let next = 1;
    const appendNow = (count: number) => {
      for (let i = 0; i < count; i++, next++) expect(index.appendNow(BigInt(next), next * 100)).toBe(true);
    };
    appendNow(PENDING_ENTRIES - 1);
    expect(index.entries).toBe(PENDING_ENTRIES - 1);
    expect(index.lookup(10n)).toEqual({offset: 10n, position: 1000});
    expect(await onDisk()).toBe(0);
    appendNow(1); // the 64th: all of them in one write
    expect(await onDisk()).toBe(PENDING_ENTRIES);
    appendNow(3);
    expect(await onDisk()).toBe(PENDING_ENTRIES);
    await index.sync();
    expect(await onDisk()).toBe(PENDING_ENTRIES + 3);
    // A truncation drops pending entries before they reach the file.
    appendNow(5);
    await index.truncateTo(BigInt(PENDING_ENTRIES + 6)); // keeps entries for offsets up to 69
    expect(index.entries).toBe(PENDING_ENTRIES + 5);
    await index.append(BigInt(next + 10), 99_000); // the async path writes the pending ones first
    appendNow(0);
    await index.trimToValidSize();
    await index.close();
    expect((await stat(file)).size).toBe((PENDING_ENTRIES + 6) * 8);
    const reloaded = await OffsetIndex.open(fs, file, 0n, MiB10);
    expect(reloaded.entries).toBe(PENDING_ENTRIES + 6);
    expect(reloaded.lookup(BigInt(PENDING_ENTRIES + 5))).toEqual({offset: BigInt(PENDING_ENTRIES + 5), position: (PENDING_ENTRIES + 5) * 100});
    expect(reloaded.lastEntry).toEqual({offset: BigInt(next + 10), position: 99_000});
    await reloaded.close();

    // Closing writes what is pending.
    const other = path.join(dir, '00000000000000001000.index');
    const second = await OffsetIndex.open(fs, other, 1000n, MiB10);
    await second.preallocate(MiB10);
    expect(second.appendNow(1001n, 10)).toBe(true);
    expect(second.appendNow(1002n, 20)).toBe(true);
    await second.close();
    expect((await readFile(other)).subarray(0, 16)).toEqual(Buffer.from([0, 0, 0, 1, 0, 0, 0, 10, 0, 0, 0, 2, 0, 0, 0, 20]));
  });

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

  it('loads files of every size, reading larger chunks as it goes, and stops at the preallocated zeros', async () => {
    // 30,000 offset entries (240,000 bytes) and 20,000 time entries: several reads of each size,
    // an entry at every chunk boundary, then the preallocated tail of zeros.
    const offsets = path.join(dir, '00000000000000000000.index');
    const entries = Buffer.alloc(30_000 * 8);
    for (let i = 0; i < 30_000; i++) {
      entries.writeInt32BE(i + 1, i * 8);
      entries.writeInt32BE((i + 1) * 10, i * 8 + 4);
    }
    await writeFile(offsets, Buffer.concat([entries, Buffer.alloc(8 * 1000)]));
    const index = await OffsetIndex.open(fs, offsets, 0n, MiB10);
    expect(index.entries).toBe(30_000);
    for (const i of [0, 510, 511, 512, 2558, 2559, 2560, 10_750, 29_999]) expect(index.lookup(BigInt(i + 1))).toEqual({offset: BigInt(i + 1), position: (i + 1) * 10});
    await index.close();

    const times = path.join(dir, '00000000000000000000.timeindex');
    const timeEntries = Buffer.alloc(20_000 * 12);
    for (let i = 0; i < 20_000; i++) {
      timeEntries.writeBigInt64BE(1_700_000_000_000n + BigInt(i), i * 12);
      timeEntries.writeInt32BE(i + 1, i * 12 + 8);
    }
    await writeFile(times, Buffer.concat([timeEntries, Buffer.alloc(12 * 500)]));
    const timeIndex = await TimeIndex.open(fs, times, 0n, MiB10);
    expect(timeIndex.entries).toBe(20_000);
    for (const i of [0, 340, 341, 342, 1704, 1705, 19_999]) expect(timeIndex.lookup(1_700_000_000_000n + BigInt(i))).toEqual({timestamp: 1_700_000_000_000n + BigInt(i), offset: BigInt(i + 1)});
    await timeIndex.close();
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
