/**
 * A topic's compression.type on the wire: a produced batch in another codec is stored in the
 * topic's (the broker's compression.type when the topic has none), `producer` keeps the
 * producer's; records, producer fields and idempotent de-duplication survive the rewrite.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {Kafka, logLevel} from 'kafkajs';
import {ApiKey} from '../../../src/protocol/api.js';
import {ErrorCode} from '../../../src/protocol/error-codes.js';
import {ATTR_COMPRESSION_MASK, ATTR_TIMESTAMP_TYPE, CompressionType} from '../../../src/records/batch-header.js';
import {type DecodedBatch, type EncodeBatchInput, decodeBatch, encodeBatch, iterateBatches} from '../../../src/records/batch.js';
import {registerKafkajsCodecs} from '../../interop/helpers.js';
import {startTestBroker, type TestBroker} from '../helpers/broker.js';
import {WireClient} from '../helpers/wire-client.js';

/** Recent: a first timestamp older than segment.ms would roll the segment. */
const TS = BigInt(Date.now() - 60_000);

let tb: TestBroker;
let client: WireClient;
beforeAll(async () => {
  // The broker's default is lz4: topics without an override take it.
  tb = await startTestBroker({'compression.type': 'lz4'});
  const topics: Record<string, Record<string, string>> = {
    zstd: {'compression.type': 'zstd'},
    plain: {'compression.type': 'uncompressed'},
    keep: {'compression.type': 'producer'},
    'broker-default': {},
    idem: {'compression.type': 'zstd'},
    small: {'compression.type': 'uncompressed', 'max.message.bytes': '2000'},
    appendtime: {'compression.type': 'gzip', 'message.timestamp.type': 'LogAppendTime'},
    altered: {'compression.type': 'producer'},
  };
  for (const [name, configs] of Object.entries(topics)) {
    await tb.broker.topics.createTopic(name, {numPartitions: 1, replicationFactor: 1, configs});
  }
  client = await WireClient.connect(tb.broker.port);
});
afterAll(async () => {
  client?.close();
  await tb?.cleanup();
});

const RECORDS: EncodeBatchInput['records'] = [
  {key: 'k0', value: 'v0', timestamp: TS + 5n, headers: [{key: 'trace', value: 'abc'}, {key: 'empty', value: null}]},
  {key: null, value: Buffer.from([0, 1, 2, 255]), timestamp: TS},
  {key: 'k2', value: null, timestamp: TS + 2n},
];

function produce(topic: string, records: Buffer, version = 9) {
  return client.request(ApiKey.Produce, version, {transactionalId: null, acks: -1, timeoutMs: 5000,
    topicData: [{name: topic, partitionData: [{index: 0, records}]}]}).then((res) => res.responses[0].partitionResponses[0]);
}

/** Every batch of the partition from `offset`, decoded (Fetch v12). */
async function fetchBatches(topic: string, offset = 0n): Promise<DecodedBatch[]> {
  const records = await fetchRaw(topic, offset);
  const batches = [];
  for (const entry of iterateBatches(records)) batches.push(await decodeBatch(records, entry.position));
  return batches;
}

/** The stored bytes of the partition from `offset` (Fetch v12). */
async function fetchRaw(topic: string, offset: bigint): Promise<Buffer> {
  const res = await client.request(ApiKey.Fetch, 12, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{topic, partitions: [{partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1, partitionMaxBytes: 1 << 20}]}],
    forgottenTopicsData: [], rackId: '',
  });
  const part = res.responses[0].partitions[0];
  expect(part.errorCode).toBe(ErrorCode.NONE);
  return part.records;
}

const codecOf = (b: DecodedBatch) => b.header.attributes & ATTR_COMPRESSION_MASK;
const logEnd = (topic: string) => tb.broker.topics.getLog(topic, 0)!.logEndOffset;

/** Produce `codec`, expect it stored as `stored` with the same records (the offsets are the log's). */
async function roundTrip(topic: string, codec: CompressionType, stored: CompressionType): Promise<DecodedBatch> {
  const sent = await encodeBatch({records: RECORDS, compression: codec});
  const expected = (await decodeBatch(sent)).records;
  const res = await produce(topic, sent);
  expect(res.errorCode).toBe(ErrorCode.NONE);
  const [batch] = await fetchBatches(topic, res.baseOffset);
  expect(codecOf(batch!), `${topic}: ${codec} stored as`).toBe(stored);
  expect(batch!.header.baseOffset).toBe(res.baseOffset);
  expect(batch!.records).toEqual(expected.map((r) => ({...r, offset: r.offset + res.baseOffset})));
  expect(batch!.header.maxTimestamp).toBe(TS + 5n);
  return batch!;
}

describe('Produce into a topic with compression.type', () => {
  it('zstd stores an uncompressed batch as zstd, the same records', async () => {
    await roundTrip('zstd', CompressionType.None, CompressionType.Zstd);
    await roundTrip('zstd', CompressionType.Gzip, CompressionType.Zstd);
    await roundTrip('zstd', CompressionType.Zstd, CompressionType.Zstd);
  });

  it('uncompressed turns a gzip batch into an uncompressed one', async () => {
    await roundTrip('plain', CompressionType.Gzip, CompressionType.None);
    await roundTrip('plain', CompressionType.Snappy, CompressionType.None);
  });

  it('producer keeps every codec; without a topic override the broker\'s compression.type applies', async () => {
    for (const codec of [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd]) {
      await roundTrip('keep', codec, codec);
      await roundTrip('broker-default', codec, CompressionType.Lz4);
    }
  });

  it('follows a change of the topic\'s compression.type', async () => {
    await roundTrip('altered', CompressionType.Gzip, CompressionType.Gzip);
    await tb.broker.topics.setTopicConfigs('altered', {'compression.type': 'snappy'});
    await roundTrip('altered', CompressionType.Gzip, CompressionType.Snappy);
    await tb.broker.topics.setTopicConfigs('altered', {});
    await roundTrip('altered', CompressionType.Gzip, CompressionType.Lz4);
  });

  it('LogAppendTime: the rewritten batch carries the append time, records their own timestamps', async () => {
    const before = BigInt(Date.now());
    const res = await produce('appendtime', await encodeBatch({records: RECORDS}));
    expect(res.errorCode).toBe(ErrorCode.NONE);
    expect(res.logAppendTimeMs).toBeGreaterThanOrEqual(before);
    const [batch] = await fetchBatches('appendtime', res.baseOffset);
    expect(codecOf(batch!)).toBe(CompressionType.Gzip);
    expect(batch!.header.attributes & ATTR_TIMESTAMP_TYPE).not.toBe(0);
    expect(batch!.header.maxTimestamp).toBe(res.logAppendTimeMs);
  });

  it('MESSAGE_TOO_LARGE when the rewritten batch exceeds max.message.bytes, nothing appended', async () => {
    const records = Array.from({length: 50}, (_, i) => ({value: 'x'.repeat(100), timestamp: TS + BigInt(i)}));
    const sent = await encodeBatch({records, compression: CompressionType.Gzip});
    expect(sent.length).toBeLessThan(2000);
    const res = await produce('small', sent);
    expect(res.errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    expect(res.errorMessage).toMatch(/^Message batch size is \d+ bytes in append to partition small-0 which exceeds the maximum configured size of 2000\.$/);
    expect(logEnd('small')).toBe(0n);
  });

  it('appends in the order the batches came, recompressed or not', async () => {
    // gzip is rewritten (asynchronously); the uncompressed batches behind it are not, and wait their turn.
    const values = ['a', 'b', 'c', 'd'];
    const batches = await Promise.all(values.map((v, i) =>
      encodeBatch({records: [{value: v, timestamp: TS}], compression: i % 2 === 0 ? CompressionType.Gzip : CompressionType.None})));
    const start = logEnd('plain');
    const results = await Promise.all(batches.map((b) => produce('plain', b)));
    expect(results.map((r) => r.baseOffset)).toEqual(values.map((_, i) => start + BigInt(i)));
    const stored = await fetchBatches('plain', start);
    expect(stored.map((b) => b.records[0]!.value!.toString())).toEqual(values);
    expect(stored.map(codecOf)).toEqual(values.map(() => CompressionType.None));
  });
});

describe('a compressed batch whose inner offsets are not 0, 1, ... (some old clients)', () => {
  it('is rewritten in its own codec with the offsets renumbered, as Kafka does', async () => {
    const cases: Array<[string, CompressionType]> = [['keep', CompressionType.Gzip], ['keep', CompressionType.Lz4], ['zstd', CompressionType.Zstd]];
    for (const [topic, codec] of cases) {
      // Deltas 5, 6, 7 with last offset delta 2: the count and the range agree, the inner offsets do not.
      const shifted = await encodeBatch({records: RECORDS.map((r, i) => ({...r, offsetDelta: i + 5})), lastOffsetDelta: RECORDS.length - 1, compression: codec});
      const res = await produce(topic, shifted);
      expect(res.errorCode).toBe(ErrorCode.NONE);
      const [batch] = await fetchBatches(topic, res.baseOffset);
      expect(codecOf(batch!), topic).toBe(codec);
      expect(batch!.records.map((r) => r.offset)).toEqual(RECORDS.map((_, i) => res.baseOffset + BigInt(i)));
      expect(batch!.records.map((r) => [r.key?.toString() ?? null, r.value?.toString('hex') ?? null])).toEqual(RECORDS.map((r) =>
        [r.key === null ? null : String(r.key), r.value === null ? null : Buffer.from(r.value as string | Buffer).toString('hex')]));
      expect(logEnd(topic)).toBe(res.baseOffset + BigInt(RECORDS.length));
    }
  });

  it('in order, it is stored as produced, not recompressed', async () => {
    const records = Array.from({length: 20}, (_, i) => ({key: `k${i}`, value: `record ${i} `.repeat(40), timestamp: TS + BigInt(i)}));
    const fast = await encodeBatch({records, compression: CompressionType.Gzip, compressionLevel: 1});
    // A rewrite (at the default level) would give other bytes: the check below can tell.
    expect(fast.subarray(61).equals((await encodeBatch({records, compression: CompressionType.Gzip})).subarray(61))).toBe(false);
    const res = await produce('keep', fast);
    expect(res.errorCode).toBe(ErrorCode.NONE);
    const stored = await fetchRaw('keep', res.baseOffset);
    expect(stored.subarray(61, fast.length).equals(fast.subarray(61))).toBe(true);
  });
});

describe('idempotent produce into a recompressing topic', () => {
  it('keeps producer id, epoch and sequence, and a retry is de-duplicated', async () => {
    const init = await client.request(ApiKey.InitProducerId, 4, {transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1});
    expect(init.errorCode).toBe(ErrorCode.NONE);
    const {producerId, producerEpoch} = init;
    const first = await encodeBatch({records: RECORDS, producerId, producerEpoch, baseSequence: 0});
    const res = await produce('idem', first);
    expect(res.errorCode).toBe(ErrorCode.NONE);
    const end = logEnd('idem');
    // The retry (same producer id and sequence) answers the first append's offset, appending nothing.
    const retry = await produce('idem', first);
    expect(retry).toMatchObject({errorCode: ErrorCode.NONE, baseOffset: res.baseOffset});
    expect(logEnd('idem')).toBe(end);
    const next = await produce('idem', await encodeBatch({records: [{value: 'n', timestamp: TS}], producerId, producerEpoch, baseSequence: 3}));
    expect(next).toMatchObject({errorCode: ErrorCode.NONE, baseOffset: end});
    // A gap in the sequence is still refused.
    const gap = await produce('idem', await encodeBatch({records: [{value: 'g', timestamp: TS}], producerId, producerEpoch, baseSequence: 9}));
    expect(gap.errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    const batches = await fetchBatches('idem');
    expect(batches.map(codecOf)).toEqual([CompressionType.Zstd, CompressionType.Zstd]);
    expect(batches.map((b) => [b.header.producerId, b.header.producerEpoch, b.header.baseSequence]))
      .toEqual([[producerId, producerEpoch, 0], [producerId, producerEpoch, 3]]);
  });
});

describe('kafkajs', () => {
  it('reads back what a zstd topic stored from an uncompressed producer', async () => {
    registerKafkajsCodecs();
    const kafka = new Kafka({clientId: 'recompress', brokers: [`127.0.0.1:${tb.broker.port}`], logLevel: logLevel.NOTHING});
    const producer = kafka.producer();
    await producer.connect();
    await tb.broker.topics.createTopic('kjs', {numPartitions: 1, replicationFactor: 1, configs: {'compression.type': 'zstd'}});
    const sent = Array.from({length: 20}, (_, i) => ({key: `k${i}`, value: `value ${i}`, headers: {n: String(i)}}));
    await producer.send({topic: 'kjs', messages: sent});
    await producer.disconnect();
    expect(codecOf((await fetchBatches('kjs'))[0]!)).toBe(CompressionType.Zstd);

    const consumer = kafka.consumer({groupId: 'recompress-read'});
    await consumer.connect();
    await consumer.subscribe({topic: 'kjs', fromBeginning: true});
    const got: Array<{key: string; value: string; n: string}> = [];
    await new Promise<void>((resolve, reject) => {
      consumer.run({eachMessage: async ({message}) => {
        got.push({key: message.key!.toString(), value: message.value!.toString(), n: message.headers!.n!.toString()});
        if (got.length === sent.length) resolve();
      }}).catch(reject);
    });
    await consumer.disconnect();
    expect(got).toEqual(sent.map((m, i) => ({key: m.key, value: m.value, n: String(i)})));
  });
});
