/**
 * ListOffsets by timestamp over a segment holding an entry that cannot be a batch (its size field
 * damaged on disk, below Kafka's minimum of 14 bytes): Kafka's FileLogInputStream throws
 * CorruptRecordException there, so the partition is answered with CORRUPT_MESSAGE. The lookup must
 * not go on to the next segment and answer an offset from it, which would be a wrong answer.
 *
 * The damage is in the first, closed segment, which a clean restart does not scan; its time index
 * got the segment's largest timestamp when it rolled, as Kafka's does, so the lookup reads it.
 */
import {readdirSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ApiKey} from '../../../src/protocol/api.js';
import {ErrorCode} from '../../../src/protocol/error-codes.js';
import {encodeBatch} from '../../../src/records/batch.js';
import {startTestBroker, type TestBroker} from '../helpers/broker.js';
import {damageBatchLength, startOnDamagedDir} from '../helpers/segment-damage.js';
import type {WireClient} from '../helpers/wire-client.js';

// Five batches fill segment 0 (offsets 0-4), two more go to segment 1 (offsets 5-6).
const STAMPS = [1000n, 2000n, 3000n, 4000n, 5000n, 6000n, 7000n];
const DAMAGED = 2;

let tb: TestBroker;
let client: WireClient;
let close: (() => Promise<void>) | undefined;
let firstSegment: string;

beforeAll(async () => {
  const batch = (ts: bigint) => encodeBatch({records: [{key: 'k', value: 'x', timestamp: ts}]});
  const size = (await batch(0n)).length;
  const first = await startTestBroker();
  await first.broker.topics.createTopic('h', {numPartitions: 2, replicationFactor: 1, configs: {'segment.bytes': String(5 * size)}});
  for (const partition of [0, 1]) {
    for (const ts of STAMPS) await first.broker.topics.append('h', partition, await batch(ts), 0);
  }
  await first.broker.stop();
  const dir = path.join(first.dataDir, 'h-0');
  expect(readdirSync(dir).filter((f) => f.endsWith('.log')).sort()).toEqual(['00000000000000000000.log', '00000000000000000005.log']);
  firstSegment = path.join(dir, '00000000000000000000.log');
  damageBatchLength(firstSegment, DAMAGED, 10);
  ({tb, client, close} = await startOnDamagedDir(first.dataDir));
});

afterAll(async () => close?.());

async function byTimestamp(timestamp: bigint) {
  const res = await client.request(ApiKey.ListOffsets, 7, {
    replicaId: -1, isolationLevel: 0,
    topics: [{name: 'h', partitions: [0, 1].map((p) => ({partitionIndex: p, currentLeaderEpoch: -1, timestamp}))}],
  });
  return res.topics[0].partitions as {partitionIndex: number; errorCode: number; offset: bigint; timestamp: bigint}[];
}

describe('ListOffsets over a damaged batch header', () => {
  it('answers CORRUPT_MESSAGE for the damaged partition, not an offset from the next segment', async () => {
    const before = tb.logLines.length;
    const [damaged, healthy] = await byTimestamp(2500n);
    expect(damaged).toMatchObject({partitionIndex: 0, errorCode: ErrorCode.CORRUPT_MESSAGE, offset: -1n, timestamp: -1n});
    expect(healthy).toMatchObject({partitionIndex: 1, errorCode: ErrorCode.NONE, offset: 2n, timestamp: 3000n});
    const lines = tb.logLines.slice(before).filter((l) => l.startsWith('list offsets for'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('list offsets for h-0 failed:');
    expect(lines[0]).toContain('00000000000000000000.log: invalid batch size 22 at byte');
  });

  it('answers lookups that end before the damage, or skip its segment', async () => {
    const [early] = await byTimestamp(1500n);
    expect(early).toMatchObject({errorCode: ErrorCode.NONE, offset: 1n, timestamp: 2000n});
    const [late] = await byTimestamp(6500n);
    expect(late).toMatchObject({errorCode: ErrorCode.NONE, offset: 6n, timestamp: 7000n});
    const [latest] = await byTimestamp(-1n);
    expect(latest).toMatchObject({errorCode: ErrorCode.NONE, offset: 7n});
  });
});
