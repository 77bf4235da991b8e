/** Dynamic broker configs: Kafka's validation rules, precedence, describe entries, and the stored file. */
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {AlterOp} from '../../../src/broker/config/alter.js';
import {
  applyIncrementalBrokerConfigs, replaceBrokerConfigs, validateDynamicBrokerConfigs, validateReconfiguration,
} from '../../../src/broker/config/dynamic.js';
import {DynamicBrokerConfigState} from '../../../src/broker/config/dynamic-state.js';
import {BROKER_CONFIGS_FILE, readBrokerConfigStore} from '../../../src/broker/config/dynamic-store.js';
import {
  ConfigError, ConfigSource, describeBrokerConfigs, describeClusterDefaultConfigs, describeTopicConfigs, resolveBrokerConfig, topicConfigValue,
} from '../../../src/broker/config/index.js';

function thrown(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('validateDynamicBrokerConfigs', () => {
  it('accepts Kafka\'s dynamic configs at either level, and custom names', () => {
    const ok = {'log.retention.ms': '3600000', 'message.max.bytes': '2000', 'log.cleanup.policy': 'compact,delete', 'my.plugin.setting': 'x'};
    expect(() => validateDynamicBrokerConfigs(ok, false)).not.toThrow();
    expect(() => validateDynamicBrokerConfigs(ok, true)).not.toThrow();
  });

  it('refuses static configs, bad values and bare listener security configs with INVALID_REQUEST, as Kafka does', () => {
    expect(thrown(() => validateDynamicBrokerConfigs({'num.partitions': '3', 'log.dirs': '/x'}, true)))
      .toMatchObject({errorCode: 42, message: 'Cannot update these configs dynamically: Set(num.partitions, log.dirs)'});
    expect(thrown(() => validateDynamicBrokerConfigs({'log.segment.bytes': '10'}, false)))
      .toMatchObject({errorCode: 42, message: 'Invalid value 10 for configuration log.segment.bytes: Value must be at least 14'});
    expect(thrown(() => validateDynamicBrokerConfigs({'log.retention.ms': 'soon'}, true)))
      .toMatchObject({errorCode: 42, message: 'Invalid value soon for configuration log.retention.ms: Not a number of type LONG'});
    expect(thrown(() => validateDynamicBrokerConfigs({'ssl.keystore.password': 'p'}, true))).toMatchObject({errorCode: 42,
      message: 'These security configs can be dynamically updated only per-listener using the listener prefix: Set(ssl.keystore.password)'});
  });

  it('refuses per-broker configs at the cluster default level only', () => {
    const perBroker = {'listener.name.external.ssl.keystore.password': 'p'};
    expect(() => validateDynamicBrokerConfigs(perBroker, true)).not.toThrow();
    expect(thrown(() => validateDynamicBrokerConfigs(perBroker, false))).toMatchObject({errorCode: 42,
      message: 'Cannot update these configs at default cluster level, broker id must be specified: Set(listener.name.external.ssl.keystore.password)'});
    // Kafka's cluster-level listener configs are allowed as defaults.
    expect(() => validateDynamicBrokerConfigs({'listener.name.external.max.connections': '10'}, false)).not.toThrow();
  });

  it('checks the local retention bounds of the resulting config', () => {
    expect(thrown(() => validateReconfiguration(resolveBrokerConfig({}, {broker: {}, clusterDefault: {'log.local.retention.ms': '-1'}}))))
      .toMatchObject({errorCode: 42, message: 'Invalid dynamic configuration'});
    expect(() => validateReconfiguration(resolveBrokerConfig({}, {broker: {}, clusterDefault: {'log.local.retention.ms': '1000'}}))).not.toThrow();
    expect(() => validateReconfiguration(resolveBrokerConfig({'log.retention.hours': '1'},
      {broker: {'log.local.retention.ms': '3600001'}, clusterDefault: {}}))).toThrow('Invalid dynamic configuration');
  });
});

describe('alter rules for broker resources', () => {
  it('AlterConfigs replaces the set; null values and duplicate keys are refused', () => {
    expect(replaceBrokerConfigs([{name: 'log.retention.ms', value: '5'}])).toEqual({'log.retention.ms': '5'});
    expect(thrown(() => replaceBrokerConfigs([{name: 'log.retention.ms', value: null}])))
      .toMatchObject({errorCode: 42, message: 'Null value not supported for : log.retention.ms'});
    expect(thrown(() => replaceBrokerConfigs([{name: 'a', value: '1'}, {name: 'a', value: '2'}])))
      .toMatchObject({errorCode: 42, message: 'Error due to duplicate config keys'});
  });

  it('IncrementalAlterConfigs SET, DELETE, APPEND and SUBTRACT, lists starting from Kafka\'s default', () => {
    const current = {'log.retention.ms': '5', 'message.max.bytes': '100'};
    const next = applyIncrementalBrokerConfigs(current, [
      {name: 'log.retention.ms', configOperation: AlterOp.DELETE, value: null},
      {name: 'message.max.bytes', configOperation: AlterOp.SET, value: '200'},
      {name: 'log.cleanup.policy', configOperation: AlterOp.APPEND, value: 'compact'},
    ]);
    expect(next).toEqual({'message.max.bytes': '200', 'log.cleanup.policy': 'delete,compact'});
    expect(current).toEqual({'log.retention.ms': '5', 'message.max.bytes': '100'});
    expect(applyIncrementalBrokerConfigs(next, [{name: 'log.cleanup.policy', configOperation: AlterOp.SUBTRACT, value: 'delete'}]))
      .toMatchObject({'log.cleanup.policy': 'compact'});
    expect(thrown(() => applyIncrementalBrokerConfigs({}, [{name: 'log.retention.ms', configOperation: AlterOp.APPEND, value: '1'}])))
      .toMatchObject({errorCode: 40, message: "Can't APPEND to key log.retention.ms because its type is not LIST."});
    expect(thrown(() => applyIncrementalBrokerConfigs({}, [{name: 'message.max.bytes', configOperation: AlterOp.SET, value: null}])))
      .toMatchObject({errorCode: 42, message: 'Null value not supported for : message.max.bytes'});
    expect(thrown(() => applyIncrementalBrokerConfigs({}, [{name: 'x', configOperation: 7, value: '1'}])).errorCode).toBe(42);
  });
});

describe('precedence and describe entries', () => {
  const config = resolveBrokerConfig({'log.retention.hours': '48', 'message.max.bytes': '5000'}, {
    broker: {'message.max.bytes': '3000'},
    clusterDefault: {'message.max.bytes': '4000', 'log.retention.ms': '60000', 'custom.thing': 'secret'},
  });

  it('per-broker dynamic > cluster default dynamic > static > default, in the typed config and log defaults', () => {
    expect(config.messageMaxBytes).toBe(3000);
    expect(config.logDefaults.maxMessageBytes).toBe(3000);
    expect(config.logDefaults.retentionMs).toBe(60000);
    expect(resolveBrokerConfig({'message.max.bytes': '5000'}, {broker: {}, clusterDefault: {'message.max.bytes': '4000'}}).messageMaxBytes).toBe(4000);
    expect(topicConfigValue('retention.ms', {'retention.ms': '7'}, config)).toBe('7');
  });

  it('a topic inherits with the dynamic source and Kafka\'s synonym order', () => {
    const byName = new Map(describeTopicConfigs({}, config).map((e) => [e.name, e]));
    expect(byName.get('max.message.bytes')).toMatchObject({value: '3000', configSource: ConfigSource.DYNAMIC_BROKER_CONFIG, isDefault: false});
    expect(byName.get('max.message.bytes')!.synonyms).toEqual([
      {name: 'message.max.bytes', value: '3000', source: ConfigSource.DYNAMIC_BROKER_CONFIG},
      {name: 'message.max.bytes', value: '4000', source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG},
      {name: 'message.max.bytes', value: '5000', source: ConfigSource.STATIC_BROKER_CONFIG},
      {name: 'message.max.bytes', value: '1048588', source: ConfigSource.DEFAULT_CONFIG},
    ]);
    expect(byName.get('retention.ms')).toMatchObject({value: '60000', configSource: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG});
    expect(byName.get('retention.ms')!.synonyms.map((s) => [s.name, s.source])).toEqual([
      ['log.retention.ms', ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG],
      ['log.retention.hours', ConfigSource.STATIC_BROKER_CONFIG],
      ['log.retention.hours', ConfigSource.DEFAULT_CONFIG],
    ]);
  });

  it('the broker resource shows dynamic values, writable where Kafka allows, custom names hidden', () => {
    const byName = new Map(describeBrokerConfigs(config).map((e) => [e.name, e]));
    expect(byName.get('message.max.bytes')).toMatchObject({value: '3000', configSource: ConfigSource.DYNAMIC_BROKER_CONFIG, readOnly: false});
    expect(byName.get('message.max.bytes')!.synonyms.map((s) => s.source)).toEqual([2, 3, 4, 5]);
    expect(byName.get('log.retention.ms')).toMatchObject({value: '60000', configSource: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG});
    // Kafka's list for log.retention.hours starts at its own name: the dynamic log.retention.ms is not in it.
    expect(byName.get('log.retention.hours')!.synonyms).toEqual([
      {name: 'log.retention.hours', value: '48', source: ConfigSource.STATIC_BROKER_CONFIG},
      {name: 'log.retention.hours', value: '168', source: ConfigSource.DEFAULT_CONFIG},
    ]);
    expect(byName.get('num.partitions')!.readOnly).toBe(true);
    expect(byName.get('custom.thing')).toMatchObject({value: null, isSensitive: true, readOnly: true, configType: 0,
      configSource: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG});
  });

  it('the cluster default resource lists only what is set there', () => {
    const entries = describeClusterDefaultConfigs(config);
    expect(entries.map((e) => e.name).sort()).toEqual(['custom.thing', 'log.retention.ms', 'message.max.bytes']);
    expect(entries.find((e) => e.name === 'message.max.bytes')).toMatchObject({value: '4000', readOnly: false,
      configSource: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
      synonyms: [{name: 'message.max.bytes', value: '4000', source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG}]});
    expect(describeClusterDefaultConfigs(resolveBrokerConfig({}))).toEqual([]);
  });
});

describe('DynamicBrokerConfigState', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, {recursive: true, force: true});
  });
  const open = (log: (line: string) => void = () => undefined) =>
    DynamicBrokerConfigState.open({dataDir: dir!, nodeId: 1, overrides: {'log.retention.hours': '2'}, log});

  it('persists each change atomically, notifies listeners, and loads it again', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'kstream-dyn-'));
    const state = await open();
    expect(state.config.logDefaults.retentionMs).toBe(7_200_000);
    const seen: number[] = [];
    state.onChange((next, previous) => seen.push(previous.logDefaults.retentionMs, next.logDefaults.retentionMs));
    await state.alter('', () => ({'log.retention.ms': '1000'}), false);
    await state.alter('1', () => ({'message.max.bytes': '512'}), false);
    expect(seen).toEqual([7_200_000, 1000, 1000, 1000]);
    expect(state.config).toMatchObject({messageMaxBytes: 512, nodeId: 1});
    expect(await readBrokerConfigStore(dir)).toEqual({clusterDefault: {'log.retention.ms': '1000'}, brokers: {1: {'message.max.bytes': '512'}}});
    const again = await open();
    expect(again.config.logDefaults).toMatchObject({retentionMs: 1000, maxMessageBytes: 512});
    expect(again.configsOf('')).toEqual({'log.retention.ms': '1000'});
  });

  it('validate_only and refused changes write and apply nothing', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'kstream-dyn-'));
    const state = await open();
    await state.alter('', () => ({'log.retention.ms': '1000'}), true);
    await expect(state.alter('', () => ({'num.partitions': '2'}), false)).rejects.toMatchObject({errorCode: 42});
    expect(state.config.logDefaults.retentionMs).toBe(7_200_000);
    expect(await readFile(path.join(dir, BROKER_CONFIGS_FILE)).catch(() => null)).toBeNull();
  });

  it('drops stored entries that do not validate, with a log line, and refuses a corrupt file', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'kstream-dyn-'));
    await writeFile(path.join(dir, BROKER_CONFIGS_FILE), JSON.stringify({version: 1,
      clusterDefault: {'log.retention.ms': 'x', 'message.max.bytes': '999'}, brokers: {2: {'message.max.bytes': '1'}}}));
    const lines: string[] = [];
    const state = await open((line) => lines.push(line));
    expect(state.config.messageMaxBytes).toBe(999);
    expect(lines).toEqual(['dynamic cluster default configs ignored (invalid): log.retention.ms']);
    await writeFile(path.join(dir, BROKER_CONFIGS_FILE), '{"version":1,');
    await expect(open()).rejects.toThrow(/is not valid JSON/);
  });
});
