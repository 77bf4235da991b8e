import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ApiKey, supportedVersions} from '../../../src/protocol/api.js';
import {ErrorCode} from '../../../src/protocol/error-codes.js';
import {decodeBatch, encodeBatch, iterateBatches} from '../../../src/records/batch.js';
import {decodeLegacyEntry} from '../../../src/records/legacy.js';
import {startTestBroker, TestBroker} from '../helpers/broker.js';
import {WireClient} from '../helpers/wire-client.js';

let tb: TestBroker;
let client: WireClient;
beforeAll(async () => {
  tb = await startTestBroker();
  for (const name of ['p', 'f', 'small']) {
    await tb.broker.topics.createTopic(name, {numPartitions: 2, replicationFactor: -1, configs: name === 'small' ? {'max.message.bytes': '200'} : {}});
  }
  client = await WireClient.connect(tb.broker.port);
});
afterAll(async () => {
  client.close();
  await tb.cleanup();
});

function produceBody(topic: string, partition: number, records: Buffer | null, acks = -1) {
  return {transactionalId: null, acks, timeoutMs: 5000, topicData: [{name: topic, partitionData: [{index: partition, records}]}]};
}

async function produce(version: number, topic: string, partition: number, records: Buffer | null, acks = -1) {
  const res = await client.request(ApiKey.Produce, version, produceBody(topic, partition, records, acks));
  return res.responses[0].partitionResponses[0];
}

function fetchBody(version: number, topic: string, partition: number, fetchOffset: bigint, extra: Record<string, unknown> = {}) {
  const info = tb.broker.topics.get(topic);
  return {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{topic, topicId: info?.topicId ?? 'AAAAAAAAAAAAAAAAAAAAAA', partitions: [{partition, currentLeaderEpoch: -1, fetchOffset,
      logStartOffset: -1, partitionMaxBytes: 1 << 20, ...(extra.partition as object ?? {})}]}],
    forgottenTopicsData: [], rackId: '', ...extra,
  };
}

async function values(records: Buffer): Promise<string[]> {
  const out: string[] = [];
  for (const entry of iterateBatches(records)) {
    // Fetch v0-v3 get legacy message sets (down-converted), v4+ v2 batches.
    const batch = entry.header.magic < 2 ? await decodeLegacyEntry(records, entry.position) : await decodeBatch(records, entry.position);
    for (const r of batch.records) out.push(r.value?.toString() ?? 'null');
  }
  return out;
}

describe('Produce', () => {
  it('appends in every version from 3 up, reporting offsets per version', async () => {
    const {max} = supportedVersions(ApiKey.Produce)!;
    let expected = 0n;
    for (let v = 3; v <= max; v++) {
      const records = await encodeBatch({records: [{value: `v${v}-a`}, {value: `v${v}-b`}]});
      const r = await produce(v, 'p', 0, records);
      expect(r.errorCode, `v${v}`).toBe(ErrorCode.NONE);
      expect(r.baseOffset).toBe(expected);
      if (v >= 2) expect(r.logAppendTimeMs).toBe(-1n);
      if (v >= 5) expect(r.logStartOffset).toBe(0n);
      expected += 2n;
    }
    expect(tb.broker.topics.getLog('p', 0)!.logEndOffset).toBe(expected);
  });

  it('reports LogAppendTime when the topic uses it', async () => {
    await tb.broker.topics.createTopic('appendtime', {numPartitions: 1, replicationFactor: 1, configs: {'message.timestamp.type': 'LogAppendTime'}});
    const before = BigInt(Date.now());
    const r = await produce(8, 'appendtime', 0, await encodeBatch({records: [{value: 'x', timestamp: 5n}]}));
    expect(r.logAppendTimeMs).toBeGreaterThanOrEqual(before);
  });

  it('refuses acks=all with NOT_ENOUGH_REPLICAS when min.insync.replicas exceeds the ISR, appending nothing', async () => {
    await tb.broker.topics.createTopic('minisr', {numPartitions: 1, replicationFactor: 1, configs: {'min.insync.replicas': '2'}});
    const one = await encodeBatch({records: [{value: 'x'}]});
    const refused = await produce(9, 'minisr', 0, one, -1);
    expect(refused.errorCode).toBe(ErrorCode.NOT_ENOUGH_REPLICAS);
    expect(refused.errorMessage).toBe('The size of the current ISR Set(1) is insufficient to satisfy the min.isr requirement of 2 for partition minisr-0');
    expect(tb.broker.topics.getLog('minisr', 0)!.logEndOffset).toBe(0n);
    expect((await produce(9, 'minisr', 0, one, 1)).errorCode).toBe(ErrorCode.NONE);
  });

  it('gives per-partition errors', async () => {
    const one = await encodeBatch({records: [{value: 'x'}]});
    expect((await produce(9, 'nope', 0, one)).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect((await produce(9, 'p', 7, one)).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect((await produce(9, 'p', 0, one, 2)).errorCode).toBe(ErrorCode.INVALID_REQUIRED_ACKS);
    expect((await produce(9, '__consumer_offsets', 0, one)).errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    const corrupt = Buffer.from(one);
    corrupt[corrupt.length - 1] ^= 0xff;
    const bad = await produce(9, 'p', 1, corrupt);
    expect(bad.errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(bad.errorMessage).toBeTruthy();
    const big = await encodeBatch({records: [{value: Buffer.alloc(500, 1)}]});
    expect((await produce(9, 'small', 0, big)).errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    const two = Buffer.concat([one, await encodeBatch({records: [{value: 'y'}]})]);
    expect((await produce(9, 'p', 1, two)).errorCode).toBe(ErrorCode.INVALID_RECORD);
    expect(tb.broker.topics.getLog('p', 1)!.logEndOffset).toBe(0n);
  });
});

describe('Fetch', () => {
  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      await produce(9, 'f', 0, await encodeBatch({records: [{value: `rec-${i}`}]}));
    }
  });

  it('reads back what was produced in every version', async () => {
    const {max} = supportedVersions(ApiKey.Fetch)!;
    for (let v = 0; v <= max; v++) {
      const res = await client.request(ApiKey.Fetch, v, fetchBody(v, 'f', 0, 1n));
      const part = res.responses[0].partitions[0];
      expect(part.errorCode, `v${v}`).toBe(ErrorCode.NONE);
      expect(part.highWatermark).toBe(3n);
      expect(await values(part.records)).toEqual(['rec-1', 'rec-2']);
      if (v >= 4) expect(part.lastStableOffset).toBe(3n);
      if (v >= 5) expect(part.logStartOffset).toBe(0n);
      if (v >= 13) expect(res.responses[0].topicId).toBe(tb.broker.topics.get('f')!.topicId);
      else expect(res.responses[0].topic).toBe('f');
      if (v >= 7) expect(res.sessionId).toBe(0);
    }
  });

  it('gives read_committed an empty aborted list and read_uncommitted none', async () => {
    const committed = await client.request(ApiKey.Fetch, 11, fetchBody(11, 'f', 0, 0n, {isolationLevel: 1}));
    expect(committed.responses[0].partitions[0].abortedTransactions).toEqual([]);
    const uncommitted = await client.request(ApiKey.Fetch, 11, fetchBody(11, 'f', 0, 0n));
    expect(uncommitted.responses[0].partitions[0].abortedTransactions).toBeNull();
  });

  it('reports OFFSET_OUT_OF_RANGE, unknown topics and unknown topic ids', async () => {
    const out = await client.request(ApiKey.Fetch, 11, fetchBody(11, 'f', 0, 99n));
    expect(out.responses[0].partitions[0]).toMatchObject({errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, highWatermark: -1n});
    const unknown = await client.request(ApiKey.Fetch, 11, fetchBody(11, 'missing', 0, 0n));
    expect(unknown.responses[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const body = fetchBody(13, 'f', 0, 0n);
    body.topics[0]!.topicId = 'AAAAAAAAAAAAAAAAAAAAAQ';
    const byId = await client.request(ApiKey.Fetch, 13, body);
    expect(byId.responses[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID);
  });

  it('fences stale and unknown leader epochs', async () => {
    const future = await client.request(ApiKey.Fetch, 11, fetchBody(11, 'f', 0, 0n, {partition: {currentLeaderEpoch: 5}}));
    expect(future.responses[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_LEADER_EPOCH);
    const current = await client.request(ApiKey.Fetch, 11, fetchBody(11, 'f', 0, 0n, {partition: {currentLeaderEpoch: 0}}));
    expect(current.responses[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
  });

  it('returns at least one whole batch beyond max bytes from v3, nothing in v2', async () => {
    const v11 = await client.request(ApiKey.Fetch, 11, fetchBody(11, 'f', 0, 0n, {maxBytes: 10, partition: {partitionMaxBytes: 10}}));
    expect(await values(v11.responses[0].partitions[0].records)).toEqual(['rec-0']);
    const v2 = await client.request(ApiKey.Fetch, 2, fetchBody(2, 'f', 0, 0n, {partition: {partitionMaxBytes: 10}}));
    expect(v2.responses[0].partitions[0].records.length).toBe(0);
  });

  it('applies max_bytes across partitions: the first with data gets one batch, later ones what is left', async () => {
    await tb.broker.topics.createTopic('two', {numPartitions: 2, replicationFactor: 1, configs: {}});
    for (const p of [0, 1]) await produce(9, 'two', p, await encodeBatch({records: [{value: Buffer.alloc(100, p)}]}));
    const body = (maxBytes: number) => ({
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{topic: 'two', partitions: [0, 1].map((partition) => ({partition, currentLeaderEpoch: -1, fetchOffset: 0n, logStartOffset: -1, partitionMaxBytes: 1 << 20}))}],
      forgottenTopicsData: [], rackId: '',
    });
    const tight = await client.request(ApiKey.Fetch, 11, body(50));
    expect(tight.responses[0].partitions.map((p: {records: Buffer}) => p.records.length > 0)).toEqual([true, false]);
    expect(tight.responses[0].partitions[1].highWatermark).toBe(1n);
    const roomy = await client.request(ApiKey.Fetch, 11, body(1 << 20));
    expect(roomy.responses[0].partitions.map((p: {records: Buffer}) => p.records.length > 0)).toEqual([true, true]);
  });

  it('long-polls until an append arrives', async () => {
    const end = tb.broker.topics.getLog('f', 1)!.logEndOffset;
    const started = Date.now();
    const pending = client.request(ApiKey.Fetch, 12, fetchBody(12, 'f', 1, end, {maxWaitMs: 20000, minBytes: 1}));
    const producer = await WireClient.connect(tb.broker.port);
    await producer.request(ApiKey.Produce, 9, produceBody('f', 1, await encodeBatch({records: [{value: 'wake up'}]})));
    const res = await pending;
    expect(await values(res.responses[0].partitions[0].records)).toEqual(['wake up']);
    expect(Date.now() - started).toBeLessThan(10000);
    expect(tb.broker.topics.appends.waitingPartitions).toBe(0);
    producer.close();
  });

  // Found by test/broker/fuzz.test.ts: a Fetch (minBytes 29184, maxWaitMs 822083584) from offset 0
  // of a log whose first segment held 3.5 KB waited out maxWaitMs, though the log held 122 KB.
  it('answers at once when the read stops at the end of an older segment, as Kafka\'s DelayedFetch (case F)', async () => {
    await tb.broker.topics.createTopic('rolled', {numPartitions: 1, replicationFactor: -1, configs: {'segment.bytes': '1024'}});
    for (let i = 0; i < 6; i++) {
      expect((await produce(9, 'rolled', 0, await encodeBatch({records: [{value: 'x'.repeat(400)}]}))).errorCode).toBe(ErrorCode.NONE);
    }
    const log = tb.broker.topics.getLog('rolled', 0)!;
    expect(log.onOlderSegment(0n)).toBe(true);
    expect(log.onOlderSegment(log.logEndOffset - 1n)).toBe(false);
    for (const version of [2, 12]) {
      const started = Date.now();
      const res = await client.request(ApiKey.Fetch, version, fetchBody(version, 'rolled', 0, 0n, {maxWaitMs: 20000, minBytes: 1 << 20}));
      expect(Date.now() - started).toBeLessThan(5000);
      expect((await values(res.responses[0].partitions[0].records)).length).toBeGreaterThan(0);
    }
    // From the active segment, the same request still long-polls until max wait.
    const started = Date.now();
    const res = await client.request(ApiKey.Fetch, 12, fetchBody(12, 'rolled', 0, log.logEndOffset - 1n, {maxWaitMs: 300, minBytes: 1 << 20}));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect((await values(res.responses[0].partitions[0].records)).length).toBe(1);
  });

  it('returns empty after max wait when nothing arrives', async () => {
    const end = tb.broker.topics.getLog('f', 1)!.logEndOffset;
    const started = Date.now();
    const res = await client.request(ApiKey.Fetch, 12, fetchBody(12, 'f', 1, end, {maxWaitMs: 150, minBytes: 1}));
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(res.responses[0].partitions[0].records.length).toBe(0);
  });

  it('serves incremental fetch sessions', async () => {
    const both = (sessionId: number, sessionEpoch: number, offsets: [bigint, bigint]) => ({
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId, sessionEpoch,
      topics: [{topic: 'f', partitions: [0, 1].map((partition) => ({partition, currentLeaderEpoch: -1, fetchOffset: offsets[partition]!,
        logStartOffset: -1, partitionMaxBytes: 1 << 20}))}],
      forgottenTopicsData: [], rackId: '',
    });
    const hw0 = tb.broker.topics.getLog('f', 0)!.highWatermark;
    const hw1 = tb.broker.topics.getLog('f', 1)!.highWatermark;
    const first = await client.request(ApiKey.Fetch, 12, both(0, 0, [hw0, hw1]));
    expect(first.sessionId).toBeGreaterThan(0);
    expect(first.responses[0].partitions).toHaveLength(2);
    // Nothing changed: the incremental response lists no partitions.
    const quiet = await client.request(ApiKey.Fetch, 12, {...both(first.sessionId, 1, [hw0, hw1]), topics: []});
    expect(quiet.sessionId).toBe(first.sessionId);
    expect(quiet.responses).toEqual([]);
    await produce(9, 'f', 1, await encodeBatch({records: [{value: 'news'}]}));
    const news = await client.request(ApiKey.Fetch, 12, {...both(first.sessionId, 2, [hw0, hw1]), topics: []});
    expect(news.responses).toHaveLength(1);
    expect(news.responses[0].partitions.map((p: {partitionIndex: number}) => p.partitionIndex)).toEqual([1]);
    expect(await values(news.responses[0].partitions[0].records)).toEqual(['news']);
    const wrongEpoch = await client.request(ApiKey.Fetch, 12, {...both(first.sessionId, 9, [hw0, hw1]), topics: []});
    expect(wrongEpoch.errorCode).toBe(ErrorCode.INVALID_FETCH_SESSION_EPOCH);
    const unknown = await client.request(ApiKey.Fetch, 12, {...both(12345, 1, [hw0, hw1]), topics: []});
    expect(unknown.errorCode).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
  });
});
