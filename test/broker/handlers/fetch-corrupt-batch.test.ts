/**
 * Fetch over a segment holding an entry that cannot be a batch (its size field damaged on disk):
 * Kafka's FileLogInputStream throws CorruptRecordException there, and the partition is answered
 * with CORRUPT_MESSAGE. The read must neither skip to the next segment (records lost without a
 * word) nor answer "no records" forever, nor allocate what a damaged size says. The whole batches
 * before the damage are still served, the other partition is untouched and the connection stays.
 *
 * The damage is in the first, closed segment of each damaged partition, which a clean restart
 * does not scan.
 */
import {readdirSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ApiKey} from '../../../src/protocol/api.js';
import {ErrorCode} from '../../../src/protocol/error-codes.js';
import {encodeBatch, iterateBatches} from '../../../src/records/batch.js';
import {startTestBroker, type TestBroker} from '../helpers/broker.js';
import {damageBatchLength, startOnDamagedDir} from '../helpers/segment-damage.js';
import type {WireClient} from '../helpers/wire-client.js';

// Five batches fill segment 0 (offsets 0-4), two more go to segment 1 (offsets 5-6).
const BATCHES = 7;
/** Partition: which batch of segment 0 is damaged, and the size written into its length field. */
const DAMAGE: Record<number, {batch: number; length: number}> = {
  0: {batch: 2, length: 10}, // below any batch's minimum
  1: {batch: 0, length: 10}, // the segment's first batch: read from the base offset without a lookup
  2: {batch: 0, length: 0x7fff0000}, // ~2 GiB: more than the segment holds
};
const PARTITIONS = 4; // partition 3 stays intact

let tb: TestBroker;
let client: WireClient;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  const batch = (i: number) => encodeBatch({records: [{key: 'k', value: `v${i}`}]});
  const size = (await batch(0)).length;
  const first = await startTestBroker();
  await first.broker.topics.createTopic('c', {numPartitions: PARTITIONS, replicationFactor: 1, configs: {'segment.bytes': String(5 * size)}});
  for (let partition = 0; partition < PARTITIONS; partition++) {
    for (let i = 0; i < BATCHES; i++) await first.broker.topics.append('c', partition, await batch(i), 0);
  }
  await first.broker.stop();
  for (const [partition, {batch: damaged, length}] of Object.entries(DAMAGE)) {
    const dir = path.join(first.dataDir, `c-${partition}`);
    expect(readdirSync(dir).filter((f) => f.endsWith('.log')).sort()).toEqual(['00000000000000000000.log', '00000000000000000005.log']);
    damageBatchLength(path.join(dir, '00000000000000000000.log'), damaged, length);
  }
  ({tb, client, close} = await startOnDamagedDir(first.dataDir));
});

afterAll(async () => close?.());

/** Every partition from `offset`: per partition, its error code and the base offsets of the batches it returned. */
async function fetchAll(offset: bigint, partitionMaxBytes = 1 << 20) {
  const res = await client.request(ApiKey.Fetch, 12, {replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0,
    sessionId: 0, sessionEpoch: -1, forgottenTopicsData: [], rackId: '',
    topics: [{topic: 'c', partitions: Array.from({length: PARTITIONS}, (_, partition) =>
      ({partition, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes}))}]});
  return (res.responses[0].partitions as Array<{partitionIndex: number; errorCode: number; records: Buffer | null}>)
    .sort((a, b) => a.partitionIndex - b.partitionIndex)
    .map((p) => ({error: p.errorCode, batches: [...iterateBatches(p.records ?? Buffer.alloc(0))].map((b) => b.header.baseOffset)}));
}

describe('Fetch over a damaged batch', () => {
  it('serves the whole batches before the damage, then answers CORRUPT_MESSAGE, and the next segment as usual', async () => {
    const fromStart = await fetchAll(0n);
    expect(fromStart[0]).toEqual({error: ErrorCode.NONE, batches: [0n, 1n]});
    expect(fromStart[1]).toEqual({error: ErrorCode.CORRUPT_MESSAGE, batches: []});
    expect(fromStart[2]).toEqual({error: ErrorCode.CORRUPT_MESSAGE, batches: []});
    expect(fromStart[3]).toEqual({error: ErrorCode.NONE, batches: [0n, 1n, 2n, 3n, 4n]});
    // At the damaged batch itself (where the previous read ended, and by an index lookup).
    for (let i = 0; i < 2; i++) {
      const atDamage = await fetchAll(2n);
      expect(atDamage[0]).toEqual({error: ErrorCode.CORRUPT_MESSAGE, batches: []});
      expect(atDamage[3]).toEqual({error: ErrorCode.NONE, batches: [2n, 3n, 4n]});
    }
    // Beyond it in the same segment: the index lookup's scan meets the damage on its way.
    expect((await fetchAll(3n))[0]).toEqual({error: ErrorCode.CORRUPT_MESSAGE, batches: []});
    // Past the damaged segment, every partition reads as usual.
    for (const p of await fetchAll(5n)) expect(p).toEqual({error: ErrorCode.NONE, batches: [5n, 6n]});
    // A limit below the first batch (KIP-74 whole first batch): no 2 GiB read.
    expect((await fetchAll(0n, 10))[2]).toEqual({error: ErrorCode.CORRUPT_MESSAGE, batches: []});
    expect(tb.logLines.some((l) => /fetch from c-2 at offset 0 failed: .*00000000000000000000\.log: invalid batch size/.test(l))).toBe(true);
  });
});
