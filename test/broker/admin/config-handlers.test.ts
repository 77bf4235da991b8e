/** DescribeConfigs, AlterConfigs and IncrementalAlterConfigs through the codec against a started broker, every version. */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ErrorCode} from '../../../src/protocol/error-codes.js';
import {RawClient, StartedBroker, startTestBroker} from './helpers.js';

const TOPIC = 2;
const BROKER = 4;
let broker: StartedBroker;
let cleanup: () => Promise<void>;
let client: RawClient;

beforeAll(async () => {
  ({broker, cleanup} = await startTestBroker({'log.retention.hours': '48'}));
  client = await RawClient.connect(broker.port);
  await broker.topics.createTopic('conf', {numPartitions: 2, replicationFactor: 1, configs: {'cleanup.policy': 'compact'}});
});
afterAll(async () => {
  client?.close();
  await cleanup?.();
});

const describeReq = (resources: {resourceType: number; resourceName: string; configurationKeys: string[] | null}[], extra = {}) =>
  ({resources, includeSynonyms: false, includeDocumentation: false, ...extra});

describe('DescribeConfigs', () => {
  it('describes a topic in every version with the fields each version has', async () => {
    for (let v = 0; v <= 4; v++) {
      const res = await client.send(32, v, describeReq([{resourceType: TOPIC, resourceName: 'conf', configurationKeys: null}],
        {includeSynonyms: true, includeDocumentation: true}));
      const result = res.results[0];
      expect(result.errorCode, `v${v}`).toBe(ErrorCode.NONE);
      const byName = new Map(result.configs.map((c: {name: string}) => [c.name, c]));
      const cleanupPolicy: any = byName.get('cleanup.policy');
      const retention: any = byName.get('retention.ms');
      expect(cleanupPolicy.value).toBe('compact');
      expect(retention.value).toBe(String(48 * 3_600_000));
      if (v === 0) {
        expect(cleanupPolicy.isDefault).toBe(false);
      } else {
        expect(cleanupPolicy.configSource).toBe(1);
        expect(retention.configSource).toBe(4);
        expect(retention.synonyms).toContainEqual({name: 'log.retention.hours', value: '48', source: 4});
      }
      if (v >= 3) {
        expect(retention.configType).toBe(5);
        expect(retention.documentation).toMatch(/retain/);
      }
    }
  });

  it('filters by key, omits synonyms and docs unless asked, and describes the broker', async () => {
    const res = await client.send(32, 4, describeReq([
      {resourceType: TOPIC, resourceName: 'conf', configurationKeys: ['segment.bytes', 'no.such']},
      {resourceType: BROKER, resourceName: '1', configurationKeys: ['num.partitions', 'ssl.key.password']},
      {resourceType: BROKER, resourceName: '', configurationKeys: null},
      {resourceType: BROKER, resourceName: '7', configurationKeys: null},
      {resourceType: TOPIC, resourceName: 'missing', configurationKeys: null},
    ]));
    const [topic, node, clusterDefault, otherNode, missing] = res.results;
    expect(topic.configs).toHaveLength(1);
    expect(topic.configs[0]).toMatchObject({name: 'segment.bytes', value: '1073741824', configSource: 5, synonyms: [], documentation: null});
    expect(node.configs.map((c: {name: string}) => c.name).sort()).toEqual(['num.partitions', 'ssl.key.password']);
    expect(node.configs.find((c: {name: string}) => c.name === 'ssl.key.password')).toMatchObject({value: null, isSensitive: true, readOnly: false});
    expect(clusterDefault).toMatchObject({errorCode: ErrorCode.NONE, configs: []});
    expect(otherNode.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect(missing.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('lists producer.id.expiration.ms with Kafka\'s default among the broker configs', async () => {
    const res = await client.send(32, 4, describeReq([{resourceType: BROKER, resourceName: '1', configurationKeys: null}]));
    const byName = new Map(res.results[0].configs.map((c: {name: string}) => [c.name, c]));
    expect(byName.get('producer.id.expiration.ms')).toMatchObject({value: '86400000', configSource: 5, readOnly: false, configType: 3});
    expect(byName.has('producer.id.expiration.check.interval.ms')).toBe(false);
  });
});

describe('AlterConfigs', () => {
  it('replaces the whole override set in every version, validate_only changing nothing', async () => {
    for (let v = 0; v <= 2; v++) {
      const dry = await client.send(33, v, {validateOnly: true, resources: [{resourceType: TOPIC, resourceName: 'conf',
        configs: [{name: 'retention.ms', value: '1'}]}]});
      expect(dry.responses[0].errorCode).toBe(ErrorCode.NONE);
      expect(broker.topics.get('conf')!.configs).toEqual(v === 0 ? {'cleanup.policy': 'compact'} : {'retention.ms': String(v)});
      const res = await client.send(33, v, {validateOnly: false, resources: [{resourceType: TOPIC, resourceName: 'conf',
        configs: [{name: 'retention.ms', value: String(v + 1)}]}]});
      expect(res.responses[0], `v${v}`).toMatchObject({errorCode: ErrorCode.NONE, resourceName: 'conf', resourceType: TOPIC});
      expect(broker.topics.get('conf')!.configs).toEqual({'retention.ms': String(v + 1)});
      expect(broker.topics.getLog('conf', 1)!.config.retentionMs).toBe(v + 1);
    }
  });

  it('refuses bad values, unknown topics and broker changes with Kafka codes', async () => {
    const res = await client.send(33, 1, {validateOnly: false, resources: [
      {resourceType: TOPIC, resourceName: 'conf', configs: [{name: 'segment.bytes', value: '10'}]},
      {resourceType: TOPIC, resourceName: 'missing', configs: []},
      {resourceType: BROKER, resourceName: '1', configs: [{name: 'num.partitions', value: '3'}]},
    ]});
    expect(res.responses[0]).toMatchObject({errorCode: ErrorCode.INVALID_CONFIG,
      errorMessage: 'Invalid value 10 for configuration segment.bytes: Value must be at least 14'});
    expect(res.responses[1].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(res.responses[2]).toMatchObject({errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: 'Cannot update these configs dynamically: Set(num.partitions)'});
    expect(broker.topics.get('conf')!.configs).toEqual({'retention.ms': '3'});
  });
});

describe('IncrementalAlterConfigs', () => {
  it('SET, DELETE, APPEND and SUBTRACT in every version', async () => {
    for (let v = 0; v <= 1; v++) {
      await broker.topics.setTopicConfigs('conf', {'retention.ms': '3'});
      const res = await client.send(44, v, {validateOnly: false, resources: [{resourceType: TOPIC, resourceName: 'conf', configs: [
        {name: 'retention.ms', configOperation: 1, value: null},
        {name: 'segment.ms', configOperation: 0, value: '60000'},
        {name: 'cleanup.policy', configOperation: 2, value: 'compact'},
      ]}]});
      expect(res.responses[0].errorCode, `v${v}`).toBe(ErrorCode.NONE);
      expect(broker.topics.get('conf')!.configs).toEqual({'segment.ms': '60000', 'cleanup.policy': 'delete,compact'});
      expect([...broker.topics.getLog('conf', 0)!.config.cleanupPolicy].sort()).toEqual(['compact', 'delete']);
      const sub = await client.send(44, v, {validateOnly: false, resources: [{resourceType: TOPIC, resourceName: 'conf', configs: [
        {name: 'cleanup.policy', configOperation: 3, value: 'delete'}]}]});
      expect(sub.responses[0].errorCode).toBe(ErrorCode.NONE);
      expect(broker.topics.get('conf')!.configs['cleanup.policy']).toBe('compact');
    }
    const bad = await client.send(44, 1, {validateOnly: false, resources: [{resourceType: TOPIC, resourceName: 'conf', configs: [
      {name: 'retention.ms', configOperation: 2, value: '5'}]}]});
    expect(bad.responses[0]).toMatchObject({errorCode: ErrorCode.INVALID_CONFIG, errorMessage: "Can't APPEND to key retention.ms because its type is not LIST."});
  });
});
