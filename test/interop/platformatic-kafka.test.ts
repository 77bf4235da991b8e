/**
 * @platformatic/kafka (a pure-JavaScript client written apart from kafkajs, speaking the newest
 * versions it knows of each API) against the embedded broker: its Admin for topics, partitions,
 * configs, groups and offsets; its producer with each codec it supports on Node 20 (its zstd
 * needs Node 22's zlib); a consumer group reading everything back byte-exact, before and after a
 * broker restart.
 */
import {Admin, Consumer, Producer, stringDeserializers, stringSerializers} from '@platformatic/kafka';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startTestBroker, TestBroker} from '../broker/helpers/broker.js';

const TOPIC = 'platformatic';
const CODECS = ['none', 'gzip', 'snappy', 'lz4'] as const;
const PER_CODEC = 500;
const PARTITIONS = 4;
const TOTAL = CODECS.length * PER_CODEC;
const TOPIC_CONFIG = 2; // DescribeConfigs resource type TOPIC

let tb: TestBroker;
let admin: Admin;
const brokers = () => [`127.0.0.1:${tb.broker.port}`];

/** Record i: a unicode value of varying length under key `k<i>`. */
const value = (i: number) => `v${i}-${'é€😀'.repeat(i % 50)}`;

beforeAll(async () => {
  tb = await startTestBroker();
  admin = new Admin({clientId: 'interop-admin', bootstrapBrokers: brokers()});
});
afterAll(async () => {
  await admin.close();
  await tb.cleanup();
});

/** Read all TOTAL records as a new member of `groupId`, committing the last offset of each partition. */
async function consumeAll(groupId: string): Promise<Map<string, string>> {
  const consumer = new Consumer({groupId, clientId: 'interop-consumer', bootstrapBrokers: brokers(),
    deserializers: stringDeserializers, maxWaitTime: 100});
  const seen = new Map<string, string>();
  try {
    const stream = await consumer.consume({autocommit: false, topics: [TOPIC], mode: 'earliest', sessionTimeout: 10_000, heartbeatInterval: 500});
    const last = new Map<number, {commit(): void | Promise<void>}>();
    for await (const m of stream) {
      seen.set(m.key, m.value);
      last.set(m.partition, m);
      if (seen.size === TOTAL) break;
    }
    for (const m of last.values()) await m.commit();
    await stream.close();
  } finally {
    await consumer.close();
  }
  return seen;
}

function expectEveryRecord(seen: Map<string, string>): void {
  expect(seen.size).toBe(TOTAL);
  for (let i = 0; i < TOTAL; i++) expect(seen.get(`k${i}`)).toBe(value(i));
}

describe('@platformatic/kafka', () => {
  it('creates a topic, refuses a duplicate, grows its partitions and refuses to shrink them', async () => {
    const [created] = await admin.createTopics({topics: [TOPIC], partitions: 2, replicas: 1, configs: [{name: 'retention.ms', value: '3600000'}]});
    expect(created).toMatchObject({name: TOPIC, partitions: 2, replicas: 1});
    await expect(admin.createTopics({topics: [TOPIC], partitions: 2, replicas: 1})).rejects.toThrow(/CreateTopics/);
    await admin.createPartitions({topics: [{name: TOPIC, count: PARTITIONS}]});
    const metadata = await admin.metadata({topics: [TOPIC]});
    const topic = metadata.topics.get(TOPIC)!;
    expect(topic.partitionsCount).toBe(PARTITIONS);
    expect(topic.partitions.map((p) => p.leader)).toEqual(Array(PARTITIONS).fill(1));
    await expect(admin.createPartitions({topics: [{name: TOPIC, count: 2}]})).rejects.toThrow(/Creating partitions failed/);
    expect(await admin.listTopics()).toContain(TOPIC);
  });

  it('reads and changes topic configs with AlterConfigs and IncrementalAlterConfigs', async () => {
    const describe = async () => {
      const [resource] = await admin.describeConfigs({resources: [{resourceType: TOPIC_CONFIG, resourceName: TOPIC, configurationKeys: ['retention.ms', 'cleanup.policy']}]});
      return Object.fromEntries(resource!.configs.map((c) => [c.name, c.value]));
    };
    expect(await describe()).toEqual({'retention.ms': '3600000', 'cleanup.policy': 'delete'});
    await admin.alterConfigs({resources: [{resourceType: TOPIC_CONFIG, resourceName: TOPIC, configs: [{name: 'retention.ms', value: '7200000'}]}]});
    await admin.incrementalAlterConfigs({resources: [{resourceType: TOPIC_CONFIG, resourceName: TOPIC,
      configs: [{name: 'cleanup.policy', configOperation: 0, value: 'delete,compact'}]}]});
    expect(await describe()).toEqual({'retention.ms': '7200000', 'cleanup.policy': 'delete,compact'});
    await admin.incrementalAlterConfigs({resources: [{resourceType: TOPIC_CONFIG, resourceName: TOPIC,
      configs: [{name: 'cleanup.policy', configOperation: 1, value: null}]}]});
    expect((await describe())['cleanup.policy']).toBe('delete');
  });

  it('produces with every codec and a consumer group reads it all back, before and after a restart', async () => {
    const producer = new Producer({clientId: 'interop-producer', bootstrapBrokers: brokers(), serializers: stringSerializers});
    try {
      for (const [c, compression] of CODECS.entries()) {
        const messages = Array.from({length: PER_CODEC}, (_, j) => {
          const i = c * PER_CODEC + j;
          return {topic: TOPIC, key: `k${i}`, value: value(i), partition: i % PARTITIONS, headers: {codec: compression}};
        });
        const {offsets} = await producer.send({compression, messages});
        expect(offsets!.map((o) => o.offset)).toEqual(Array(PARTITIONS).fill(BigInt(c * PER_CODEC / PARTITIONS)));
      }
    } finally {
      await producer.close();
    }
    expectEveryRecord(await consumeAll('interop-group'));
    const [offsets] = await admin.listConsumerGroupOffsets({groups: ['interop-group']});
    const committed = offsets!.topics.find((t) => t.name === TOPIC)!.partitions.map((p) => [p.partitionIndex, p.committedOffset]);
    expect(committed.sort()).toEqual(Array.from({length: PARTITIONS}, (_, p) => [p, BigInt(TOTAL / PARTITIONS)]));

    // The restarted broker listens on a new free port: clients connect anew.
    await tb.restart();
    await admin.close();
    admin = new Admin({clientId: 'interop-admin', bootstrapBrokers: brokers()});
    expectEveryRecord(await consumeAll('interop-group-after-restart'));
  });

  it('lists, describes and deletes groups, alters and deletes their offsets, and deletes the topic', async () => {
    const groups = await admin.listGroups();
    expect(groups.get('interop-group')).toMatchObject({state: 'EMPTY', protocolType: 'consumer'});
    const described = await admin.describeGroups({groups: ['interop-group']});
    expect(described.get('interop-group')).toMatchObject({state: 'EMPTY', protocolType: 'consumer'});
    await admin.alterConsumerGroupOffsets({groupId: 'interop-group', topics: [{name: TOPIC, partitionOffsets: [{partition: 0, offset: 7n}]}]});
    await admin.deleteConsumerGroupOffsets({groupId: 'interop-group', topics: [{name: TOPIC, partitionIndexes: [1]}]});
    const [offsets] = await admin.listConsumerGroupOffsets({groups: ['interop-group']});
    const byPartition = new Map(offsets!.topics[0]!.partitions.map((p) => [p.partitionIndex, p.committedOffset]));
    expect(byPartition.get(0)).toBe(7n);
    expect(byPartition.has(1)).toBe(false);
    await admin.deleteGroups({groups: ['interop-group', 'interop-group-after-restart']});
    expect((await admin.listGroups()).has('interop-group')).toBe(false);
    await admin.deleteTopics({topics: [TOPIC]});
    expect(await admin.listTopics()).not.toContain(TOPIC);
  });
});
