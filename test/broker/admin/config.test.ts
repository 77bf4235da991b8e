import {describe, expect, it} from 'vitest';
import {
  ConfigError, ConfigSource, describeBrokerConfigs, describeTopicConfigs, resolveBrokerConfig, topicLogConfig,
  validateTopicConfigs,
} from '../../../src/broker/config/index.js';
import {applyIncrementalTopicConfigs, applyListOperation, AlterOp, checkAlterBrokerResource, checkBrokerResource, replaceTopicConfigs} from '../../../src/broker/config/alter.js';
import {applyIncrementalBrokerConfigs} from '../../../src/broker/config/dynamic.js';
import {DEFAULT_LOG_CONFIG} from '../../../src/storage/log-config.js';

function thrown(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveBrokerConfig', () => {
  it('gives Kafka defaults and kstream single-node static values', () => {
    const c = resolveBrokerConfig({});
    expect(c.nodeId).toBe(1);
    expect(c.numPartitions).toBe(1);
    expect(c.defaultReplicationFactor).toBe(1);
    expect(c.autoCreateTopicsEnable).toBe(true);
    expect(c.socketRequestMaxBytes).toBe(104857600);
    expect(c.messageMaxBytes).toBe(1048588);
    expect(c.offsetsTopicNumPartitions).toBe(50);
    expect(c.offsetsTopicReplicationFactor).toBe(1);
    expect(c.groupInitialRebalanceDelayMs).toBe(0);
    expect(c.groupMinSessionTimeoutMs).toBe(6000);
    expect(c.groupMaxSessionTimeoutMs).toBe(1800000);
    expect(c.offsetsRetentionMinutes).toBe(10080);
    expect(c.logRetentionCheckIntervalMs).toBe(300000);
    expect(c.logDefaults.retentionMs).toBe(604800000);
    expect(c.logDefaults.segmentBytes).toBe(1073741824);
    expect(c.logDefaults.flushMessages).toBe(DEFAULT_LOG_CONFIG.flushMessages);
    expect(c.raw).toEqual({});
  });

  it('applies overrides, with hour synonyms converted to the log config ms', () => {
    const c = resolveBrokerConfig({'num.partitions': '3', 'log.retention.hours': '1', 'auto.create.topics.enable': 'false'});
    expect(c.numPartitions).toBe(3);
    expect(c.autoCreateTopicsEnable).toBe(false);
    expect(c.logDefaults.retentionMs).toBe(3_600_000);
    // log.retention.ms wins over log.retention.hours, as in Kafka.
    expect(resolveBrokerConfig({'log.retention.hours': '1', 'log.retention.ms': '5000'}).logDefaults.retentionMs).toBe(5000);
  });

  it('rejects unknown names and bad values with Kafka wording', () => {
    expect(thrown(() => resolveBrokerConfig({'num.partition': '3'})).message).toBe('Unknown broker config name: num.partition');
    expect(thrown(() => resolveBrokerConfig({'num.partitions': '0'})).message)
      .toBe('Invalid value 0 for configuration num.partitions: Value must be at least 1');
    expect(thrown(() => resolveBrokerConfig({'num.partitions': 'x'})).message)
      .toBe('Invalid value x for configuration num.partitions: Not a number of type INT');
    expect(thrown(() => resolveBrokerConfig({'auto.create.topics.enable': 'yes'})).message)
      .toBe('Invalid value yes for configuration auto.create.topics.enable: Expected value to be either true or false');
  });
});

describe('validateTopicConfigs', () => {
  it('accepts valid values of every type', () => {
    expect(() => validateTopicConfigs({
      'cleanup.policy': 'compact,delete', 'retention.ms': '-1', 'min.cleanable.dirty.ratio': '0.1',
      'message.timestamp.type': 'LogAppendTime', preallocate: 'true', 'segment.bytes': '1048576',
      'max.compaction.lag.ms': '9223372036854775807', 'leader.replication.throttled.replicas': '0:1,1:1',
    })).not.toThrow();
  });

  it('rejects with INVALID_CONFIG and Kafka messages', () => {
    const cases: [Record<string, string>, string][] = [
      [{'retention.msx': '1'}, 'Unknown topic config name: retention.msx'],
      [{'retention.ms': '-2'}, 'Invalid value -2 for configuration retention.ms: Value must be at least -1'],
      [{'segment.bytes': '2147483648'}, 'Invalid value 2147483648 for configuration segment.bytes: Not a number of type INT'],
      [{'cleanup.policy': 'compact,forever'}, 'Invalid value forever for configuration cleanup.policy: String must be one of: compact, delete'],
      [{'min.cleanable.dirty.ratio': '1.5'}, 'Invalid value 1.5 for configuration min.cleanable.dirty.ratio: Value must be no more than 1'],
      [{'compression.type': 'brotli'},
        'Invalid value brotli for configuration compression.type: String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer'],
      [{'min.compaction.lag.ms': '10', 'max.compaction.lag.ms': '5'},
        'conflict topic config setting min.compaction.lag.ms (10) > max.compaction.lag.ms (5)'],
    ];
    for (const [configs, message] of cases) {
      const err = thrown(() => validateTopicConfigs(configs));
      expect(err.errorCode).toBe(40);
      expect(err.message).toBe(message);
    }
  });
});

describe('topicLogConfig', () => {
  it('layers topic overrides over broker settings over storage defaults', () => {
    const broker = resolveBrokerConfig({'log.segment.bytes': '2000000', 'log.cleanup.policy': 'compact'});
    const config = topicLogConfig({'retention.ms': '1000', 'max.message.bytes': '500'}, broker);
    expect(config.retentionMs).toBe(1000);
    expect(config.maxMessageBytes).toBe(500);
    expect(config.segmentBytes).toBe(2000000);
    expect(config.cleanupPolicy).toEqual(['compact']);
    expect(config.flushMessages).toBe(DEFAULT_LOG_CONFIG.flushMessages);
    // "never" stays a safe integer.
    expect(topicLogConfig({'flush.ms': '9223372036854775807'}, broker).flushMs).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('describe entries', () => {
  it('reports a topic override, broker setting and default with their sources and synonyms', () => {
    const broker = resolveBrokerConfig({'log.retention.hours': '2'});
    const entries = describeTopicConfigs({'cleanup.policy': 'compact'}, broker);
    const byName = new Map(entries.map((e) => [e.name, e]));
    const cleanup = byName.get('cleanup.policy')!;
    expect(cleanup).toMatchObject({value: 'compact', configSource: ConfigSource.DYNAMIC_TOPIC_CONFIG, isDefault: false, readOnly: false, configType: 7});
    expect(cleanup.synonyms).toEqual([
      {name: 'cleanup.policy', value: 'compact', source: ConfigSource.DYNAMIC_TOPIC_CONFIG},
      {name: 'log.cleanup.policy', value: 'delete', source: ConfigSource.DEFAULT_CONFIG},
    ]);
    const retention = byName.get('retention.ms')!;
    expect(retention).toMatchObject({value: '7200000', configSource: ConfigSource.STATIC_BROKER_CONFIG});
    expect(retention.synonyms).toContainEqual({name: 'log.retention.hours', value: '2', source: ConfigSource.STATIC_BROKER_CONFIG});
    expect(retention.synonyms.at(-1)).toEqual({name: 'log.retention.hours', value: '168', source: ConfigSource.DEFAULT_CONFIG});
    const segment = byName.get('segment.bytes')!;
    expect(segment).toMatchObject({value: '1073741824', configSource: ConfigSource.DEFAULT_CONFIG, isDefault: true, configType: 3});
    expect(entries.length).toBeGreaterThan(25);
  });

  it('reports Kafka\'s flush policy as the default, and a broker-level flush.messages as its source', () => {
    const flush = describeTopicConfigs({}, resolveBrokerConfig({})).find((e) => e.name === 'flush.messages')!;
    expect(flush).toMatchObject({value: '9223372036854775807', configSource: ConfigSource.DEFAULT_CONFIG});
    const set = describeTopicConfigs({}, resolveBrokerConfig({'log.flush.interval.messages': '1'})).find((e) => e.name === 'flush.messages')!;
    expect(set).toMatchObject({value: '1', configSource: ConfigSource.STATIC_BROKER_CONFIG});
  });

  it('describes broker configs, static ones read-only, with sensitive values hidden', () => {
    const entries = describeBrokerConfigs(resolveBrokerConfig({'num.partitions': '4', 'ssl.key.password': 'secret'}));
    const byName = new Map(entries.map((e) => [e.name, e]));
    expect(byName.get('num.partitions')).toMatchObject({value: '4', readOnly: true, configSource: ConfigSource.STATIC_BROKER_CONFIG});
    expect(byName.get('num.partitions')!.synonyms).toContainEqual({name: 'num.partitions', value: '1', source: ConfigSource.DEFAULT_CONFIG});
    // Read-only unless Kafka can change it at runtime (DynamicBrokerConfig.AllDynamicConfigs).
    expect(byName.get('ssl.key.password')).toMatchObject({value: null, isSensitive: true, configType: 9, readOnly: false});
    expect(byName.get('offsets.topic.replication.factor')).toMatchObject({value: '1', configSource: ConfigSource.STATIC_BROKER_CONFIG});
    expect(byName.get('log.retention.ms')).toMatchObject({value: null, configSource: ConfigSource.DEFAULT_CONFIG});
  });

  it('has Kafka\'s producer-id expiration configs; the internal check interval is described only when set', () => {
    const defaults = new Map(describeBrokerConfigs(resolveBrokerConfig({})).map((e) => [e.name, e]));
    expect(defaults.get('producer.id.expiration.ms')).toMatchObject({value: '86400000', isDefault: true, configSource: ConfigSource.DEFAULT_CONFIG, configType: 3});
    expect(defaults.has('producer.id.expiration.check.interval.ms')).toBe(false);
    const set = resolveBrokerConfig({'producer.id.expiration.ms': '5000', 'producer.id.expiration.check.interval.ms': '500'});
    expect(set).toMatchObject({producerIdExpirationMs: 5000, producerIdExpirationCheckIntervalMs: 500});
    expect(resolveBrokerConfig({})).toMatchObject({producerIdExpirationMs: 86_400_000, producerIdExpirationCheckIntervalMs: 600_000});
    const described = new Map(describeBrokerConfigs(set).map((e) => [e.name, e]));
    expect(described.get('producer.id.expiration.check.interval.ms')).toMatchObject({value: '500', configSource: ConfigSource.STATIC_BROKER_CONFIG});
    expect(() => resolveBrokerConfig({'producer.id.expiration.ms': '0'}))
      .toThrow('Invalid value 0 for configuration producer.id.expiration.ms: Value must be at least 1');
  });
});

describe('alter rules', () => {
  it('AlterConfigs replaces the whole override set', () => {
    expect(replaceTopicConfigs([{name: 'retention.ms', value: '10'}, {name: 'segment.ms', value: null}])).toEqual({'retention.ms': '10'});
    expect(() => replaceTopicConfigs([{name: 'nope', value: '1'}])).toThrow('Unknown topic config name: nope');
  });

  it('IncrementalAlterConfigs SET, DELETE, APPEND and SUBTRACT', () => {
    const current = {'retention.ms': '10', 'segment.ms': '100'};
    const next = applyIncrementalTopicConfigs(current, [
      {name: 'retention.ms', configOperation: AlterOp.DELETE, value: null},
      {name: 'segment.ms', configOperation: AlterOp.SET, value: '200'},
      {name: 'cleanup.policy', configOperation: AlterOp.APPEND, value: 'compact'},
    ]);
    expect(next).toEqual({'segment.ms': '200', 'cleanup.policy': 'delete,compact'});
    expect(current).toEqual({'retention.ms': '10', 'segment.ms': '100'});
    expect(applyIncrementalTopicConfigs(next, [{name: 'cleanup.policy', configOperation: AlterOp.SUBTRACT, value: 'delete'}]))
      .toEqual({'segment.ms': '200', 'cleanup.policy': 'compact'});
    const notList = thrown(() => applyIncrementalTopicConfigs({}, [{name: 'retention.ms', configOperation: AlterOp.APPEND, value: '1'}]));
    expect(notList.message).toBe("Can't APPEND to key retention.ms because its type is not LIST.");
    expect(notList.errorCode).toBe(40);
    const dup = thrown(() => applyIncrementalTopicConfigs({}, [
      {name: 'retention.ms', configOperation: AlterOp.SET, value: '1'}, {name: 'retention.ms', configOperation: AlterOp.DELETE, value: null}]));
    expect(dup.errorCode).toBe(42);
    expect(thrown(() => applyIncrementalTopicConfigs({}, [{name: 'retention.ms', configOperation: AlterOp.SET, value: 'soon'}])).message)
      .toBe('Invalid value soon for configuration retention.ms: Not a number of type LONG');
  });

  it('APPEND adds only values not there yet and SUBTRACT removes one occurrence of each, for topics and brokers alike (Kafka\'s controller)', () => {
    expect(applyListOperation(AlterOp.APPEND, 'a,b', 'b,c,c')).toBe('a,b,c');
    expect(applyListOperation(AlterOp.SUBTRACT, 'a,b,a,c', 'a,x')).toBe('b,a,c');
    expect(applyListOperation(AlterOp.APPEND, '', ' d , e ')).toBe('d,e');
    const broker = applyIncrementalBrokerConfigs({'log.cleanup.policy': 'delete'}, [{name: 'log.cleanup.policy', configOperation: AlterOp.APPEND, value: 'compact,delete'}]);
    expect(broker).toEqual({'log.cleanup.policy': 'delete,compact'});
    expect(thrown(() => applyIncrementalBrokerConfigs({}, [{name: 'log.retention.ms', configOperation: AlterOp.SUBTRACT, value: '1'}])))
      .toMatchObject({errorCode: 40, message: "Can't SUBTRACT to key log.retention.ms because its type is not LIST."});
  });

  it('broker resources: node id checks with Kafka\'s wording for describe and for alter', () => {
    expect(() => checkBrokerResource('1', 1)).not.toThrow();
    expect(() => checkBrokerResource('', 1)).not.toThrow();
    expect(thrown(() => checkBrokerResource('2', 1)).errorCode).toBe(42);
    expect(thrown(() => checkBrokerResource('abc', 1)).message).toBe('Broker id must be an integer, but it is: abc');
    expect(() => checkAlterBrokerResource('', 1)).not.toThrow();
    expect(() => checkAlterBrokerResource('1', 1)).not.toThrow();
    expect(thrown(() => checkAlterBrokerResource('2', 1))).toMatchObject({errorCode: 42, message: 'Unexpected broker id, expected 1, but received 2'});
    expect(thrown(() => checkAlterBrokerResource('x', 1))).toMatchObject({errorCode: 42, message: 'Node id must be an integer, but it is: x'});
  });
});
