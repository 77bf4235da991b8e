/** The admin APIs end to end with kafkajs 2.2.4's admin client against a started broker. */
import {ConfigResourceTypes, Kafka, logLevel} from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {StartedBroker, startTestBroker} from './helpers.js';

let broker: StartedBroker;
let cleanup: () => Promise<void>;
let kafka: Kafka;
let admin: ReturnType<Kafka['admin']>;

beforeAll(async () => {
  ({broker, cleanup} = await startTestBroker());
  kafka = new Kafka({clientId: 'admin-e2e', brokers: [`127.0.0.1:${broker.port}`], logLevel: logLevel.NOTHING, retry: {retries: 2}});
  admin = kafka.admin();
  await admin.connect();
});
afterAll(async () => {
  await admin?.disconnect();
  await cleanup?.();
});

describe('kafkajs admin', () => {
  it('createTopics with validateOnly creates nothing, then creates with configs', async () => {
    expect(await admin.createTopics({validateOnly: true, waitForLeaders: false, topics: [{topic: 'orders', numPartitions: 3}]})).toBe(true);
    expect(await admin.listTopics()).not.toContain('orders');
    const created = await admin.createTopics({topics: [{topic: 'orders', numPartitions: 3, replicationFactor: 1,
      configEntries: [{name: 'retention.ms', value: '86400000'}, {name: 'cleanup.policy', value: 'delete'}]}]});
    expect(created).toBe(true);
    expect(await admin.listTopics()).toContain('orders');
    await expect(admin.createTopics({topics: [{topic: 'bad', configEntries: [{name: 'retention.ms', value: 'x'}]}]}))
      .rejects.toMatchObject({errors: [expect.objectContaining({type: 'INVALID_CONFIG'})]});
    // kafkajs answers an existing topic with false, not an error.
    expect(await admin.createTopics({topics: [{topic: 'orders'}]})).toBe(false);
  });

  it('describeConfigs and alterConfigs', async () => {
    const described = await admin.describeConfigs({includeSynonyms: false,
      resources: [{type: ConfigResourceTypes.TOPIC, name: 'orders', configNames: ['retention.ms', 'segment.bytes']}]});
    const entries = described.resources[0].configEntries;
    expect(entries.find((e) => e.configName === 'retention.ms')).toMatchObject({configValue: '86400000', isDefault: false});
    expect(entries.find((e) => e.configName === 'segment.bytes')).toMatchObject({configValue: '1073741824', isDefault: true});
    await admin.alterConfigs({validateOnly: false,
      resources: [{type: ConfigResourceTypes.TOPIC, name: 'orders', configEntries: [{name: 'segment.bytes', value: '1048576'}]}]});
    expect(broker.topics.get('orders')!.configs).toEqual({'segment.bytes': '1048576'});
    await broker.topics.logsCreated('orders');
    expect(broker.topics.getLog('orders', 2)!.config.segmentBytes).toBe(1048576);
    const broker1 = await admin.describeConfigs({includeSynonyms: true,
      resources: [{type: ConfigResourceTypes.BROKER, name: '1', configNames: ['num.partitions', 'offsets.topic.replication.factor']}]});
    const byName = new Map(broker1.resources[0].configEntries.map((e) => [e.configName, e]));
    expect(byName.get('num.partitions')).toMatchObject({configValue: '1', readOnly: true, isDefault: true});
    expect(byName.get('offsets.topic.replication.factor')).toMatchObject({configValue: '1', isDefault: false,
      configSynonyms: [{configName: 'offsets.topic.replication.factor', configValue: '1', configSource: 4},
        {configName: 'offsets.topic.replication.factor', configValue: '3', configSource: 5}]});
  });

  it('alterConfigs and describeConfigs on BROKER resources (dynamic broker configs)', async () => {
    // kafkajs refuses an empty resource name client-side, so the cluster default is not reachable from it.
    await admin.alterConfigs({validateOnly: false, resources: [{type: ConfigResourceTypes.BROKER, name: '1',
      configEntries: [{name: 'log.retention.ms', value: '3600000'}, {name: 'message.max.bytes', value: '500000'}]}]});
    expect(broker.topics.getLog('orders', 0)!.config).toMatchObject({retentionMs: 3_600_000, maxMessageBytes: 500000});
    const described = await admin.describeConfigs({includeSynonyms: false, resources: [
      {type: ConfigResourceTypes.BROKER, name: '1', configNames: ['message.max.bytes', 'log.retention.ms']},
      {type: ConfigResourceTypes.TOPIC, name: 'orders', configNames: ['retention.ms']},
    ]});
    const node = new Map(described.resources[0].configEntries.map((e) => [e.configName, e]));
    expect(node.get('message.max.bytes')).toMatchObject({configValue: '500000', readOnly: false, isDefault: false});
    expect(node.get('log.retention.ms')).toMatchObject({configValue: '3600000', isDefault: false});
    // The topic has no retention.ms override left (the alterConfigs above replaced its set): it inherits.
    expect(described.resources[1].configEntries[0]).toMatchObject({configName: 'retention.ms', configValue: '3600000', isDefault: false});
    await expect(admin.alterConfigs({validateOnly: false, resources: [
      {type: ConfigResourceTypes.BROKER, name: '1', configEntries: [{name: 'num.partitions', value: '3'}]}]}))
      .rejects.toMatchObject({type: 'INVALID_REQUEST'});
    await admin.alterConfigs({validateOnly: false, resources: [{type: ConfigResourceTypes.BROKER, name: '1', configEntries: []}]});
    expect(broker.topics.getLog('orders', 0)!.config).toMatchObject({retentionMs: 604_800_000, maxMessageBytes: 1048588});
  });

  it('createPartitions grows and refuses a decrease', async () => {
    await admin.createPartitions({topicPartitions: [{topic: 'orders', count: 5}]});
    expect(broker.topics.get('orders')!.partitions).toBe(5);
    await expect(admin.createPartitions({topicPartitions: [{topic: 'orders', count: 2}]})).rejects.toMatchObject({type: 'INVALID_PARTITIONS'});
  });

  it('deleteTopicRecords and fetchTopicOffsets', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({topic: 'orders', messages: Array.from({length: 8}, (_, i) => ({value: `m${i}`, partition: 0}))});
    await producer.disconnect();
    await admin.deleteTopicRecords({topic: 'orders', partitions: [{partition: 0, offset: '5'}]});
    const offsets = await admin.fetchTopicOffsets('orders');
    expect(offsets.find((o) => o.partition === 0)).toMatchObject({low: '5', high: '8', offset: '8'});
    await admin.deleteTopicRecords({topic: 'orders', partitions: [{partition: 0, offset: '-1'}]});
    expect((await admin.fetchTopicOffsets('orders')).find((o) => o.partition === 0)).toMatchObject({low: '8', high: '8'});
  });

  it('describeCluster', async () => {
    const cluster = await admin.describeCluster();
    expect(cluster.clusterId).toBe(broker.clusterId);
    expect(cluster.controller).toBe(1);
    expect(cluster.brokers).toEqual([{nodeId: 1, host: '127.0.0.1', port: broker.port}]);
  });

  it('deleteTopics', async () => {
    await admin.deleteTopics({topics: ['orders']});
    expect(await admin.listTopics()).not.toContain('orders');
    await expect(admin.deleteTopics({topics: ['orders']})).rejects.toThrow();
  });
});
