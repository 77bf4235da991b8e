/** Idempotent-producer state: Kafka's sequence rules, snapshots, and recovery after restarts and crashes. */
import {readdir, readFile, writeFile} from 'node:fs/promises';
import * as path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {ErrorCode} from '../../src/protocol/error-codes.js';
import {encodeBatch} from '../../src/records/batch.js';
import {parseProducerSnapshot} from '../../src/ops/dump/snapshot-dump.js';
import {FaultyFileSystem} from '../../src/storage/fs.js';
import {LogManager} from '../../src/storage/log-manager.js';
import type {PartitionLog} from '../../src/storage/partition-log.js';
import {decodeProducerSnapshot, encodeProducerSnapshot} from '../../src/storage/producer-snapshot.js';
import {ProducerStateManager, type ProducerAppend} from '../../src/storage/producer-state.js';
import {tempDir} from './helpers.js';

const TOPIC_ID = 'Yjwa-XTYSF28JSz9pdcuyw';
const MAX_SEQ = 2 ** 31 - 1;

/** An idempotent batch of `count` records. */
function pidBatch(producerId: bigint, epoch: number, baseSequence: number, count = 1, ts = 1_700_000_000_000): Promise<Buffer> {
  return encodeBatch({
    records: Array.from({length: count}, (_, i) => ({key: null, value: `v${baseSequence}-${i}`, timestamp: ts + i})),
    producerId, producerEpoch: epoch, baseSequence,
  });
}

/** Check and, if accepted, commit a batch to `state` as if appended at `baseOffset`. */
function appendTo(state: ProducerStateManager, buf: Buffer, baseOffset: bigint): ProducerAppend | undefined {
  const lastOffset = baseOffset + BigInt(buf.readInt32BE(23));
  const r = state.check(buf, [{position: 0, lastOffset}]);
  if (r && !r.duplicate) state.commit(r.updates);
  return r;
}

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    return (err as {errorCode?: number}).errorCode;
  }
  return undefined;
}

describe('ProducerStateManager: sequence rules', () => {
  it('finds a duplicate among the last 5 batches of the epoch, and only there', async () => {
    const s = new ProducerStateManager('t-0');
    for (let i = 0; i < 6; i++) expect(appendTo(s, await pidBatch(7n, 0, i * 2, 2), BigInt(i * 2))?.duplicate).toBeUndefined();
    // Batches 1..5 (sequences 2..11) are retained; batch 0 (sequences 0-1) is not.
    const dup = appendTo(s, await pidBatch(7n, 0, 4, 2), 100n);
    expect(dup?.duplicate).toMatchObject({firstSeq: 4, lastSeq: 5, lastOffset: 5n, offsetDelta: 1});
    expect(codeOf(() => appendTo(s, pidBatch0, 100n))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    // Same first sequence, different last: not a duplicate but out of order.
    expect(codeOf(() => s.check(batch3, [{position: 0, lastOffset: 100n}]))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  });

  let pidBatch0: Buffer;
  let batch3: Buffer;
  beforeEach(async () => {
    pidBatch0 = await pidBatch(7n, 0, 0, 2);
    batch3 = await pidBatch(7n, 0, 4, 3);
  });

  it('refuses a gap in sequence and accepts the next one', async () => {
    const s = new ProducerStateManager('t-0');
    appendTo(s, await pidBatch(1n, 0, 0, 3), 0n);
    expect(codeOf(() => appendTo(s, await0, 3n))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(appendTo(s, await pidBatch(1n, 0, 3), 3n)?.duplicate).toBeUndefined();
    expect(s.producers.get(1n)!.batches.at(-1)).toMatchObject({firstSeq: 3, lastSeq: 3, lastOffset: 3n});
  });
  let await0: Buffer;
  beforeEach(async () => {
    await0 = await pidBatch(1n, 0, 5);
  });

  it('fences an older epoch and wants sequence 0 from a new one', async () => {
    const s = new ProducerStateManager('t-0');
    appendTo(s, await pidBatch(2n, 3, 0, 2), 0n);
    expect(codeOf(() => appendTo(s, older, 2n))).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(codeOf(() => appendTo(s, newAt5, 2n))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(appendTo(s, newAt0, 2n)?.duplicate).toBeUndefined();
    // The new epoch forgot the old epoch's batches.
    expect(s.producers.get(2n)).toMatchObject({epoch: 4, batches: [{firstSeq: 0, lastSeq: 0, lastOffset: 2n}]});
  });
  let older: Buffer;
  let newAt5: Buffer;
  let newAt0: Buffer;
  beforeEach(async () => {
    older = await pidBatch(2n, 2, 2);
    newAt5 = await pidBatch(2n, 4, 5);
    newAt0 = await pidBatch(2n, 4, 0);
  });

  it('wraps sequences after 2^31-1', async () => {
    const s = new ProducerStateManager('t-0');
    // An unknown producer starts anywhere (KIP-360): here three records before the wrap.
    appendTo(s, await pidBatch(3n, 0, MAX_SEQ - 2, 3), 0n);
    expect(s.producers.get(3n)!.batches[0]).toMatchObject({firstSeq: MAX_SEQ - 2, lastSeq: MAX_SEQ});
    expect(appendTo(s, await pidBatch(3n, 0, 0, 2), 3n)?.duplicate).toBeUndefined();
    // A batch crossing the wrap ends at a small sequence.
    const s2 = new ProducerStateManager('t-0');
    appendTo(s2, await pidBatch(4n, 0, MAX_SEQ - 1, 4), 0n);
    expect(s2.producers.get(4n)!.batches[0]).toMatchObject({firstSeq: MAX_SEQ - 1, lastSeq: 1});
    expect(appendTo(s2, await pidBatch(4n, 0, MAX_SEQ - 1, 4), 9n)?.duplicate).toMatchObject({lastOffset: 3n});
    expect(appendTo(s2, await pidBatch(4n, 0, 2), 4n)?.duplicate).toBeUndefined();
  });

  it('accepts an unknown producer at any sequence, and leaves batches without a producer id alone', async () => {
    const s = new ProducerStateManager('t-0');
    expect(appendTo(s, await pidBatch(9n, 5, 1234), 0n)?.updates).toHaveLength(1);
    expect(s.check(await encodeBatch({records: [{key: null, value: 'x'}]}), [{position: 0, lastOffset: 1n}])).toBeUndefined();
    expect(s.producers.size).toBe(1);
  });

  it('checks later batches of one append against the earlier ones', async () => {
    const s = new ProducerStateManager('t-0');
    const a = await pidBatch(5n, 0, 0, 2);
    const b = await pidBatch(5n, 0, 2, 1);
    const gap = await pidBatch(5n, 0, 4, 1);
    const two = Buffer.concat([a, b]);
    const r = s.check(two, [{position: 0, lastOffset: 1n}, {position: a.length, lastOffset: 2n}]);
    expect(r?.updates.map((u) => u.batch.firstSeq)).toEqual([0, 2]);
    const bad = Buffer.concat([a, gap]);
    expect(codeOf(() => s.check(bad, [{position: 0, lastOffset: 1n}, {position: a.length, lastOffset: 2n}]))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  });
});

describe('producer snapshots', () => {
  it('are byte for byte what Kafka writes (an empty one from a Kafka 2.8.0 data dir)', async () => {
    const kafkas = path.resolve(__dirname, '../../../shared/fixtures/kafka-logs/kafka-2.8.0-zk/__consumer_offsets-16/00000000000000000022.snapshot');
    const written = await readFile(kafkas).catch(() => undefined);
    if (!written) return; // fixtures absent
    expect(encodeProducerSnapshot([]).equals(written)).toBe(true);
    expect(decodeProducerSnapshot(written)).toEqual([]);
  });

  it('round-trip in Kafka\'s format, which kstream dump-segment reads', () => {
    const entries = [
      {producerId: 1000n, epoch: 2, batches: [{firstSeq: 10, lastSeq: 14, lastOffset: 99n, offsetDelta: 4, timestamp: 1_700_000_000_123n}], lastTimestamp: 1_700_000_000_123n, coordinatorEpoch: -1, currentTxnFirstOffset: -1n},
      {producerId: 5n, epoch: 0, batches: [], lastTimestamp: 42n, coordinatorEpoch: -1, currentTxnFirstOffset: -1n},
    ];
    const buf = encodeProducerSnapshot(entries);
    expect(buf.length).toBe(10 + 2 * 46);
    expect(decodeProducerSnapshot(buf)).toEqual(entries);
    expect(parseProducerSnapshot(buf).map((e) => [e.producerId, e.producerEpoch, e.batch?.firstSequence, e.batch?.lastOffset])).toEqual([[1000n, 2, 10, 99n], [5n, 0, undefined, undefined]]);
    buf[20] ^= 1;
    expect(() => decodeProducerSnapshot(buf)).toThrow(/CRC is no longer valid/);
  });
});

describe('PartitionLog with idempotent producers', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({dir, cleanup} = await tempDir()));
  afterEach(async () => cleanup());

  async function endToEnd(log: PartitionLog): Promise<number> {
    const data = await log.read(log.logStartOffset, 1 << 24);
    let n = 0;
    for (let p = 0; p < data.length; p += data.readInt32BE(p + 8) + 12) n++;
    return n;
  }

  it('answers a duplicate with the original offsets without appending, on both append paths', async () => {
    const manager = await LogManager.open({dataDir: dir});
    const log = await manager.createLog('t', 0, TOPIC_ID);
    await log.append(await encodeBatch({records: [{key: null, value: 'plain'}]}), {leaderEpoch: 0});
    const first = await log.append(await pidBatch(1n, 0, 0, 3), {leaderEpoch: 0});
    expect(first).toMatchObject({baseOffset: 1n, lastOffset: 3n});
    const again = await log.append(await pidBatch(1n, 0, 0, 3), {leaderEpoch: 0});
    expect(again).toMatchObject({baseOffset: 1n, lastOffset: 3n, logAppendTime: 1_700_000_000_002n});
    const now = log.tryAppendNow(await pidBatch(1n, 0, 0, 3), {leaderEpoch: 0});
    expect(now).toMatchObject({baseOffset: 1n, lastOffset: 3n});
    expect(log.logEndOffset).toBe(4n);
    expect(await endToEnd(log)).toBe(2);
    // The next sequence goes on (synchronously); a gap is refused on both paths.
    expect(log.tryAppendNow(await pidBatch(1n, 0, 3), {leaderEpoch: 0})).toMatchObject({baseOffset: 4n});
    expect(() => log.tryAppendNow(gap, {leaderEpoch: 0})).toThrow(expect.objectContaining({errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER}));
    await expect(log.append(gap, {leaderEpoch: 0})).rejects.toMatchObject({errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER});
    expect(log.logEndOffset).toBe(5n);
    await manager.close();
  });
  let gap: Buffer;
  beforeEach(async () => {
    gap = await pidBatch(1n, 0, 9);
  });

  it('leaves the state unchanged when the write fails, so the retry is appended', async () => {
    const fs = new FaultyFileSystem();
    const manager = await LogManager.open({dataDir: dir, fs});
    const log = await manager.createLog('t', 0, TOPIC_ID);
    await log.append(await pidBatch(1n, 0, 0), {leaderEpoch: 0});
    fs.failNextWrite({match: (f) => f.endsWith('.log')});
    await expect(log.append(await pidBatch(1n, 0, 1), {leaderEpoch: 0})).rejects.toMatchObject({errorCode: ErrorCode.KAFKA_STORAGE_ERROR});
    expect(log.producers.state.producers.get(1n)!.batches).toHaveLength(1);
    expect(await log.append(await pidBatch(1n, 0, 1), {leaderEpoch: 0})).toMatchObject({baseOffset: 1n});
    expect(await endToEnd(log)).toBe(2);
    await manager.close();
  });

  it('de-duplicates a retry after a clean restart, from the snapshot written on close', async () => {
    const m1 = await LogManager.open({dataDir: dir});
    const log1 = await m1.createLog('t', 0, TOPIC_ID);
    await log1.append(await pidBatch(1n, 0, 0, 2), {leaderEpoch: 0});
    await log1.append(await pidBatch(1n, 0, 2, 2), {leaderEpoch: 0});
    await m1.close();
    const files = await readdir(path.join(dir, 't-0'));
    expect(files.filter((f) => f.endsWith('.snapshot'))).toContain('00000000000000000004.snapshot');
    const snap = decodeProducerSnapshot(await readFile(path.join(dir, 't-0', '00000000000000000004.snapshot')));
    expect(snap).toMatchObject([{producerId: 1n, epoch: 0, batches: [{firstSeq: 2, lastSeq: 3, lastOffset: 3n, offsetDelta: 1}]}]);

    const m2 = await LogManager.open({dataDir: dir});
    const log2 = m2.getLog('t', 0)!;
    expect(await log2.append(await pidBatch(1n, 0, 2, 2), {leaderEpoch: 0})).toMatchObject({baseOffset: 2n, lastOffset: 3n});
    expect(log2.logEndOffset).toBe(4n);
    await expect(log2.append(await pidBatch(1n, 0, 7), {leaderEpoch: 0})).rejects.toMatchObject({errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER});
    expect(await log2.append(await pidBatch(1n, 0, 4), {leaderEpoch: 0})).toMatchObject({baseOffset: 4n});
    await m2.close();
  });

  it('de-duplicates a retry after a crash, replaying the batches after the latest snapshot', async () => {
    const m1 = await LogManager.open({dataDir: dir});
    const log1 = await m1.createLog('t', 0, TOPIC_ID, {segmentBytes: 300});
    for (let i = 0; i < 12; i++) await log1.append(await pidBatch(1n, 0, i * 2, 2), {leaderEpoch: 0});
    expect(log1.segments.length).toBeGreaterThan(2);
    await m1.checkpoint();
    // kill -9: no close, no snapshot at the log end.
    for (const l of m1.logs()) for (const s of l.segments) await s.close();
    const snaps = (await readdir(path.join(dir, 't-0'))).filter((f) => f.endsWith('.snapshot'));
    expect(snaps.length).toBeGreaterThan(0);
    expect(snaps).not.toContain('00000000000000000024.snapshot');

    const m2 = await LogManager.open({dataDir: dir});
    const log2 = m2.getLog('t', 0)!;
    expect(log2.logEndOffset).toBe(24n);
    // As in Kafka, a snapshot keeps each producer's last batch; the batches replayed after it are all known.
    const fromSnapshot = log2.activeSegment.baseOffset;
    for (let i = 11; i >= 0 && BigInt(i * 2 + 2) >= fromSnapshot && i > 6; i--) {
      expect(await log2.append(await pidBatch(1n, 0, i * 2, 2), {leaderEpoch: 0})).toMatchObject({baseOffset: BigInt(i * 2)});
    }
    expect(log2.logEndOffset).toBe(24n);
    expect(await log2.append(await pidBatch(1n, 0, 24), {leaderEpoch: 0})).toMatchObject({baseOffset: 24n});
    // Stray snapshots (not at a segment base) were removed on load, the latest kept.
    const bases = new Set(log2.segments.map((s) => s.baseOffset));
    const left = (await readdir(path.join(dir, 't-0'))).filter((f) => f.endsWith('.snapshot')).map((f) => BigInt(f.slice(0, 20)));
    expect(left.slice(0, -1).every((o) => bases.has(o))).toBe(true);
    await m2.close();
  });

  it('de-duplicates after a crash before any roll or close (the first idempotent append writes a snapshot)', async () => {
    const m1 = await LogManager.open({dataDir: dir});
    const log1 = await m1.createLog('t', 0, TOPIC_ID);
    await log1.append(await encodeBatch({records: [{key: null, value: 'plain'}]}), {leaderEpoch: 0});
    await log1.append(await pidBatch(3n, 1, 0, 2), {leaderEpoch: 0});
    for (const s of log1.segments) await s.close();
    expect((await readdir(path.join(dir, 't-0'))).filter((f) => f.endsWith('.snapshot'))).toEqual(['00000000000000000001.snapshot']);
    const m2 = await LogManager.open({dataDir: dir});
    const log2 = m2.getLog('t', 0)!;
    expect(await log2.append(await pidBatch(3n, 1, 0, 2), {leaderEpoch: 0})).toMatchObject({baseOffset: 1n});
    expect(log2.logEndOffset).toBe(3n);
    await m2.close();
  });

  it('falls back to the snapshot before a corrupt one, and replays the rest', async () => {
    const m1 = await LogManager.open({dataDir: dir});
    const log1 = await m1.createLog('t', 0, TOPIC_ID, {segmentBytes: 300});
    for (let i = 0; i < 12; i++) await log1.append(await pidBatch(1n, 0, i * 2, 2), {leaderEpoch: 0});
    await m1.close();
    const partitionDir = path.join(dir, 't-0');
    const snaps = (await readdir(partitionDir)).filter((f) => f.endsWith('.snapshot')).sort();
    expect(snaps.at(-1)).toBe('00000000000000000024.snapshot');
    await writeFile(path.join(partitionDir, snaps.at(-1)!), Buffer.from('not a snapshot at all'));
    const m2 = await LogManager.open({dataDir: dir});
    const log2 = m2.getLog('t', 0)!;
    expect(await log2.append(await pidBatch(1n, 0, 22, 2), {leaderEpoch: 0})).toMatchObject({baseOffset: 22n});
    expect(await log2.append(await pidBatch(1n, 0, 24), {leaderEpoch: 0})).toMatchObject({baseOffset: 24n});
    expect(await readdir(partitionDir)).not.toContain(snaps.at(-1));
    await m2.close();
  });

  it('fsyncs the snapshot of a clean close, not the one before the first idempotent append', async () => {
    const fs = new FaultyFileSystem();
    const manager = await LogManager.open({dataDir: dir, fs});
    const log = await manager.createLog('t', 0, TOPIC_ID);
    await log.append(await pidBatch(1n, 0, 0), {leaderEpoch: 0});
    expect(await readdir(path.join(dir, 't-0'))).toContain('00000000000000000000.snapshot');
    expect(fs.syncedFiles.filter((f) => f.endsWith('.snapshot'))).toEqual([]);
    await manager.close();
    expect(fs.syncedFiles.filter((f) => f.endsWith('.snapshot')).map((f) => path.basename(f))).toEqual(['00000000000000000001.snapshot']);
  });

  it('writes no snapshot and scans nothing for partitions without producer ids', async () => {
    const manager = await LogManager.open({dataDir: dir});
    const log = await manager.createLog('t', 0, TOPIC_ID, {segmentBytes: 300});
    for (let i = 0; i < 5; i++) await log.append(await encodeBatch({records: [{key: null, value: 'x'.repeat(100)}]}), {leaderEpoch: 0});
    await manager.close();
    expect((await readdir(path.join(dir, 't-0'))).filter((f) => f.endsWith('.snapshot'))).toEqual([]);
  });

  it('deletes a segment\'s snapshot with it (retention, DeleteRecords)', async () => {
    const manager = await LogManager.open({dataDir: dir});
    const log = await manager.createLog('t', 0, TOPIC_ID, {segmentBytes: 300, fileDeleteDelayMs: 0});
    for (let i = 0; i < 12; i++) await log.append(await pidBatch(1n, 0, i * 2, 2), {leaderEpoch: 0});
    const snapsBefore = (await readdir(path.join(dir, 't-0'))).filter((f) => f.endsWith('.snapshot')).map((f) => BigInt(f.slice(0, 20)));
    const secondBase = log.segments[1].baseOffset;
    expect(snapsBefore).toContain(secondBase);
    await log.deleteRecordsBefore(log.segments[2].baseOffset);
    const snapsAfter = (await readdir(path.join(dir, 't-0'))).filter((f) => f.endsWith('.snapshot')).map((f) => BigInt(f.slice(0, 20)));
    expect(snapsAfter).not.toContain(secondBase);
    expect(snapsAfter).toContain(log.activeSegment.baseOffset);
    await manager.close();
  });
});

describe('producer id expiration (producer.id.expiration.ms)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({dir, cleanup} = await tempDir()));
  afterEach(async () => cleanup());
  const T = 1_700_000_000_000;

  it('forgets a producer whose last batch is expirationMs old or older, as Kafka\'s isProducerExpired', async () => {
    const s = new ProducerStateManager('t-0');
    appendTo(s, await pidBatch(1n, 0, 0, 1, T), 0n);
    appendTo(s, await pidBatch(2n, 0, 0, 1, T + 500), 1n);
    expect(s.removeExpiredProducers(T + 999, 1000)).toBe(0);
    expect(s.removeExpiredProducers(T + 1000, 1000)).toBe(1);
    expect([...s.producers.keys()]).toEqual([2n]);
    // The expired producer is unknown now: any sequence is accepted.
    expect(appendTo(s, await pidBatch(1n, 0, 42, 1, T + 1000), 2n)?.duplicate).toBeUndefined();
  });

  it('appends a retry of an expired producer (no de-duplication) and leaves it out of later snapshots', async () => {
    let now = T;
    const manager = await LogManager.open({dataDir: dir, now: () => now});
    const log = await manager.createLog('t', 0, TOPIC_ID);
    await log.append(await pidBatch(1n, 0, 0, 2, T), {leaderEpoch: 0});
    await log.append(await pidBatch(2n, 0, 0, 1, T + 60_000), {leaderEpoch: 0});
    // Its last batch's max timestamp is T + 1 (the second record's).
    now = T + 1 + 86_400_000;
    expect(await manager.removeExpiredProducers(86_400_000)).toBe(1);
    await manager.close();
    const snap = decodeProducerSnapshot(await readFile(path.join(dir, 't-0', '00000000000000000003.snapshot')));
    expect(snap.map((e) => e.producerId)).toEqual([2n]);

    const m2 = await LogManager.open({dataDir: dir, now: () => now});
    const log2 = m2.getLog('t', 0)!;
    expect(await log2.append(await pidBatch(1n, 0, 0, 2, T), {leaderEpoch: 0})).toMatchObject({baseOffset: 3n, lastOffset: 4n});
    expect(await log2.append(await pidBatch(2n, 0, 0, 1, T + 60_000), {leaderEpoch: 0})).toMatchObject({baseOffset: 2n});
    expect(log2.logEndOffset).toBe(5n);
    await m2.close();
  });

  it('writes an empty snapshot on close once every producer expired, so an older one does not bring them back', async () => {
    let now = T;
    const manager = await LogManager.open({dataDir: dir, now: () => now});
    const log = await manager.createLog('t', 0, TOPIC_ID);
    await log.append(await pidBatch(1n, 0, 0, 1, T), {leaderEpoch: 0});
    now = T + 10;
    expect(await manager.removeExpiredProducers(10)).toBe(1);
    await manager.close();
    const m2 = await LogManager.open({dataDir: dir, now: () => now});
    expect(m2.getLog('t', 0)!.producers.state.isEmpty).toBe(true);
    expect(await m2.getLog('t', 0)!.append(await pidBatch(1n, 0, 0, 1, T), {leaderEpoch: 0})).toMatchObject({baseOffset: 1n});
    await m2.close();
  });
});
