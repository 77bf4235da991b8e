import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ApiKey, supportedVersions} from '../../../src/protocol/api.js';
import {ErrorCode} from '../../../src/protocol/error-codes.js';
import {encodeBatch} from '../../../src/records/batch.js';
import {startTestBroker, TestBroker} from '../helpers/broker.js';
import {WireClient} from '../helpers/wire-client.js';

let tb: TestBroker;
let client: WireClient;
beforeAll(async () => {
  tb = await startTestBroker({'num.partitions': '3'});
  await tb.broker.topics.createTopic('known', {numPartitions: 2, replicationFactor: 1, configs: {}});
  // Offsets 0..4 with timestamps 1000, 2000, ... 5000; offset 2 has the largest (9000).
  const stamps = [1000n, 2000n, 9000n, 4000n, 5000n];
  for (const ts of stamps) {
    await tb.broker.topics.append('known', 0, await encodeBatch({records: [{value: 'x', timestamp: ts}]}), 0);
  }
  client = await WireClient.connect(tb.broker.port);
});
afterAll(async () => {
  client.close();
  await tb.cleanup();
});

describe('ApiVersions', () => {
  it('lists the served apis with the registry ranges in every version', async () => {
    for (let v = 0; v <= 4; v++) {
      const res = await client.request(ApiKey.ApiVersions, v, {clientSoftwareName: 'test', clientSoftwareVersion: '1.0'});
      expect(res.errorCode).toBe(ErrorCode.NONE);
      const byKey = new Map(res.apiKeys.map((k: {apiKey: number}) => [k.apiKey, k]));
      for (const key of [ApiKey.Produce, ApiKey.Fetch, ApiKey.ListOffsets, ApiKey.Metadata, ApiKey.ApiVersions]) {
        expect(byKey.get(key), `key ${key} in v${v}`).toEqual({apiKey: key, minVersion: 0, maxVersion: supportedVersions(key)!.max});
      }
    }
  });
});

describe('Metadata', () => {
  it('describes the cluster and topics in every version', async () => {
    const {max} = supportedVersions(ApiKey.Metadata)!;
    for (let v = 0; v <= max; v++) {
      const res = await client.request(ApiKey.Metadata, v, {topics: [{name: 'known', topicId: 'AAAAAAAAAAAAAAAAAAAAAA'}], allowAutoTopicCreation: false});
      expect(res.brokers).toEqual([expect.objectContaining({nodeId: tb.broker.nodeId, host: '127.0.0.1', port: tb.broker.port})]);
      if (v >= 1) expect(res.controllerId).toBe(tb.broker.nodeId);
      if (v >= 2) expect(res.clusterId).toBe(tb.broker.clusterId);
      const topic = res.topics[0];
      expect(topic).toMatchObject({errorCode: 0, name: 'known'});
      if (v >= 10) expect(topic.topicId).toBe(tb.broker.topics.get('known')!.topicId);
      expect(topic.partitions.map((p: {partitionIndex: number; leaderId: number; replicaNodes: number[]}) =>
        [p.partitionIndex, p.leaderId, p.replicaNodes])).toEqual([[0, 1, [1]], [1, 1, [1]]]);
      if (v >= 7) expect(topic.partitions[0].leaderEpoch).toBe(0);
    }
  });

  it('null means all topics from v1, an empty list means none', async () => {
    const all = await client.request(ApiKey.Metadata, 5, {topics: null, allowAutoTopicCreation: false});
    expect(all.topics.map((t: {name: string}) => t.name)).toContain('known');
    const none = await client.request(ApiKey.Metadata, 5, {topics: [], allowAutoTopicCreation: false});
    expect(none.topics).toEqual([]);
    const v0 = await client.request(ApiKey.Metadata, 0, {topics: []});
    expect(v0.topics.map((t: {name: string}) => t.name)).toContain('known');
  });

  it('auto-creates with UNKNOWN_TOPIC_OR_PARTITION first (as KRaft-mode Kafka), then describes the topic', async () => {
    const first = await client.request(ApiKey.Metadata, 9, {topics: [{name: 'auto.made'}], allowAutoTopicCreation: true});
    expect(first.topics[0]).toMatchObject({name: 'auto.made', errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, partitions: []});
    expect(tb.broker.topics.get('auto.made')).toBeDefined();
    const second = await client.request(ApiKey.Metadata, 9, {topics: [{name: 'auto.made'}], allowAutoTopicCreation: true});
    expect(second.topics[0].errorCode).toBe(ErrorCode.NONE);
    expect(second.topics[0].partitions).toHaveLength(3);
  });

  it('refuses auto-creation when the request or the broker says no, and invalid names', async () => {
    const no = await client.request(ApiKey.Metadata, 9, {topics: [{name: 'not.wanted'}], allowAutoTopicCreation: false});
    expect(no.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(tb.broker.topics.get('not.wanted')).toBeUndefined();
    const bad = await client.request(ApiKey.Metadata, 9, {topics: [{name: 'bad name!'}], allowAutoTopicCreation: true});
    expect(bad.topics[0].errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
  });

  it('looks topics up by id in v12 and reports unknown ids', async () => {
    const id = tb.broker.topics.get('known')!.topicId;
    const res = await client.request(ApiKey.Metadata, 12, {topics: [{name: null, topicId: id}, {name: null, topicId: 'AAAAAAAAAAAAAAAAAAAAAQ'}]});
    expect(res.topics[0]).toMatchObject({name: 'known', topicId: id, errorCode: 0});
    expect(res.topics[1]).toMatchObject({name: null, errorCode: ErrorCode.UNKNOWN_TOPIC_ID});
  });

  it('reports authorized operations when asked (v8+)', async () => {
    const res = await client.request(ApiKey.Metadata, 8, {topics: [{name: 'known'}], includeTopicAuthorizedOperations: true, includeClusterAuthorizedOperations: true});
    expect(res.topics[0].topicAuthorizedOperations & (1 << 3)).toBeTruthy();
    expect(res.clusterAuthorizedOperations).not.toBe(-2147483648);
  });
});

describe('ListOffsets', () => {
  const ask = async (v: number, timestamp: bigint, partition = 0, topic = 'known') => {
    const res = await client.request(ApiKey.ListOffsets, v, {
      replicaId: -1, isolationLevel: 0,
      topics: [{name: topic, partitions: [{partitionIndex: partition, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1}]}],
    });
    return res.topics[0].partitions[0];
  };

  it('answers earliest and latest in every version', async () => {
    const {max} = supportedVersions(ApiKey.ListOffsets)!;
    for (let v = 1; v <= max; v++) {
      expect(await ask(v, -2n), `v${v}`).toMatchObject({errorCode: 0, offset: 0n});
      expect(await ask(v, -1n), `v${v}`).toMatchObject({errorCode: 0, offset: 5n});
      if (v >= 4) expect((await ask(v, -1n)).leaderEpoch).toBe(0);
    }
    expect((await ask(0, -1n)).oldStyleOffsets).toEqual([5n]);
    expect((await ask(0, -2n)).oldStyleOffsets).toEqual([0n]);
  });

  it('finds offsets by timestamp', async () => {
    expect(await ask(5, 3000n)).toMatchObject({offset: 2n, timestamp: 9000n});
    expect(await ask(5, 1500n)).toMatchObject({offset: 1n, timestamp: 2000n});
    expect(await ask(5, 10_000n)).toMatchObject({offset: -1n, timestamp: -1n});
  });

  it('finds the max timestamp from v7', async () => {
    expect(await ask(7, -3n)).toMatchObject({errorCode: 0, offset: 2n, timestamp: 9000n});
    expect(await ask(7, -3n, 1)).toMatchObject({errorCode: 0, offset: -1n});
  });

  it('reports unknown partitions', async () => {
    expect((await ask(5, -1n, 9)).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect((await ask(5, -1n, 0, 'missing')).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });
});

describe('OffsetForLeaderEpoch', () => {
  const ask = async (v: number, leaderEpoch: number, currentLeaderEpoch = -1, partition = 0, topic = 'known') => {
    const res = await client.request(ApiKey.OffsetForLeaderEpoch, v, {
      replicaId: -1, topics: [{topic, partitions: [{partition, currentLeaderEpoch, leaderEpoch}]}],
    });
    return res.topics[0].partitions[0];
  };

  it('ends the current epoch at the log end offset in every version', async () => {
    for (let v = 0; v <= 4; v++) {
      const r = await ask(v, 0);
      expect(r, `v${v}`).toMatchObject({errorCode: 0, partition: 0, endOffset: 5n});
      if (v >= 1) expect(r.leaderEpoch).toBe(0);
    }
    // An empty partition: epoch 0 is current even before the first append.
    expect(await ask(4, 0, -1, 1)).toMatchObject({errorCode: 0, leaderEpoch: 0, endOffset: 0n});
  });

  it('answers -1 for unknown epochs and fences stale callers', async () => {
    expect(await ask(4, 7)).toMatchObject({errorCode: 0, leaderEpoch: -1, endOffset: -1n});
    expect((await ask(4, 0, 3)).errorCode).toBe(ErrorCode.UNKNOWN_LEADER_EPOCH);
    expect((await ask(4, 0, -1, 0, 'missing')).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });
});

describe('ApiVersions v3+ client software', () => {
  it('refuses names outside Kafka pattern with INVALID_REQUEST', async () => {
    const bad = await client.request(ApiKey.ApiVersions, 3, {clientSoftwareName: 'bad name!', clientSoftwareVersion: '1.0'});
    expect(bad).toMatchObject({errorCode: ErrorCode.INVALID_REQUEST, apiKeys: []});
    const good = await client.request(ApiKey.ApiVersions, 3, {clientSoftwareName: 'apache-kafka-java', clientSoftwareVersion: '3.7.0'});
    expect(good.errorCode).toBe(ErrorCode.NONE);
  });
});
