import {readdir} from 'node:fs/promises';
import * as path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {iterateBatches} from '../../src/records/batch.js';
import {LogManager} from '../../src/storage/log-manager.js';
import {sizedBatch, tempDir} from './helpers.js';

const TOPIC_ID = 'Yjwa-XTYSF28JSz9pdcuyw';
const DAY = 24 * 3600 * 1000;

describe('retention', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let clock: number;
  const now = () => clock;
  beforeEach(async () => {
    ({dir, cleanup} = await tempDir());
    clock = 1_700_000_000_000;
  });
  afterEach(async () => cleanup());

  async function logWithSegments(config: object, timestamps: number[]) {
    const manager = await LogManager.open({dataDir: dir, now});
    const size = (await sizedBatch(1, 100, 0)).length;
    const log = await manager.createLog('t', 0, TOPIC_ID, {segmentBytes: size * 2, fileDeleteDelayMs: 0, ...config});
    for (const ts of timestamps) await log.append(await sizedBatch(1, 100, ts), {leaderEpoch: 0});
    return {manager, log, size};
  }

  it('deletes closed segments whose largest timestamp is older than retention.ms, never the active one', async () => {
    const t0 = clock - 10 * DAY;
    const {manager, log} = await logWithSegments({retentionMs: 7 * DAY}, [t0, t0 + 1, t0 + 2 * DAY, t0 + 5 * DAY, t0, t0]);
    expect(log.segments.map((s) => s.baseOffset)).toEqual([0n, 2n, 4n]);
    await manager.runRetention();
    // Segment 0 (max t0+1) is 10 days old; segment 2 holds t0+5d (5 days old): it stays, and so
    // does everything after it even though segment 4 is old (deletion stops at the first keeper).
    expect(log.segments.map((s) => s.baseOffset)).toEqual([2n, 4n]);
    expect(log.logStartOffset).toBe(2n);
    clock += 6 * DAY;
    await manager.runRetention();
    expect(log.segments.map((s) => s.baseOffset)).toEqual([4n]);
    expect(log.logStartOffset).toBe(4n);
    await manager.runRetention();
    expect(log.segments.map((s) => s.baseOffset)).toEqual([4n]);
    expect([...iterateBatches(await log.read(4n, 1 << 20))].length).toBe(2);
    const files = await readdir(path.join(dir, 't-0'));
    expect(files.filter((f) => f.startsWith('0000000000000000000'))).toEqual(expect.arrayContaining(['00000000000000000004.log']));
    expect(files.some((f) => f.startsWith('00000000000000000000.') || f.startsWith('00000000000000000002.'))).toBe(false);
    await manager.close();
  });

  it('deletes the oldest segments while the log exceeds retention.bytes', async () => {
    const ts = clock;
    const size = (await sizedBatch(1, 100, 0)).length;
    const {manager, log} = await logWithSegments({retentionBytes: size * 3, retentionMs: -1}, [ts, ts, ts, ts, ts, ts, ts]);
    expect(log.segments.map((s) => s.baseOffset)).toEqual([0n, 2n, 4n, 6n]);
    expect(log.sizeInBytes).toBe(size * 7);
    await manager.runRetention();
    // 7 - 2 = 5 > 3, 5 - 2 = 3 >= 3: two segments go, the log keeps 3 batches.
    expect(log.segments.map((s) => s.baseOffset)).toEqual([4n, 6n]);
    expect(log.sizeInBytes).toBe(size * 3);
    expect(log.logStartOffset).toBe(4n);
    await manager.close();
  });

  it('renames deleted segments to .deleted and removes them after file.delete.delay.ms', async () => {
    const t0 = clock - 10 * DAY;
    const {manager, log} = await logWithSegments({retentionMs: DAY, fileDeleteDelayMs: 60_000}, [t0, t0, t0]);
    await manager.runRetention();
    expect(log.segments.map((s) => s.baseOffset)).toEqual([2n]);
    const files = (await readdir(path.join(dir, 't-0'))).filter((f) => f.startsWith('00000000000000000000'));
    expect(files.sort()).toEqual(['00000000000000000000.index.deleted', '00000000000000000000.log.deleted', '00000000000000000000.timeindex.deleted']);
    await manager.close();
    expect((await readdir(path.join(dir, 't-0'))).filter((f) => f.endsWith('.deleted'))).toEqual([]);
  });

  it('does nothing time- or size-based for compact-only topics', async () => {
    const t0 = clock - 10 * DAY;
    const {manager, log} = await logWithSegments({retentionMs: DAY, retentionBytes: 1, cleanupPolicy: ['compact']}, [t0, t0, t0]);
    await manager.runRetention();
    expect(log.segments.length).toBe(2);
    await manager.close();
  });
});
