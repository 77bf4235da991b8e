/**
 * A Produce to hundreds of partitions in one request (what librdkafka and the Java client send to
 * a broker leading them all): its appends' writes are made together, split with the write thread
 * (storage/append-round.ts). Every partition must get its batch at the right offset, byte-exact.
 */
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import {ApiKey} from '../../../src/protocol/api.js';
import {ErrorCode} from '../../../src/protocol/error-codes.js';
import {decodeBatch, encodeBatch} from '../../../src/records/batch.js';
import {WriteThread} from '../../../src/storage/write-thread.js';
import {startTestBroker, type TestBroker} from '../helpers/broker.js';
import {WireClient} from '../helpers/wire-client.js';

const PARTITIONS = 300;
let tb: TestBroker;
let client: WireClient;

beforeAll(async () => {
  tb = await startTestBroker();
  await tb.broker.topics.createTopic('wide', {numPartitions: PARTITIONS, replicationFactor: -1, configs: {}});
  await tb.broker.topics.createTopic('narrow', {numPartitions: 1, replicationFactor: -1, configs: {}});
  client = await WireClient.connect(tb.broker.port);
});
afterAll(async () => {
  client.close();
  await tb.cleanup();
});

/** One batch per partition, ~1 KiB each, so the request (over 256 KiB) arrives in many chunks, as from a real client. */
async function batchesFor(round: number): Promise<Buffer[]> {
  return Promise.all(Array.from({length: PARTITIONS}, (_, p) =>
    encodeBatch({records: [{key: Buffer.from(`k${p}`), value: Buffer.from(`${round}:${p}:`.padEnd(1000, String.fromCharCode(97 + (p % 26))))}]})));
}

async function produceAll(batches: Buffer[], extra: Array<{name: string; partitionData: Array<{index: number; records: Buffer}>}> = []) {
  const body = {transactionalId: null, acks: 1, timeoutMs: 5000,
    topicData: [{name: 'wide', partitionData: batches.map((records, index) => ({index, records}))}, ...extra]};
  return client.request(ApiKey.Produce, 9, body);
}

describe('Produce to many partitions in one request', () => {
  it('appends every batch at its offset, byte-exact, using the write thread', async () => {
    const open = vi.spyOn(WriteThread.prototype, 'open');
    for (let round = 0; round < 3; round++) {
      const res = await produceAll(await batchesFor(round), [{name: 'narrow', partitionData: [{index: 0, records: await encodeBatch({records: [{value: Buffer.from(`n${round}`)}]})}]}]);
      const wide = res.responses.find((t: {name: string}) => t.name === 'wide');
      expect(wide.partitionResponses).toHaveLength(PARTITIONS);
      for (const [i, p] of wide.partitionResponses.entries()) {
        expect(p).toMatchObject({index: i, errorCode: ErrorCode.NONE, baseOffset: BigInt(round)});
      }
      expect(res.responses.find((t: {name: string}) => t.name === 'narrow').partitionResponses[0]).toMatchObject({errorCode: ErrorCode.NONE, baseOffset: BigInt(round)});
    }
    // The thread started once the broker had enough partitions and took jobs, handed over as the appends were prepared.
    expect(open).toHaveBeenCalled();
    expect(open.mock.results.some((r) => r.value !== undefined)).toBe(true);
    open.mockRestore();
    for (let p = 0; p < PARTITIONS; p++) expect(tb.broker.topics.getLog('wide', p)!.logEndOffset).toBe(3n);
  });

  it('serves the batches back through Fetch, and after a restart', async () => {
    const check = async () => {
      for (const p of [0, 77, PARTITIONS - 1]) {
        const info = tb.broker.topics.get('wide')!;
        const res = await client.request(ApiKey.Fetch, 12, {replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
          topics: [{topic: 'wide', topicId: info.topicId, partitions: [{partition: p, currentLeaderEpoch: -1, fetchOffset: 0n, logStartOffset: -1, partitionMaxBytes: 1 << 20}]}],
          forgottenTopicsData: [], rackId: ''});
        const records: Buffer = res.responses[0].partitions[0].records;
        const values: string[] = [];
        for (let pos = 0; pos < records.length;) {
          const batch = await decodeBatch(records, pos);
          values.push(...batch.records.map((r) => r.value!.toString().split(':').slice(0, 2).join(':')));
          pos += 12 + records.readInt32BE(pos + 8);
        }
        expect(values).toEqual([`0:${p}`, `1:${p}`, `2:${p}`]);
      }
    };
    await check();
    client.close();
    await tb.restart();
    client = await WireClient.connect(tb.broker.port);
    await check();
  });
});
