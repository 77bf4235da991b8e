import {appendFile, cp, readFile, stat, truncate, unlink, writeFile} from 'node:fs/promises';
import * as path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {iterateBatches} from '../../src/records/batch.js';
import {FaultyFileSystem} from '../../src/storage/fs.js';
import {LogManager} from '../../src/storage/log-manager.js';
import {sizedBatch, tempDir} from './helpers.js';

const TOPIC_ID = 'Yjwa-XTYSF28JSz9pdcuyw';
const SEG0 = '00000000000000000000';

/** Build a log of `n` batches and leave it as a crashed broker would (no close, no marker). */
async function crashedLog(dir: string, n: number, config = {}): Promise<{batchSize: number}> {
  const manager = await LogManager.open({dataDir: dir});
  const log = await manager.createLog('t', 0, TOPIC_ID, config);
  let size = 0;
  for (let i = 0; i < n; i++) {
    const b = await sizedBatch(2, 300, 1_700_000_000_000 + i);
    size = b.length;
    await log.append(b, {leaderEpoch: 0});
  }
  await manager.checkpoint();
  // Simulate kill -9: drop the manager without close(); file handles die with the "process".
  for (const l of manager.logs()) for (const s of l.segments) await s.close();
  return {batchSize: size};
}

async function offsetsOf(manager: LogManager): Promise<bigint[]> {
  const log = manager.getLog('t', 0)!;
  const out: bigint[] = [];
  let next = log.logStartOffset;
  while (next < log.logEndOffset) {
    const data = await log.read(next, 1 << 20);
    for (const e of iterateBatches(data)) {
      out.push(e.header.baseOffset);
      next = e.header.baseOffset + BigInt(e.header.lastOffsetDelta) + 1n;
    }
  }
  return out;
}

describe('recovery', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({dir, cleanup} = await tempDir()));
  afterEach(async () => cleanup());

  it('after a crash, rebuilds the index entries that were still waiting to be written (appended synchronously)', async () => {
    const live = path.join(dir, 'live');
    const crashed = path.join(dir, 'crashed');
    // An entry for every batch after the first (the config a reload applies too).
    const defaultConfig = {indexIntervalBytes: 1};
    const manager = await LogManager.open({dataDir: live, defaultConfig});
    try {
      const log = await manager.createLog('t', 0, TOPIC_ID);
      await log.append(await sizedBatch(2, 300), {leaderEpoch: 0});
      for (let i = 1; i < 10; i++) {
        const b = await sizedBatch(2, 300, 1_700_000_000_000 + i);
        expect(log.tryAppendNow(b, {leaderEpoch: 0})).toBeDefined();
      }
      const entries = log.activeSegment.loadedOffsetIndex!.entries;
      expect(entries).toBeGreaterThanOrEqual(9);
      // What kill -9 would leave: the files as they are now (the entries are in memory only).
      await cp(live, crashed, {recursive: true});
      const onDisk = await readFile(path.join(crashed, 't-0', `${SEG0}.index`));
      expect(onDisk.subarray(0, 8 * entries).every((b) => b === 0)).toBe(true);
      const reopened = await LogManager.open({dataDir: crashed, defaultConfig});
      try {
        const recovered = reopened.getLog('t', 0)!;
        expect(recovered.logEndOffset).toBe(20n);
        expect(recovered.activeSegment.loadedOffsetIndex!.entries).toBe(entries);
        expect(await offsetsOf(reopened)).toEqual(Array.from({length: 10}, (_, i) => BigInt(2 * i)));
      } finally {
        await reopened.close();
      }
    } finally {
      await manager.close();
    }
  });

  it('after a clean close scans nothing; after a crash only segments from the recovery point', async () => {
    const m1 = await LogManager.open({dataDir: dir});
    const b = await sizedBatch(1, 100);
    const log = await m1.createLog('t', 0, TOPIC_ID, {segmentBytes: b.length * 2});
    for (let i = 0; i < 6; i++) await log.append(Buffer.from(b), {leaderEpoch: 0});
    await m1.close();
    expect(await readFile(path.join(dir, '.kafka_cleanshutdown'))).toHaveLength(0);
    expect(await readFile(path.join(dir, 'recovery-point-offset-checkpoint'), 'utf8')).toBe('0\n1\nt 0 6\n');

    const m2 = await LogManager.open({dataDir: dir, defaultConfig: {segmentBytes: b.length * 2}});
    expect(m2.hadUncleanShutdown).toBe(false);
    expect(m2.getLog('t', 0)!.recoveredSegments).toBe(0);
    expect(m2.getLog('t', 0)!.logEndOffset).toBe(6n);
    // The marker is gone while running, so a crash now is unclean.
    await expect(stat(path.join(dir, '.kafka_cleanshutdown'))).rejects.toThrow();
    for (const l of m2.logs()) for (const s of l.segments) await s.close();

    const m3 = await LogManager.open({dataDir: dir});
    expect(m3.hadUncleanShutdown).toBe(true);
    // Recovery point 6 lies in the active segment (base 6): only it is scanned, not 0 and 2 and 4.
    expect(m3.getLog('t', 0)!.recoveredSegments).toBe(1);
    expect(await offsetsOf(m3)).toEqual([0n, 1n, 2n, 3n, 4n, 5n]);
    await m3.close();
  });

  it('truncates garbage appended after the last batch', async () => {
    await crashedLog(dir, 5);
    const file = path.join(dir, 't-0', `${SEG0}.log`);
    const good = (await stat(file)).size;
    await appendFile(file, Buffer.from('this is not a record batch, just torn garbage bytes from a crash'));
    await writeFile(path.join(dir, 'recovery-point-offset-checkpoint'), '0\n1\nt 0 0\n');
    const m = await LogManager.open({dataDir: dir});
    expect((await stat(file)).size).toBe(good);
    expect(m.getLog('t', 0)!.logEndOffset).toBe(10n);
    const r = await m.getLog('t', 0)!.append(await sizedBatch(1, 10), {leaderEpoch: 0});
    expect(r.baseOffset).toBe(10n);
    await m.close();
  });

  it('scans the active segment only from the recovery point, and rebuilds the index of that part', async () => {
    const m1 = await LogManager.open({dataDir: dir});
    // index.interval.bytes 0: an offset index entry for every batch after the first.
    const log = await m1.createLog('t', 0, TOPIC_ID, {indexIntervalBytes: 0});
    let batchSize = 0;
    for (let i = 0; i < 15; i++) {
      const b = await sizedBatch(2, 300, 1_700_000_000_000 + i);
      batchSize = b.length;
      await log.append(b, {leaderEpoch: 0});
      if (i === 9) await log.flush(); // recovery point 20: batches 0-9 are fsynced
    }
    await m1.checkpoint();
    expect(await readFile(path.join(dir, 'recovery-point-offset-checkpoint'), 'utf8')).toBe('0\n1\nt 0 20\n');
    for (const l of m1.logs()) for (const s of l.segments) await s.close(); // crash: no clean close

    const file = path.join(dir, 't-0', `${SEG0}.log`);
    const data = await readFile(file);
    // A flipped byte inside batch 3 (below the recovery point) is not looked at: those bytes were
    // fsynced, so they are trusted, as Kafka trusts the segments below its recovery point...
    data[batchSize * 3 + 100] ^= 0xff;
    // ...while a flipped byte inside batch 12 (after it) is found, and the log is cut there.
    data[batchSize * 12 + 100] ^= 0xff;
    await writeFile(file, data);

    const m2 = await LogManager.open({dataDir: dir});
    const again = m2.getLog('t', 0)!;
    expect(again.recoveredSegments).toBe(1);
    expect(again.logEndOffset).toBe(24n);
    expect((await stat(file)).size).toBe(batchSize * 12);
    expect(await offsetsOf(m2)).toEqual(Array.from({length: 12}, (_, i) => BigInt(i * 2)));
    // The index of the scanned part was rebuilt: a read from offset 22 starts at batch 11.
    const [first] = [...iterateBatches(await again.read(22n, 1 << 20))];
    expect(first!.header.baseOffset).toBe(22n);
    expect((await again.append(await sizedBatch(1, 10), {leaderEpoch: 0})).baseOffset).toBe(24n);
    await m2.close();
  });

  it('falls back to scanning the whole segment when the recovery point is not at a batch boundary', async () => {
    const {batchSize} = await crashedLog(dir, 5);
    const file = path.join(dir, 't-0', `${SEG0}.log`);
    const data = await readFile(file);
    data[batchSize * 1 + 100] ^= 0xff; // inside batch 1 (offsets 2-3)
    await writeFile(file, data);
    // Offset 7 lies inside batch 3 (offsets 6-7): no boundary there, so everything is checked.
    await writeFile(path.join(dir, 'recovery-point-offset-checkpoint'), '0\n1\nt 0 7\n');
    const m = await LogManager.open({dataDir: dir});
    expect(m.getLog('t', 0)!.logEndOffset).toBe(2n);
    expect(await offsetsOf(m)).toEqual([0n]);
    await m.close();
  });

  it('truncates a batch cut in the middle and one with a bad CRC', async () => {
    const {batchSize} = await crashedLog(dir, 5);
    const file = path.join(dir, 't-0', `${SEG0}.log`);
    await truncate(file, batchSize * 4 + 100);
    let m = await LogManager.open({dataDir: dir});
    expect(m.getLog('t', 0)!.logEndOffset).toBe(8n);
    expect((await stat(file)).size).toBe(batchSize * 4);
    for (const l of m.logs()) for (const s of l.segments) await s.close();

    // Flip one byte inside the records of the third batch: CRC32C no longer matches.
    const data = await readFile(file);
    data[batchSize * 2 + 100] ^= 0xff;
    await writeFile(file, data);
    await writeFile(path.join(dir, 'recovery-point-offset-checkpoint'), '0\n1\nt 0 0\n');
    m = await LogManager.open({dataDir: dir});
    expect(m.getLog('t', 0)!.logEndOffset).toBe(4n);
    expect(await offsetsOf(m)).toEqual([0n, 2n]);
    await m.close();
  });

  it('rebuilds a deleted offset index and a corrupt time index', async () => {
    const defaultConfig = {indexIntervalBytes: 1024};
    await crashedLog(dir, 40, defaultConfig);
    // Pretend the shutdown was clean so the index written by the appends is kept (and trimmed).
    await writeFile(path.join(dir, '.kafka_cleanshutdown'), '');
    const m1 = await LogManager.open({dataDir: dir, defaultConfig});
    expect(m1.getLog('t', 0)!.recoveredSegments).toBe(0);
    await m1.close();
    const index = path.join(dir, 't-0', `${SEG0}.index`);
    const timeIndex = path.join(dir, 't-0', `${SEG0}.timeindex`);
    const goodIndex = await readFile(index);
    expect(goodIndex.length).toBeGreaterThan(8 * 10);
    await unlink(index);
    const garbage = await readFile(timeIndex);
    const goodTimeIndex = Buffer.from(garbage);
    expect(garbage.length).toBeGreaterThan(12 * 10);
    garbage.fill(0x7f, 12, 24);
    await writeFile(timeIndex, garbage);

    const fs = new FaultyFileSystem();
    const m2 = await LogManager.open({dataDir: dir, fs, defaultConfig});
    const log = m2.getLog('t', 0)!;
    expect(log.logEndOffset).toBe(80n);
    expect([...iterateBatches(await log.read(41n, 1))].length).toBe(0);
    expect([...iterateBatches(await log.read(41n, 1, {minOneBatch: true}))][0].header.baseOffset).toBe(40n);
    expect(await log.offsetForTimestamp(0n)).toEqual({offset: 0n, timestamp: 1_700_000_000_000n});
    await m2.close();
    // The rebuilt index is byte-identical to the one written during appends.
    expect((await readFile(index)).equals(goodIndex)).toBe(true);
    expect((await readFile(timeIndex)).equals(goodTimeIndex)).toBe(true);
  });

  it('loads a zero-filled preallocated index as empty and still finds the end offset', async () => {
    await crashedLog(dir, 3);
    await writeFile(path.join(dir, 't-0', `${SEG0}.index`), Buffer.alloc(10485760));
    await writeFile(path.join(dir, 't-0', `${SEG0}.timeindex`), Buffer.alloc(10485756));
    await writeFile(path.join(dir, '.kafka_cleanshutdown'), '');
    const m = await LogManager.open({dataDir: dir});
    expect(m.getLog('t', 0)!.recoveredSegments).toBe(0);
    expect(m.getLog('t', 0)!.logEndOffset).toBe(6n);
    await m.close();
  });

  it('completes an interrupted compaction swap and drops leftover .cleaned and .deleted files', async () => {
    await crashedLog(dir, 2);
    const seg = path.join(dir, 't-0', SEG0);
    const original = await readFile(`${seg}.log`);
    const firstBatch = original.subarray(0, original.length / 2);
    await writeFile(`${seg}.log.swap`, firstBatch);
    await writeFile(path.join(dir, 't-0', '00000000000000000099.log.cleaned'), 'partial');
    await writeFile(path.join(dir, 't-0', '00000000000000000098.log.deleted'), 'old');
    await writeFile(path.join(dir, 'recovery-point-offset-checkpoint'), '0\n1\nt 0 4\n');
    await writeFile(path.join(dir, '.kafka_cleanshutdown'), '');
    const m = await LogManager.open({dataDir: dir});
    expect((await readFile(`${seg}.log`)).equals(firstBatch)).toBe(true);
    expect(m.getLog('t', 0)!.logEndOffset).toBe(2n);
    await m.close();
    const {readdir} = await import('node:fs/promises');
    expect((await readdir(path.join(dir, 't-0'))).filter((f) => /cleaned|deleted|swap/.test(f))).toEqual([]);
  });
});
