import {readFile, readdir} from 'node:fs/promises';
import * as path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {decodeBatch, iterateBatches} from '../../src/records/batch.js';
import {CompressionType} from '../../src/records/batch-header.js';
import {LogManager} from '../../src/storage/log-manager.js';
import type {PartitionLog} from '../../src/storage/partition-log.js';
import {type TestRecord, batch, tempDir} from './helpers.js';

const TOPIC_ID = 'Yjwa-XTYSF28JSz9pdcuyw';
const HOUR = 3600 * 1000;

interface Seen {
  offset: bigint;
  key: string | null;
  value: string | null;
}

/**
 * Run the cleaner once everything is fsynced: it only cleans fsynced segments, and the fsync
 * each roll starts runs in the background.
 */
async function cleanFlushed(manager: LogManager) {
  for (const log of manager.logs()) await log.flush();
  return manager.runCleaner();
}

/** Every record from the log start to the end, across segments. */
async function readAll(log: PartitionLog): Promise<Seen[]> {
  const out: Seen[] = [];
  let next = log.logStartOffset;
  while (next < log.logEndOffset) {
    const data = await log.read(next, 1 << 24);
    if (data.length === 0) break;
    for (const e of iterateBatches(data)) {
      for (const r of (await decodeBatch(data, e.position)).records) {
        out.push({offset: r.offset, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null});
      }
      next = e.header.baseOffset + BigInt(e.header.lastOffsetDelta) + 1n;
    }
  }
  return out;
}

/** Encode the appends first so segment.bytes can be set to hold exactly one batch each. */
async function encodeAll(appends: TestRecord[][], compression?: CompressionType): Promise<{batches: Buffer[]; oneBatchSegment: number}> {
  const batches = await Promise.all(appends.map((records) => batch(records, {compression})));
  return {batches, oneBatchSegment: Math.max(...batches.map((b) => b.length))};
}

describe('log cleaner (compaction)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let clock: number;
  const now = () => clock;
  beforeEach(async () => {
    ({dir, cleanup} = await tempDir());
    clock = 1_700_000_000_000;
  });
  afterEach(async () => cleanup());

  it('keeps the last record per key in closed segments and drops tombstones older than delete.retention.ms', async () => {
    const old = clock - 2 * HOUR;
    const recent = clock - 1000;
    const {batches, oneBatchSegment} = await encodeAll([
      [{key: 'a', value: 'a1', timestamp: old}, {key: 'b', value: 'b1', timestamp: old}], // 0, 1
      [{key: 'c', value: 'c1', timestamp: old}, {key: 'a', value: 'a2', timestamp: old}], // 2, 3
      [{key: 'b', value: null, timestamp: old}], // 4: old tombstone
      [{key: 'c', value: null, timestamp: recent}], // 5: recent tombstone
      [{key: 'd', value: 'd1', timestamp: recent}, {key: null, value: 'no key', timestamp: recent}], // 6, 7
      [{key: 'a', value: 'a3', timestamp: recent}], // 8
      [{key: 'z', value: 'active', timestamp: recent}], // 9 (active segment)
    ], CompressionType.Gzip);
    const manager = await LogManager.open({dataDir: dir, now});
    const log = await manager.createLog('c', 0, TOPIC_ID, {
      cleanupPolicy: ['compact'], segmentBytes: oneBatchSegment, deleteRetentionMs: HOUR, minCleanableDirtyRatio: 0.1, fileDeleteDelayMs: 0,
    });
    for (const b of batches) await log.append(b, {leaderEpoch: 0});
    expect(log.segments.map((s) => s.baseOffset)).toEqual([0n, 2n, 4n, 5n, 6n, 8n, 9n]);
    expect((await readAll(log)).length).toBe(10);

    await cleanFlushed(manager);
    expect((await readAll(log)).map((r) => [r.offset, r.key, r.value])).toEqual([
      [5n, 'c', null],
      [6n, 'd', 'd1'],
      [8n, 'a', 'a3'],
      [9n, 'z', 'active'],
    ]);
    // Offsets never change; a partly kept batch keeps its base offset, last offset and codec.
    const dBatch = [...iterateBatches(await log.read(6n, 1 << 20))][0].header;
    expect(dBatch.baseOffset).toBe(6n);
    expect(dBatch.lastOffsetDelta).toBe(1);
    expect(dBatch.recordCount).toBe(1);
    expect(dBatch.attributes & 0x07).toBe(CompressionType.Gzip);
    expect(log.logEndOffset).toBe(10n);
    expect(await readFile(path.join(dir, 'cleaner-offset-checkpoint'), 'utf8')).toBe('0\n1\nc 0 9\n');
    expect((await readdir(path.join(dir, 'c-0'))).filter((f) => /swap|cleaned/.test(f))).toEqual([]);

    // Later the recent tombstone for c has aged past delete.retention.ms and goes too.
    clock += 2 * HOUR;
    await log.append(await batch([{key: 'e', value: 'e1', timestamp: clock}]), {leaderEpoch: 0});
    await cleanFlushed(manager);
    expect((await readAll(log)).map((r) => r.key)).toEqual(['d', 'a', 'z', 'e']);
    expect(await readFile(path.join(dir, 'cleaner-offset-checkpoint'), 'utf8')).toBe('0\n1\nc 0 10\n');

    // The compacted log survives a restart (indexes rebuilt from the swapped-in files).
    await manager.close();
    const reopened = await LogManager.open({dataDir: dir, now});
    expect((await readAll(reopened.getLog('c', 0)!)).map((r) => r.offset)).toEqual([6n, 8n, 9n, 10n]);
    await reopened.close();
  });

  it('respects min.compaction.lag.ms and min.cleanable.dirty.ratio', async () => {
    const record = (i: number) => [{key: 'k', value: `v${i}`, timestamp: clock}];
    const {oneBatchSegment} = await encodeAll([record(0)]);
    const manager = await LogManager.open({dataDir: dir, now});
    const log = await manager.createLog('c', 0, TOPIC_ID, {
      cleanupPolicy: ['compact'], segmentBytes: oneBatchSegment, minCompactionLagMs: HOUR, minCleanableDirtyRatio: 0.5, fileDeleteDelayMs: 0,
    });
    for (let i = 0; i < 6; i++) await log.append(await batch(record(i)), {leaderEpoch: 0});
    await cleanFlushed(manager);
    expect((await readAll(log)).length).toBe(6); // every segment is younger than the lag

    clock += 2 * HOUR;
    await cleanFlushed(manager);
    expect((await readAll(log)).map((r) => r.value)).toEqual(['v4', 'v5']);

    for (let i = 6; i < 8; i++) await log.append(await batch(record(i)), {leaderEpoch: 0});
    // Cleanable now: up to segment 5 (segment 6 is too young); dirty = segment 5, clean = segment 4: ratio 0.5.
    log.updateConfig({minCleanableDirtyRatio: 0.6});
    await cleanFlushed(manager);
    expect((await readAll(log)).map((r) => r.value)).toEqual(['v4', 'v5', 'v6', 'v7']);
    log.updateConfig({minCleanableDirtyRatio: 0.5});
    await cleanFlushed(manager);
    expect((await readAll(log)).map((r) => r.value)).toEqual(['v5', 'v6', 'v7']);
    await manager.close();
  });
});
