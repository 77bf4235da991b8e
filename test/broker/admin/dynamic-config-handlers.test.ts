/** AlterConfigs, IncrementalAlterConfigs and DescribeConfigs on BROKER resources through the codec, every version. */
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {readBrokerConfigStore} from '../../../src/broker/config/dynamic-store.js';
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
  await broker.topics.createTopic('dyn', {numPartitions: 2, replicationFactor: 1, configs: {}});
  await broker.topics.createTopic('pinned', {numPartitions: 1, replicationFactor: 1, configs: {'retention.ms': '123'}});
});
afterAll(async () => {
  client?.close();
  await cleanup?.();
});

const legacy = (v: number, resourceName: string, configs: {name: string; value: string | null}[], validateOnly = false) =>
  client.send(33, v, {validateOnly, resources: [{resourceType: BROKER, resourceName, configs}]}).then((r: any) => r.responses[0]);
const incremental = (v: number, resourceName: string, configs: {name: string; configOperation: number; value: string | null}[], validateOnly = false) =>
  client.send(44, v, {validateOnly, resources: [{resourceType: BROKER, resourceName, configs}]}).then((r: any) => r.responses[0]);
const describeBroker = async (resourceName: string, keys: string[] | null = null, includeSynonyms = true) => {
  const res: any = await client.send(32, 4, {resources: [{resourceType: BROKER, resourceName, configurationKeys: keys}], includeSynonyms, includeDocumentation: false});
  return res.results[0];
};
const logOf = (topic: string, p = 0) => broker.topics.getLog(topic, p)!.config;

beforeEach(async () => {
  await legacy(2, '', []);
  await legacy(2, '1', []);
});

describe('AlterConfigs on broker resources', () => {
  it('sets the cluster default in every version, reaching logs without an override at once', async () => {
    for (let v = 0; v <= 2; v++) {
      const before = logOf('dyn').retentionMs;
      const dry = await legacy(v, '', [{name: 'log.retention.ms', value: '1'}], true);
      expect(dry.errorCode, `v${v}`).toBe(ErrorCode.NONE);
      expect(logOf('dyn').retentionMs).toBe(before);
      const res = await legacy(v, '', [{name: 'log.retention.ms', value: String(1000 + v)}, {name: 'log.segment.bytes', value: '65536'}]);
      expect(res).toMatchObject({errorCode: ErrorCode.NONE, resourceType: BROKER, resourceName: ''});
      expect(logOf('dyn', 1)).toMatchObject({retentionMs: 1000 + v, segmentBytes: 65536});
      // A topic override still wins.
      expect(logOf('pinned')).toMatchObject({retentionMs: 123, segmentBytes: 65536});
    }
    // Legacy AlterConfigs replaces the whole set: log.segment.bytes goes back to what is below it.
    expect((await legacy(1, '', [{name: 'log.retention.ms', value: '5000'}])).errorCode).toBe(ErrorCode.NONE);
    expect(logOf('dyn')).toMatchObject({retentionMs: 5000, segmentBytes: 1073741824});
    expect(await readBrokerConfigStore(broker.dataDir)).toMatchObject({clusterDefault: {'log.retention.ms': '5000'}});
  });

  it('per-broker values win over the cluster default', async () => {
    await legacy(2, '', [{name: 'message.max.bytes', value: '4000'}]);
    expect((await legacy(2, '1', [{name: 'message.max.bytes', value: '3000'}])).errorCode).toBe(ErrorCode.NONE);
    expect(logOf('dyn').maxMessageBytes).toBe(3000);
    await legacy(2, '1', []);
    expect(logOf('dyn').maxMessageBytes).toBe(4000);
  });

  it('refuses what Kafka refuses, with its codes and messages, changing nothing', async () => {
    const cases: [string, {name: string; value: string | null}[], number, string][] = [
      ['1', [{name: 'num.partitions', value: '3'}], ErrorCode.INVALID_REQUEST, 'Cannot update these configs dynamically: Set(num.partitions)'],
      ['', [{name: 'log.retention.ms', value: 'soon'}], ErrorCode.INVALID_REQUEST,
        'Invalid value soon for configuration log.retention.ms: Not a number of type LONG'],
      ['', [{name: 'log.cleanup.policy', value: 'forever'}], ErrorCode.INVALID_REQUEST,
        'Invalid value forever for configuration log.cleanup.policy: String must be one of: compact, delete'],
      ['1', [{name: 'ssl.key.password', value: 'x'}], ErrorCode.INVALID_REQUEST,
        'These security configs can be dynamically updated only per-listener using the listener prefix: Set(ssl.key.password)'],
      ['', [{name: 'listener.name.plaintext.ssl.key.password', value: 'x'}], ErrorCode.INVALID_REQUEST,
        'Cannot update these configs at default cluster level, broker id must be specified: Set(listener.name.plaintext.ssl.key.password)'],
      ['', [{name: 'log.retention.ms', value: null}], ErrorCode.INVALID_REQUEST, 'Null value not supported for : log.retention.ms'],
      ['2', [{name: 'log.retention.ms', value: '1'}], ErrorCode.INVALID_REQUEST, 'Unexpected broker id, expected 1, but received 2'],
      ['one', [{name: 'log.retention.ms', value: '1'}], ErrorCode.INVALID_REQUEST, 'Node id must be an integer, but it is: one'],
    ];
    for (const [name, configs, code, message] of cases) {
      expect(await legacy(2, name, configs), message).toMatchObject({errorCode: code, errorMessage: message});
    }
    expect(broker.brokerConfigs.configsOf('')).toEqual({});
    expect(logOf('dyn').retentionMs).toBe(48 * 3_600_000);
  });

  it('keeps names it does not know, as Kafka keeps custom configs, and describes them hidden', async () => {
    expect((await legacy(2, '', [{name: 'my.plugin.setting', value: 'v'}])).errorCode).toBe(ErrorCode.NONE);
    const described = await describeBroker('', null);
    expect(described.configs).toEqual([expect.objectContaining({name: 'my.plugin.setting', value: null, isSensitive: true, readOnly: true, configSource: 3})]);
  });
});

describe('IncrementalAlterConfigs on broker resources', () => {
  it('SET, DELETE, APPEND and SUBTRACT in every version', async () => {
    for (let v = 0; v <= 1; v++) {
      await legacy(2, '', [{name: 'log.retention.ms', value: '9000'}]);
      const res = await incremental(v, '', [
        {name: 'log.retention.ms', configOperation: 1, value: null},
        {name: 'log.segment.bytes', configOperation: 0, value: '100000'},
        {name: 'log.cleanup.policy', configOperation: 2, value: 'compact'},
      ]);
      expect(res.errorCode, `v${v}`).toBe(ErrorCode.NONE);
      expect(broker.brokerConfigs.configsOf('')).toEqual({'log.segment.bytes': '100000', 'log.cleanup.policy': 'delete,compact'});
      expect(logOf('dyn')).toMatchObject({retentionMs: 48 * 3_600_000, segmentBytes: 100000});
      expect([...logOf('dyn').cleanupPolicy].sort()).toEqual(['compact', 'delete']);
      expect((await incremental(v, '', [{name: 'log.cleanup.policy', configOperation: 3, value: 'delete'}])).errorCode).toBe(ErrorCode.NONE);
      expect(logOf('dyn').cleanupPolicy).toEqual(['compact']);
    }
  });

  it('validate_only changes nothing; errors carry Kafka\'s codes', async () => {
    expect((await incremental(1, '1', [{name: 'message.max.bytes', configOperation: 0, value: '10'}], true)).errorCode).toBe(ErrorCode.NONE);
    expect(broker.brokerConfigs.configsOf('1')).toEqual({});
    expect(await incremental(1, '', [{name: 'log.retention.ms', configOperation: 2, value: '1'}]))
      .toMatchObject({errorCode: ErrorCode.INVALID_CONFIG, errorMessage: "Can't APPEND to key log.retention.ms because its type is not LIST."});
    expect(await incremental(1, '', [{name: 'log.dirs', configOperation: 0, value: '/x'}]))
      .toMatchObject({errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Cannot update these configs dynamically: Set(log.dirs)'});
    expect(await incremental(1, '', [{name: 'log.segment.bytes', configOperation: 0, value: '1'}]))
      .toMatchObject({errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Invalid value 1 for configuration log.segment.bytes: Value must be at least 14'});
    expect(await incremental(1, '', [{name: 'a.b', configOperation: 0, value: '1'}, {name: 'a.b', configOperation: 1, value: null}]))
      .toMatchObject({errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Error due to duplicate config keys'});
  });
});

describe('DescribeConfigs of broker resources after dynamic changes', () => {
  it('shows dynamic sources on the broker, the cluster default and inheriting topics', async () => {
    await legacy(2, '', [{name: 'message.max.bytes', value: '4000'}, {name: 'log.retention.ms', value: '60000'}]);
    await legacy(2, '1', [{name: 'message.max.bytes', value: '3000'}]);
    const node = await describeBroker('1', ['message.max.bytes', 'log.retention.ms', 'num.partitions']);
    const byName = new Map(node.configs.map((c: {name: string}) => [c.name, c]));
    expect(byName.get('message.max.bytes')).toMatchObject({value: '3000', configSource: 2, readOnly: false, synonyms: [
      {name: 'message.max.bytes', value: '3000', source: 2}, {name: 'message.max.bytes', value: '4000', source: 3},
      {name: 'message.max.bytes', value: '1048588', source: 5}]});
    expect(byName.get('log.retention.ms')).toMatchObject({value: '60000', configSource: 3});
    expect(byName.get('num.partitions')).toMatchObject({readOnly: true, configSource: 5});
    const clusterDefault = await describeBroker('', null, false);
    expect(clusterDefault.errorCode).toBe(ErrorCode.NONE);
    expect(clusterDefault.configs.map((c: {name: string; value: string; configSource: number}) => [c.name, c.value, c.configSource]).sort())
      .toEqual([['log.retention.ms', '60000', 3], ['message.max.bytes', '4000', 3]]);
    const topic: any = await client.send(32, 4, {resources: [{resourceType: TOPIC, resourceName: 'dyn', configurationKeys: ['max.message.bytes', 'retention.ms']}],
      includeSynonyms: true, includeDocumentation: false});
    const topicByName = new Map(topic.results[0].configs.map((c: {name: string}) => [c.name, c]));
    expect(topicByName.get('max.message.bytes')).toMatchObject({value: '3000', configSource: 2});
    expect(topicByName.get('retention.ms')).toMatchObject({value: '60000', configSource: 3});
    expect((topicByName.get('retention.ms') as any).synonyms[0]).toEqual({name: 'log.retention.ms', value: '60000', source: 3});
  });
});
