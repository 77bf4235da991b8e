/** CreateTopics, DeleteTopics and CreatePartitions through the codec against a started broker, every version. */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ErrorCode} from '../../../src/protocol/error-codes.js';
import {RawClient, StartedBroker, startTestBroker} from './helpers.js';

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
let broker: StartedBroker;
let cleanup: () => Promise<void>;
let client: RawClient;

beforeAll(async () => {
  ({broker, cleanup} = await startTestBroker({'num.partitions': '2'}));
  client = await RawClient.connect(broker.port);
});
afterAll(async () => {
  client?.close();
  await cleanup?.();
});

function creatable(name: string, extra: Partial<{numPartitions: number; replicationFactor: number; configs: {name: string; value: string | null}[];
  assignments: {partitionIndex: number; brokerIds: number[]}[]}> = {}) {
  return {name, numPartitions: -1, replicationFactor: -1, assignments: [], configs: [], ...extra};
}

describe('CreateTopics', () => {
  it('creates topics in every version, v5+ reporting configs and sizes, v7 the topic id', async () => {
    for (let v = 0; v <= 7; v++) {
      const name = `created-v${v}`;
      const numPartitions = v < 4 ? 3 : -1; // -1 = broker default (v4+ clients send it)
      const res = await client.send(19, v, {topics: [creatable(name, {numPartitions, replicationFactor: v < 4 ? 1 : -1,
        configs: [{name: 'retention.ms', value: '3600000'}]})], timeoutMs: 5000, validateOnly: false});
      const t = res.topics[0];
      expect(t.errorCode, `v${v}`).toBe(ErrorCode.NONE);
      const info = broker.topics.get(name)!;
      expect(info.partitions).toBe(v < 4 ? 3 : 2);
      expect(info.configs).toEqual({'retention.ms': '3600000'});
      if (v >= 5) {
        expect(t.numPartitions).toBe(info.partitions);
        expect(t.replicationFactor).toBe(1);
        expect(t.configs.find((c: {name: string}) => c.name === 'retention.ms')).toMatchObject({value: '3600000', configSource: 1, readOnly: false});
      }
      expect(t.topicId).toBe(v >= 7 ? info.topicId : ZERO_UUID);
    }
  });

  it('validate_only creates nothing', async () => {
    const res = await client.send(19, 4, {topics: [creatable('dry-run', {numPartitions: 4, replicationFactor: 1})], timeoutMs: 5000, validateOnly: true});
    expect(res.topics[0].errorCode).toBe(ErrorCode.NONE);
    expect(broker.topics.get('dry-run')).toBeUndefined();
  });

  it('answers per-topic errors with Kafka codes and messages', async () => {
    const res = await client.send(19, 7, {timeoutMs: 5000, validateOnly: false, topics: [
      creatable('created-v1'),
      creatable('bad/name'),
      creatable('rf3', {numPartitions: 1, replicationFactor: 3}),
      creatable('zero', {numPartitions: 0, replicationFactor: 1}),
      creatable('badcfg', {configs: [{name: 'retention.ms', value: 'forever'}]}),
      creatable('unknowncfg', {configs: [{name: 'no.such.config', value: '1'}]}),
      creatable('other-broker', {assignments: [{partitionIndex: 0, brokerIds: [2]}]}),
      creatable('dup'), creatable('dup'),
    ]});
    const byName = (n: string) => res.topics.filter((t: {name: string}) => t.name === n);
    expect(byName('created-v1')[0]).toMatchObject({errorCode: ErrorCode.TOPIC_ALREADY_EXISTS, errorMessage: "Topic 'created-v1' already exists."});
    expect(byName('bad/name')[0].errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    expect(byName('rf3')[0]).toMatchObject({errorCode: ErrorCode.INVALID_REPLICATION_FACTOR,
      errorMessage: 'Replication factor: 3 larger than available brokers: 1.'});
    expect(byName('zero')[0].errorCode).toBe(ErrorCode.INVALID_PARTITIONS);
    expect(byName('badcfg')[0]).toMatchObject({errorCode: ErrorCode.INVALID_CONFIG,
      errorMessage: 'Invalid value forever for configuration retention.ms: Not a number of type LONG'});
    expect(byName('unknowncfg')[0]).toMatchObject({errorCode: ErrorCode.INVALID_CONFIG, errorMessage: 'Unknown topic config name: no.such.config'});
    expect(byName('other-broker')[0]).toMatchObject({errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      errorMessage: 'The manual partition assignment includes broker 2, but no such broker is registered.'});
    expect(byName('dup').map((t: {errorCode: number}) => t.errorCode)).toEqual([ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST]);
    for (const n of ['bad/name', 'rf3', 'zero', 'badcfg', 'unknowncfg', 'other-broker', 'dup']) expect(broker.topics.get(n)).toBeUndefined();
  });

  it('accepts a manual assignment onto this node', async () => {
    const res = await client.send(19, 7, {timeoutMs: 5000, validateOnly: false, topics: [
      creatable('assigned', {assignments: [{partitionIndex: 0, brokerIds: [1]}, {partitionIndex: 1, brokerIds: [1]}, {partitionIndex: 2, brokerIds: [1]}]}),
    ]});
    expect(res.topics[0]).toMatchObject({errorCode: ErrorCode.NONE, numPartitions: 3, replicationFactor: 1});
  });
});

describe('CreatePartitions', () => {
  it('grows topics in every version and refuses decreases', async () => {
    for (let v = 0; v <= 3; v++) {
      const name = `created-v${v}`;
      const before = broker.topics.get(name)!.partitions;
      const res = await client.send(37, v, {topics: [{name, count: before + 2, assignments: null}], timeoutMs: 5000, validateOnly: false});
      expect(res.results[0], `v${v}`).toMatchObject({name, errorCode: ErrorCode.NONE});
      expect(broker.topics.get(name)!.partitions).toBe(before + 2);
      // Answered once durable; the new partitions' directories follow in the background.
      await broker.topics.logsCreated(name);
      expect(broker.topics.getLog(name, before + 1)).toBeDefined();
    }
    const res = await client.send(37, 3, {timeoutMs: 5000, validateOnly: false, topics: [
      {name: 'created-v0', count: 1, assignments: null},
      {name: 'created-v1', count: 5, assignments: null},
      {name: 'missing', count: 3, assignments: null},
      {name: 'created-v2', count: 7, assignments: [{brokerIds: [1]}, {brokerIds: [1]}]},
      {name: 'created-v3', count: 6, assignments: [{brokerIds: [7]}]},
    ]});
    expect(res.results[0]).toMatchObject({errorCode: ErrorCode.INVALID_PARTITIONS,
      errorMessage: 'The topic created-v0 currently has 5 partition(s); 1 would not be an increase.'});
    expect(res.results[1]).toMatchObject({errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: 'Topic already has 5 partition(s).'});
    expect(res.results[2].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(res.results[3].errorCode).toBe(ErrorCode.NONE);
    expect(res.results[4].errorCode).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
    expect(broker.topics.get('created-v3')!.partitions).toBe(5);
  });

  it('validate_only changes nothing', async () => {
    const res = await client.send(37, 1, {topics: [{name: 'assigned', count: 10, assignments: null}], timeoutMs: 5000, validateOnly: true});
    expect(res.results[0].errorCode).toBe(ErrorCode.NONE);
    expect(broker.topics.get('assigned')!.partitions).toBe(3);
  });
});

describe('DeleteTopics', () => {
  it('deletes by name in v0-5 and by name or id in v6', async () => {
    for (let v = 0; v <= 5; v++) {
      const res = await client.send(20, v, {topicNames: [`created-v${v}`, 'never-existed'], timeoutMs: 5000});
      expect(res.responses[0], `v${v}`).toMatchObject({name: `created-v${v}`, errorCode: ErrorCode.NONE});
      expect(res.responses[1].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      expect(broker.topics.get(`created-v${v}`)).toBeUndefined();
    }
    const id = broker.topics.get('created-v7')!.topicId;
    const res = await client.send(20, 6, {timeoutMs: 5000, topics: [
      {name: 'created-v6', topicId: ZERO_UUID},
      {name: null, topicId: id},
      {name: null, topicId: 'AAAAAAAAAAAAAAAAAAAAAQ'},
    ]});
    expect(res.responses[0]).toMatchObject({name: 'created-v6', errorCode: ErrorCode.NONE});
    expect(res.responses[1]).toMatchObject({name: 'created-v7', topicId: id, errorCode: ErrorCode.NONE});
    expect(res.responses[2]).toMatchObject({name: null, errorCode: ErrorCode.UNKNOWN_TOPIC_ID});
    expect(broker.topics.get('created-v6')).toBeUndefined();
    expect(broker.topics.get('created-v7')).toBeUndefined();
  });
});
