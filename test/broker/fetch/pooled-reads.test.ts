/**
 * Fetch reads go into reused buffers (src/storage/read-buffers.ts) that the connection gives back
 * once the socket has taken the response. A buffer given back too early would be overwritten by
 * the next read while its response still waits to be sent: these tests hold responses back on a
 * paused connection while another connection reads, then check every byte (CRC) of both.
 */
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import {ApiKey} from '../../../src/protocol/api.js';
import {ErrorCode} from '../../../src/protocol/error-codes.js';
import {decodeBatch, encodeBatch, iterateBatches} from '../../../src/records/batch.js';
import {readBuffers} from '../../../src/storage/read-buffers.js';
import {startTestBroker, TestBroker} from '../helpers/broker.js';
import {WireClient} from '../helpers/wire-client.js';

const TOPIC = 'pooled';
const BATCHES = 24;
const RECORDS_PER_BATCH = 50;
const VALUE_BYTES = 3000;
/** Above one batch (~150 KB) and below two, and in the pooled size range. */
const PARTITION_MAX_BYTES = 200_000;

let tb: TestBroker;
const clients: WireClient[] = [];

const value = (batch: number, record: number) => `${batch}/${record}:`.padEnd(VALUE_BYTES, String.fromCharCode(97 + ((batch + record) % 26)));

beforeAll(async () => {
  tb = await startTestBroker();
  // The pools primed at start are taken and given back in the background: counted after.
  await tb.broker.primed;
  await tb.broker.topics.createTopic(TOPIC, {numPartitions: 1, replicationFactor: -1, configs: {}});
  const producer = await connect();
  for (let b = 0; b < BATCHES; b++) {
    const records = await encodeBatch({records: Array.from({length: RECORDS_PER_BATCH}, (_, r) => ({value: value(b, r)}))});
    const res = await producer.request(ApiKey.Produce, 9, {transactionalId: null, acks: 1, timeoutMs: 5000,
      topicData: [{name: TOPIC, partitionData: [{index: 0, records}]}]});
    expect(res.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.NONE);
  }
});
afterAll(async () => {
  for (const c of clients) c.close();
  await tb.cleanup();
});

async function connect(): Promise<WireClient> {
  const c = await WireClient.connect(tb.broker.port);
  clients.push(c);
  return c;
}

function fetchOne(client: WireClient, fetchOffset: bigint) {
  return client.request(ApiKey.Fetch, 12, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 50 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{topic: TOPIC, partitions: [{partition: 0, currentLeaderEpoch: -1, fetchOffset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: PARTITION_MAX_BYTES}]}],
    forgottenTopicsData: [], rackId: '',
  });
}

/** The one batch a Fetch from `fetchOffset` returns, checked record by record (and by CRC). */
async function expectBatchAt(response: any, fetchOffset: bigint): Promise<void> {
  const partition = response.responses[0].partitions[0];
  expect(partition.errorCode).toBe(ErrorCode.NONE);
  const entries = [...iterateBatches(partition.records)];
  expect(entries).toHaveLength(1);
  const batch = await decodeBatch(partition.records, 0, {verifyCrc: true});
  const b = Number(fetchOffset) / RECORDS_PER_BATCH;
  expect(batch.records.map((r) => r.value?.toString())).toEqual(Array.from({length: RECORDS_PER_BATCH}, (_, r) => value(b, r)));
}

const takes = () => readBuffers.stats.allocated + readBuffers.stats.reused;

describe('Fetch reads into reused buffers', () => {
  it('reuses them once sent, and never while a response still waits for the socket', async () => {
    const waiting = await connect();
    const reader = await connect();
    // 60 responses of ~150 KB (9 MB) behind a connection that reads nothing: more than the
    // kernel's socket buffers take, so most of them wait in the broker, in their read buffers.
    waiting.pause();
    const offsets = Array.from({length: 60}, (_, i) => BigInt((i % BATCHES) * RECORDS_PER_BATCH));
    const before = takes();
    const held = offsets.map((o) => fetchOne(waiting, o));
    await vi.waitFor(() => expect(takes() - before).toBeGreaterThanOrEqual(offsets.length));

    // Meanwhile another consumer reads the whole log three times, one Fetch after the other.
    const reused = readBuffers.stats.reused;
    for (let pass = 0; pass < 3; pass++) {
      for (let b = 0; b < BATCHES; b++) {
        const offset = BigInt(b * RECORDS_PER_BATCH);
        await expectBatchAt(await fetchOne(reader, offset), offset);
      }
    }
    // Its buffers came back after each response and served the next read.
    expect(readBuffers.stats.reused - reused).toBeGreaterThanOrEqual(3 * BATCHES - 2);

    waiting.resume();
    const responses = await Promise.all(held);
    for (let i = 0; i < offsets.length; i++) await expectBatchAt(responses[i], offsets[i]!);
  });

  it('a connection closed with responses unsent leaves the pool sound', async () => {
    const gone = await connect();
    gone.pause();
    const before = takes();
    for (let i = 0; i < 30; i++) void fetchOne(gone, BigInt((i % BATCHES) * RECORDS_PER_BATCH)).catch(() => undefined);
    await vi.waitFor(() => expect(takes() - before).toBeGreaterThanOrEqual(30));
    gone.close();
    await gone.closed;
    const reader = await connect();
    for (let b = 0; b < BATCHES; b++) {
      const offset = BigInt(b * RECORDS_PER_BATCH);
      await expectBatchAt(await fetchOne(reader, offset), offset);
    }
  });
});
