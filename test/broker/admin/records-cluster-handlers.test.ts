/** DeleteRecords, DescribeCluster and DescribeLogDirs through the codec against a started broker, every version. */
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {encodeBatch} from '../../../src/records/batch.js';
import {ErrorCode} from '../../../src/protocol/error-codes.js';
import {RawClient, StartedBroker, startTestBroker} from './helpers.js';

let broker: StartedBroker;
let cleanup: () => Promise<void>;
let client: RawClient;

async function produce(topic: string, partition: number, count: number): Promise<void> {
  const records = Array.from({length: count}, (_, i) => ({key: null, value: Buffer.from(`value-${i}`)}));
  await broker.topics.append(topic, partition, await encodeBatch({records}));
}

beforeAll(async () => {
  ({broker, cleanup} = await startTestBroker({'broker.rack': 'rack-a'}));
  client = await RawClient.connect(broker.port);
  await broker.topics.createTopic('trim', {numPartitions: 2, replicationFactor: 1, configs: {}});
  await broker.topics.createTopic('compacted', {numPartitions: 1, replicationFactor: 1, configs: {'cleanup.policy': 'compact'}});
  await produce('trim', 0, 10);
  await produce('trim', 1, 4);
  await produce('compacted', 0, 3);
});
afterAll(async () => {
  client?.close();
  await cleanup?.();
});

describe('DeleteRecords', () => {
  it('moves the log start offset in every version and reports the low watermark', async () => {
    for (let v = 0; v <= 2; v++) {
      const offset = BigInt(2 + v * 2);
      const res = await client.send(21, v, {timeoutMs: 5000, topics: [{name: 'trim', partitions: [{partitionIndex: 0, offset}]}]});
      expect(res.topics[0].partitions[0], `v${v}`).toEqual({partitionIndex: 0, lowWatermark: offset, errorCode: ErrorCode.NONE});
      expect(broker.topics.getLog('trim', 0)!.logStartOffset).toBe(offset);
    }
  });

  it('offset -1 means the high watermark; beyond it, unknown partitions and compacted topics fail', async () => {
    const res = await client.send(21, 2, {timeoutMs: 5000, topics: [
      {name: 'trim', partitions: [{partitionIndex: 1, offset: -1n}, {partitionIndex: 0, offset: 11n}, {partitionIndex: 5, offset: 0n}]},
      {name: 'missing', partitions: [{partitionIndex: 0, offset: 0n}]},
      {name: 'compacted', partitions: [{partitionIndex: 0, offset: 1n}]},
    ]});
    const [trim, missing, compacted] = res.topics;
    expect(trim.partitions).toEqual([
      {partitionIndex: 1, lowWatermark: 4n, errorCode: ErrorCode.NONE},
      {partitionIndex: 0, lowWatermark: -1n, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE},
      {partitionIndex: 5, lowWatermark: -1n, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION},
    ]);
    expect(missing.partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(compacted.partitions[0].errorCode).toBe(ErrorCode.POLICY_VIOLATION);
    expect(broker.topics.getLog('trim', 0)!.logStartOffset).toBe(6n);
  });
});

describe('DescribeCluster', () => {
  it('describes this node as the cluster in v0 and v1', async () => {
    for (let v = 0; v <= 1; v++) {
      const res = await client.send(60, v, {includeClusterAuthorizedOperations: v === 1, endpointType: 1});
      expect(res, `v${v}`).toMatchObject({errorCode: ErrorCode.NONE, clusterId: broker.clusterId, controllerId: broker.nodeId,
        brokers: [{brokerId: broker.nodeId, host: '127.0.0.1', port: broker.port, rack: 'rack-a'}]});
      expect(res.clusterAuthorizedOperations).toBe(v === 1 ? 8096 : -2147483648);
    }
  });

  it('refuses controller endpoint requests on a broker listener', async () => {
    const res = await client.send(60, 1, {includeClusterAuthorizedOperations: false, endpointType: 2});
    expect(res.errorCode).toBe(ErrorCode.MISMATCHED_ENDPOINT_TYPE);
  });
});

describe('DescribeLogDirs', () => {
  it('lists the data dir with partition sizes in every version, v4 with disk space', async () => {
    for (let v = 0; v <= 4; v++) {
      const res = await client.send(35, v, {topics: null});
      expect(res.results, `v${v}`).toHaveLength(1);
      const dir = res.results[0];
      expect(dir.errorCode).toBe(ErrorCode.NONE);
      expect(dir.logDir).toBe(path.resolve(broker.dataDir));
      const trim = dir.topics.find((t: {name: string}) => t.name === 'trim');
      expect(trim.partitions.map((p: {partitionIndex: number}) => p.partitionIndex).sort()).toEqual([0, 1]);
      const p1 = trim.partitions.find((p: {partitionIndex: number}) => p.partitionIndex === 1);
      expect(p1).toMatchObject({offsetLag: 0n, isFutureKey: false});
      expect(p1.partitionSize).toBe(BigInt(broker.topics.getLog('trim', 1)!.sizeInBytes));
      expect(p1.partitionSize > 0n).toBe(true);
      if (v >= 4) {
        expect(dir.totalBytes > 0n).toBe(true);
        expect(dir.usableBytes > 0n && dir.usableBytes <= dir.totalBytes).toBe(true);
      } else {
        expect(dir.totalBytes).toBe(-1n);
      }
    }
  });

  it('describes only the requested partitions that exist', async () => {
    const res = await client.send(35, 4, {topics: [{topic: 'trim', partitions: [1, 9]}, {topic: 'missing', partitions: [0]}]});
    expect(res.results[0].topics).toEqual([{name: 'trim', partitions: [expect.objectContaining({partitionIndex: 1})]}]);
  });
});
