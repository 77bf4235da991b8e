/**
 * ListOffsets over a log holding a record that cannot be read back (corrupted on disk after it was
 * written): the lookups that reach it answer that partition with Kafka's code (INVALID_RECORD, as
 * Kafka's record iterator throws InvalidRecordException), the other partitions of the same request
 * are answered normally, the connection stays open and the broker logs one line per failure.
 *
 * The corruption must reach the read path, not start-up recovery: the broker is stopped cleanly
 * (so start-up scans nothing before the recovery point), the batch CRC is recomputed over the
 * damaged bytes (so even a CRC check would pass) and no record walk runs at start-up; the test
 * checks the file is byte for byte unchanged after the restart and the log end offset is still 5.
 */
import {readFileSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {ApiKey} from '../../../src/protocol/api.js';
import {ErrorCode} from '../../../src/protocol/error-codes.js';
import {encodeBatch} from '../../../src/records/batch.js';
import {BATCH_HEADER_SIZE, computeBatchCrc, LOG_OVERHEAD, OFFSET_CRC} from '../../../src/records/batch-header.js';
import {startTestBroker, type TestBroker} from '../helpers/broker.js';
import {WireClient} from '../helpers/wire-client.js';

// Offsets 0..4; offset 2 holds the largest timestamp, and is the record that gets damaged.
const STAMPS = [1000n, 2000n, 9000n, 4000n, 5000n];
const DAMAGED = 2;

let tb: TestBroker;
let client: WireClient;
let segmentFile: string;
let damagedBytes: Buffer;

beforeAll(async () => {
  const first = await startTestBroker();
  await first.broker.topics.createTopic('t', {numPartitions: 2, replicationFactor: 1, configs: {}});
  for (const partition of [0, 1]) {
    for (const ts of STAMPS) await first.broker.topics.append('t', partition, await encodeBatch({records: [{key: 'k', value: 'x', timestamp: ts}]}), 0);
  }
  await first.broker.stop();
  segmentFile = path.join(first.dataDir, 't-0', '00000000000000000000.log');
  damagedBytes = damageKeyLength(readFileSync(segmentFile), DAMAGED);
  writeFileSync(segmentFile, damagedBytes);
  tb = await startTestBroker({}, first.dataDir);
});

// A connection per test: one closed by a failure must not hang the next test.
beforeEach(async () => {
  client = await WireClient.connect(tb.broker.port);
});
afterEach(() => client.close());

afterAll(async () => {
  await tb?.cleanup();
  if (tb) rmSync(tb.dataDir, {recursive: true, force: true});
});

/** The key length of the one record in the `index`-th batch claims 50 bytes (it has 1); CRC fixed. */
function damageKeyLength(file: Buffer, index: number): Buffer {
  const out = Buffer.from(file);
  let pos = 0;
  for (let i = 0; i < index; i++) pos += out.readInt32BE(pos + 8) + LOG_OVERHEAD;
  // Record: length varint, attributes, timestamp delta 0, offset delta 0, then the key length (zigzag 1 = 2).
  const keyLength = pos + BATCH_HEADER_SIZE + 4;
  expect(out[keyLength]).toBe(2);
  out[keyLength] = 100; // zigzag 50
  out.writeUInt32BE(computeBatchCrc(out, pos), pos + OFFSET_CRC);
  return out;
}

type Ask = {partition: number; timestamp: bigint};

async function listOffsets(version: number, asks: Ask[]) {
  const res = await client.request(ApiKey.ListOffsets, version, {
    replicaId: -1, isolationLevel: 0,
    topics: [{name: 't', partitions: asks.map((a) => ({partitionIndex: a.partition, currentLeaderEpoch: -1, timestamp: a.timestamp, maxNumOffsets: 1}))}],
  });
  return res.topics[0].partitions as {partitionIndex: number; errorCode: number; offset: bigint; timestamp: bigint; oldStyleOffsets: bigint[]}[];
}

function failureLines(): string[] {
  return tb.logLines.filter((l) => l.startsWith('list offsets for'));
}

describe('ListOffsets over a damaged record', () => {
  it('reaches the read path: start-up left the damaged segment as it was', async () => {
    expect(readFileSync(segmentFile).equals(damagedBytes)).toBe(true);
    const [latest, earliest] = await listOffsets(5, [{partition: 0, timestamp: -1n}, {partition: 0, timestamp: -2n}]);
    expect(latest).toMatchObject({errorCode: ErrorCode.NONE, offset: 5n});
    expect(earliest).toMatchObject({errorCode: ErrorCode.NONE, offset: 0n});
  });

  it('answers the damaged partition with INVALID_RECORD and the healthy one with its offset, in one request', async () => {
    const before = failureLines().length;
    const answers = await listOffsets(5, [{partition: 0, timestamp: 2500n}, {partition: 1, timestamp: 2500n}]);
    expect(answers).toEqual([
      expect.objectContaining({partitionIndex: 0, errorCode: ErrorCode.INVALID_RECORD, offset: -1n, timestamp: -1n}),
      expect.objectContaining({partitionIndex: 1, errorCode: ErrorCode.NONE, offset: 2n, timestamp: 9000n}),
    ]);
    const lines = failureLines().slice(before);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^list offsets for t-0 failed: .*invalid record structure/i);
    // The connection is still usable.
    const [again] = await listOffsets(5, [{partition: 1, timestamp: -1n}]);
    expect(again).toMatchObject({errorCode: ErrorCode.NONE, offset: 5n});
    expect(readFileSync(segmentFile).equals(damagedBytes)).toBe(true);
  });

  it('fails MAX_TIMESTAMP the same way when the largest timestamp is in the damaged batch', async () => {
    const answers = await listOffsets(7, [{partition: 0, timestamp: -3n}, {partition: 1, timestamp: -3n}]);
    expect(answers[0]).toMatchObject({errorCode: ErrorCode.INVALID_RECORD, offset: -1n});
    expect(answers[1]).toMatchObject({errorCode: ErrorCode.NONE, offset: 2n, timestamp: 9000n});
  });

  it('fails v0 by timestamp with no offsets', async () => {
    const [damaged, healthy] = await listOffsets(0, [{partition: 0, timestamp: 2500n}, {partition: 1, timestamp: 2500n}]);
    expect(damaged).toMatchObject({errorCode: ErrorCode.INVALID_RECORD, oldStyleOffsets: []});
    expect(healthy).toMatchObject({errorCode: ErrorCode.NONE, oldStyleOffsets: [2n]});
  });

  it('answers lookups that do not reach the damaged record', async () => {
    // The first batch already holds a timestamp >= 500; nothing is >= 10000 (skipped by the index).
    const answers = await listOffsets(5, [{partition: 0, timestamp: 500n}, {partition: 0, timestamp: 10_000n}]);
    expect(answers[0]).toMatchObject({errorCode: ErrorCode.NONE, offset: 0n, timestamp: 1000n});
    expect(answers[1]).toMatchObject({errorCode: ErrorCode.NONE, offset: -1n, timestamp: -1n});
  });
});
