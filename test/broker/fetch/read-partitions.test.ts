/**
 * How a Fetch reads its partitions (src/broker/fetch/read-partitions.ts, handlers/01-fetch.ts):
 * small reads are made at once, larger ones several at a time through the thread pool, with the
 * byte limits applied as if the partitions were read one after the other; and a fetch that waits
 * for data subscribes to appends only once it must wait, without missing one that came between.
 */
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import {ApiKey} from '../../../src/protocol/api.js';
import {ErrorCode} from '../../../src/protocol/error-codes.js';
import {decodeBatch, encodeBatch, iterateBatches} from '../../../src/records/batch.js';
import {readBuffers} from '../../../src/storage/read-buffers.js';
import {arenaBuffers} from '../../../src/storage/read-arena.js';
import {PooledHandle} from '../../../src/storage/handle-pool.js';
import {startTestBroker, type TestBroker} from '../helpers/broker.js';
import {WireClient} from '../helpers/wire-client.js';
import {PARTITIONS_PER_TURN} from '../../../src/broker/turns.js';

/** Each batch of the 'budget' topic: one 20,000-byte record, so reads of several go through the thread pool. */
const VALUE_BYTES = 20_000;
let batchBytes = 0;
let tb: TestBroker;
let client: WireClient;

beforeAll(async () => {
  tb = await startTestBroker();
  // The pools primed at start are taken and given back in the background: counted after.
  await tb.broker.primed;
  await tb.broker.topics.createTopic('budget', {numPartitions: 5, replicationFactor: -1, configs: {}});
  await tb.broker.topics.createTopic('small', {numPartitions: 50, replicationFactor: -1, configs: {}});
  await tb.broker.topics.createTopic('waiting', {numPartitions: 1, replicationFactor: -1, configs: {}});
  await tb.broker.topics.createTopic('many', {numPartitions: 300, replicationFactor: -1, configs: {}});
  client = await WireClient.connect(tb.broker.port);
  for (let i = 0; i < 10; i++) {
    const partitionData = await Promise.all(Array.from({length: 5}, async (_, index) =>
      ({index, records: await encodeBatch({records: [{value: Buffer.alloc(VALUE_BYTES, 97 + index)}]})})));
    batchBytes = partitionData[0]!.records.length;
    await produce('budget', partitionData);
  }
  await produce('many', await Promise.all(Array.from({length: 300}, async (_, index) => ({index, records: await encodeBatch({records: [{value: Buffer.alloc(400, 97 + (index % 26))}]})}))));
  await produce('small', await Promise.all(Array.from({length: 50}, async (_, index) => ({index, records: await encodeBatch({records: [{value: Buffer.from(`s${index}`)}]})}))));
});
afterAll(async () => {
  client.close();
  await tb.cleanup();
});

async function produce(topic: string, partitionData: Array<{index: number; records: Buffer}>) {
  const res = await client.request(ApiKey.Produce, 9, {transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{name: topic, partitionData}]});
  for (const p of res.responses[0].partitionResponses) expect(p.errorCode).toBe(ErrorCode.NONE);
}

function fetch(topic: string, partitions: number, opts: {maxBytes: number; partitionMaxBytes: number; maxWaitMs?: number; minBytes?: number}) {
  return client.request(ApiKey.Fetch, 12, {replicaId: -1, maxWaitMs: opts.maxWaitMs ?? 0, minBytes: opts.minBytes ?? 0, maxBytes: opts.maxBytes, isolationLevel: 0,
    sessionId: 0, sessionEpoch: -1, forgottenTopicsData: [], rackId: '',
    topics: [{topic, partitions: Array.from({length: partitions}, (_, partition) => ({partition, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: opts.partitionMaxBytes}))}]});
}

const batchesIn = (records: Buffer) => [...iterateBatches(records)].length;

describe('Fetch reads', () => {
  it('reads several partitions at once and applies the byte limits in partition order', async () => {
    let reading = 0;
    let most = 0;
    const read = PooledHandle.prototype.read;
    const spy = vi.spyOn(PooledHandle.prototype, 'read').mockImplementation(async function (this: PooledHandle, ...args) {
      most = Math.max(most, ++reading);
      try {
        return await read.apply(this, args);
      } finally {
        reading--;
      }
    });
    try {
      // 5.5 batches per partition, 18.5 in all: 5, 5, 5, then 3 (what is left), then none.
      const res = await fetch('budget', 5, {maxBytes: Math.floor(batchBytes * 18.5), partitionMaxBytes: Math.floor(batchBytes * 5.5)});
      const parts = res.responses[0].partitions;
      expect(parts.map((p: {errorCode: number}) => p.errorCode)).toEqual([0, 0, 0, 0, 0]);
      expect(parts.map((p: {records: Buffer}) => batchesIn(p.records))).toEqual([5, 5, 5, 3, 0]);
      expect(parts.map((p: {highWatermark: bigint}) => p.highWatermark)).toEqual([10n, 10n, 10n, 10n, 10n]);
    } finally {
      spy.mockRestore();
    }
    // After the first (its KIP-74 flag depends on it), the next two were read at the same time.
    expect(most).toBeGreaterThanOrEqual(2);
    // KIP-74: the first partition returns one whole batch even above both limits.
    const tiny = await fetch('budget', 5, {maxBytes: 100, partitionMaxBytes: 100});
    expect(tiny.responses[0].partitions.map((p: {records: Buffer}) => batchesIn(p.records))).toEqual([1, 0, 0, 0, 0]);
  });

  it('reads small record sets of many partitions without the thread pool', async () => {
    const read = vi.spyOn(PooledHandle.prototype, 'read');
    try {
      const res = await fetch('small', 50, {maxBytes: 1 << 20, partitionMaxBytes: 1 << 20});
      const parts = res.responses[0].partitions;
      expect(parts).toHaveLength(50);
      for (const p of parts) expect(batchesIn(p.records)).toBe(1);
      expect(read).not.toHaveBeenCalled();
    } finally {
      read.mockRestore();
    }
  });

  it('encodes a response of many small record sets into pooled chunks, given back once sent', async () => {
    const check = async () => {
      const res = await fetch('many', 300, {maxBytes: 1 << 20, partitionMaxBytes: 1 << 20});
      const parts = res.responses[0].partitions;
      expect(parts).toHaveLength(300);
      for (const [i, p] of parts.entries()) {
        const batch = await decodeBatch(p.records, 0);
        expect(batch.records[0]!.value!.equals(Buffer.alloc(400, 97 + (i % 26)))).toBe(true);
      }
    };
    await check();
    const {allocated, reused} = readBuffers.stats;
    const arenas = {...arenaBuffers.stats};
    const arenasFree = arenaBuffers.retainedBytes;
    const fileReads = [vi.spyOn(PooledHandle.prototype, 'readNow'), vi.spyOn(PooledHandle.prototype, 'read')];
    try {
      for (let i = 0; i < 5; i++) await check();
      // Just produced, so each partition's batch is still in its segment's tail cache: no file read.
      for (const spy of fileReads) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of fileReads) spy.mockRestore();
    }
    // ~140 KB of records copied into 64 KiB chunks per response: the same chunks every time.
    expect(readBuffers.stats.reused - reused).toBeGreaterThanOrEqual(10);
    expect(readBuffers.stats.allocated).toBe(allocated);
    // The reads themselves went into arenas, given back after each response was encoded: the same memory every time.
    expect(arenaBuffers.stats.reused - arenas.reused).toBeGreaterThanOrEqual(10);
    expect(arenaBuffers.stats.allocated).toBe(arenas.allocated);
    expect(arenaBuffers.retainedBytes).toBe(arenasFree);
  });

  it('looks a topic up once per run of its partitions in a turn, not per partition', async () => {
    const get = vi.spyOn(tb.broker.topics, 'get');
    try {
      const res = await fetch('many', 300, {maxBytes: 1 << 20, partitionMaxBytes: 1 << 20});
      expect(res.responses[0].partitions.map((p: {errorCode: number}) => p.errorCode)).toEqual(new Array(300).fill(ErrorCode.NONE));
      // 300 partitions take two turns (PARTITIONS_PER_TURN), and each starts with a fresh lookup.
      expect(get.mock.calls.filter(([name]) => name === 'many')).toHaveLength(Math.ceil(300 / PARTITIONS_PER_TURN));
    } finally {
      get.mockRestore();
    }
  });

  it('answers a fetch at once without subscribing, and wakes a waiting one for an append made before it subscribed', async () => {
    const appends = tb.broker.topics.appends;
    const subscribe = vi.spyOn(appends, 'subscribe');
    try {
      await fetch('small', 50, {maxBytes: 1 << 20, partitionMaxBytes: 1 << 20, maxWaitMs: 10_000, minBytes: 1});
      expect(subscribe).not.toHaveBeenCalled();
      // The append lands after the read found nothing and before the fetch subscribes: its
      // notification finds no one, so only the check after subscribing can see it.
      const late = await encodeBatch({records: [{value: Buffer.from('late')}]});
      const original = subscribe.getMockImplementation();
      subscribe.mockImplementation((keys, listener) => {
        expect(tb.broker.topics.appendNow('waiting', 0, Buffer.from(late))).toBeDefined();
        return (original ?? appends.constructor.prototype.subscribe).call(appends, keys, listener);
      });
      const started = performance.now();
      const res = await fetch('waiting', 1, {maxBytes: 1 << 20, partitionMaxBytes: 1 << 20, maxWaitMs: 10_000, minBytes: 1});
      expect(batchesIn(res.responses[0].partitions[0].records)).toBe(1);
      expect(performance.now() - started).toBeLessThan(5000);
      expect(subscribe).toHaveBeenCalledTimes(1);
    } finally {
      subscribe.mockRestore();
    }
  }, 20_000);
});
