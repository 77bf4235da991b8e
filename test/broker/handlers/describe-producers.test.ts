/** DescribeProducers on the wire: the partition's idempotent producers, and Kafka's per-partition errors. */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ApiKey} from '../../../src/protocol/api.js';
import {ErrorCode} from '../../../src/protocol/error-codes.js';
import {encodeBatch} from '../../../src/records/batch.js';
import {startTestBroker, type TestBroker} from '../helpers/broker.js';
import {WireClient} from '../helpers/wire-client.js';

let tb: TestBroker;
let wire: WireClient;
beforeAll(async () => {
  tb = await startTestBroker();
  await tb.broker.topics.createTopic('dp', {numPartitions: 3, replicationFactor: -1, configs: {}});
  await tb.broker.topics.logsCreated('dp');
  wire = await WireClient.connect(tb.broker.port);
});
afterAll(async () => {
  wire?.close();
  await tb?.cleanup();
});

const describeProducers = (topics: {name: string; partitionIndexes: number[]}[]) => wire.request(ApiKey.DescribeProducers, 0, {topics});

async function initProducer(): Promise<bigint> {
  const r = await wire.request(ApiKey.InitProducerId, 4, {transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1});
  expect(r.errorCode).toBe(0);
  return r.producerId;
}

/** Produce `count` records of one batch at `baseSequence`, all with timestamp `ts`. */
async function produce(partition: number, producerId: bigint, baseSequence: number, count: number, ts: number) {
  const records = await encodeBatch({records: Array.from({length: count}, (_, i) => ({key: null, value: `v${i}`, timestamp: ts})),
    producerId, producerEpoch: 0, baseSequence});
  const res = await wire.request(ApiKey.Produce, 9, {transactionalId: null, acks: -1, timeoutMs: 5000,
    topicData: [{name: 'dp', partitionData: [{index: partition, records}]}]});
  expect(res.responses[0].partitionResponses[0].errorCode).toBe(0);
}

describe('DescribeProducers', () => {
  it('is advertised v0', async () => {
    const res = await wire.request(ApiKey.ApiVersions, 3, {clientSoftwareName: 't', clientSoftwareVersion: '1'});
    expect(res.apiKeys.find((k: {apiKey: number}) => k.apiKey === ApiKey.DescribeProducers)).toEqual({apiKey: ApiKey.DescribeProducers, minVersion: 0, maxVersion: 0});
  });

  it('lists each idempotent producer of a partition with its epoch, last sequence and last timestamp', async () => {
    const first = await initProducer();
    const second = await initProducer();
    await produce(0, second, 0, 4, 1_700_000_000_000);
    await produce(0, first, 0, 3, 1_700_000_000_100);
    await produce(0, first, 3, 2, 1_700_000_000_200);
    await produce(1, first, 0, 1, 1_700_000_000_300);
    const res = await describeProducers([{name: 'dp', partitionIndexes: [0, 1, 2]}]);
    const producer = (producerId: bigint, lastSequence: number, lastTimestamp: number) =>
      ({producerId, producerEpoch: 0, lastSequence, lastTimestamp: BigInt(lastTimestamp), coordinatorEpoch: -1, currentTxnStartOffset: -1n});
    const [low, high] = first < second ? [producer(first, 4, 1_700_000_000_200), producer(second, 3, 1_700_000_000_000)]
      : [producer(second, 3, 1_700_000_000_000), producer(first, 4, 1_700_000_000_200)];
    expect(res).toEqual({throttleTimeMs: 0, topics: [{name: 'dp', partitions: [
      {partitionIndex: 0, errorCode: 0, errorMessage: null, activeProducers: [low, high]},
      {partitionIndex: 1, errorCode: 0, errorMessage: null, activeProducers: [producer(first, 0, 1_700_000_000_300)]},
      {partitionIndex: 2, errorCode: 0, errorMessage: null, activeProducers: []},
    ]}]});
  });

  it('answers an unknown topic, an unknown partition and an illegal name per partition, as Kafka', async () => {
    const res = await describeProducers([
      {name: 'nope', partitionIndexes: [0, 1]},
      {name: 'dp', partitionIndexes: [3, -1]},
      {name: 'bad/name', partitionIndexes: [0]},
      {name: '', partitionIndexes: [0]},
    ]);
    const none = {activeProducers: []};
    expect(res.topics).toEqual([
      {name: 'nope', partitions: [0, 1].map((p) => ({partitionIndex: p, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        errorMessage: 'This server does not host this topic-partition.', ...none}))},
      {name: 'dp', partitions: [3, -1].map((p) => ({partitionIndex: p, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null, ...none}))},
      {name: 'bad/name', partitions: [{partitionIndex: 0, errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION,
        errorMessage: 'Topic name "bad/name" is illegal, it contains a character other than ASCII alphanumerics, \'.\', \'_\' and \'-\'', ...none}]},
      {name: '', partitions: [{partitionIndex: 0, errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: 'Topic name is illegal, it can\'t be empty', ...none}]},
    ]);
    expect(await describeProducers([])).toEqual({throttleTimeMs: 0, topics: []});
  });
});
