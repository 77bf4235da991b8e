/**
 * The broker's one config table, and what everything else asks of it: the typed broker config,
 * topic config validation, the LogConfig a topic's logs run with, and DescribeConfigs entries.
 * Names, types, defaults and validation are Kafka's (TopicConfig, LogConfig, KafkaConfig).
 */
import type {LogConfig} from '../../storage/log-config.js';
import {DEFAULT_LOG_CONFIG} from '../../storage/log-config.js';
import {BROKER_CONFIG_BY_NAME, BROKER_CONFIGS} from './broker-configs.js';
import {ConfigError} from './errors.js';
import {
  brokerValueChain, BrokerSources, DynamicBrokerConfigs, effectiveValue, NO_DYNAMIC_CONFIGS, resolveBrokerValue, ResolvedValue,
  topicValueChain,
} from './resolve.js';
import {TOPIC_CONFIG_BY_NAME, TOPIC_CONFIGS} from './topic-configs.js';
import {checkValue, CONFIG_TYPE_CODE, ConfigDef, ConfigSource, parseValue} from './types.js';

export {ConfigError} from './errors.js';
export {ConfigSource, CONFIG_TYPE_CODE} from './types.js';
export type {ConfigDef, ConfigType} from './types.js';
export {TOPIC_CONFIGS, TOPIC_CONFIG_BY_NAME} from './topic-configs.js';
export {BROKER_CONFIGS, BROKER_CONFIG_BY_NAME} from './broker-configs.js';
export type {BrokerSources, DynamicBrokerConfigs} from './resolve.js';
export {NO_DYNAMIC_CONFIGS} from './resolve.js';

export interface BrokerConfig {
  nodeId: number;
  numPartitions: number;
  defaultReplicationFactor: number;
  autoCreateTopicsEnable: boolean;
  deleteTopicEnable: boolean;
  socketRequestMaxBytes: number;
  messageMaxBytes: number;
  fetchMaxBytes: number;
  connectionsMaxIdleMs: number;
  offsetsTopicNumPartitions: number;
  offsetsTopicReplicationFactor: number;
  offsetsTopicSegmentBytes: number;
  offsetsRetentionMinutes: number;
  offsetsRetentionCheckIntervalMs: number;
  groupInitialRebalanceDelayMs: number;
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  groupMaxSize: number;
  transactionStateLogNumPartitions: number;
  transactionMaxTimeoutMs: number;
  transactionalIdExpirationMs: number;
  producerIdExpirationMs: number;
  producerIdExpirationCheckIntervalMs: number;
  logRetentionCheckIntervalMs: number;
  logCleanerEnable: boolean;
  logCleanerBackoffMs: number;
  logFlushOffsetCheckpointIntervalMs: number;
  logFlushStartOffsetCheckpointIntervalMs: number;
  /** The LogConfig a topic without overrides runs with (broker log.* settings over storage defaults). */
  logDefaults: LogConfig;
  /** The overrides this broker was started with (static), by Kafka name. */
  raw: Record<string, string>;
  /** Dynamic broker configs (AlterConfigs on BROKER resources), which take precedence over `raw`. */
  dynamic: DynamicBrokerConfigs;
}

/** One DescribeConfigs entry, with the codec's field names. */
export interface DescribedConfig {
  name: string;
  value: string | null;
  readOnly: boolean;
  isDefault: boolean;
  configSource: number;
  isSensitive: boolean;
  synonyms: {name: string; value: string | null; source: number}[];
  configType: number;
  documentation: string | null;
}

function brokerNumber(sources: BrokerSources, name: string): number {
  const value = resolveBrokerValue(sources, name).value;
  const def = BROKER_CONFIG_BY_NAME.get(name)!;
  const parsed = parseValue(def, value);
  return typeof parsed === 'bigint' ? Number(parsed) : (parsed as number);
}

function brokerBoolean(sources: BrokerSources, name: string): boolean {
  return parseValue(BROKER_CONFIG_BY_NAME.get(name)!, resolveBrokerValue(sources, name).value) as boolean;
}

/**
 * The typed broker config from Kafka-named static overrides and the dynamic configs over them;
 * unknown static names and bad static values throw ConfigError. Dynamic configs come validated
 * (dynamic.ts); names kstream does not know among them are kept but drive nothing.
 */
export function resolveBrokerConfig(overrides: Record<string, string>, dynamic: DynamicBrokerConfigs = NO_DYNAMIC_CONFIGS): BrokerConfig {
  const raw = {...overrides};
  for (const [name, value] of Object.entries(raw)) {
    const def = BROKER_CONFIG_BY_NAME.get(name);
    if (!def) throw new ConfigError(`Unknown broker config name: ${name}`);
    checkValue(def, value);
  }
  // node.id and broker.id are one thing on a KRaft node.
  if (raw['node.id'] !== undefined && raw['broker.id'] === undefined) raw['broker.id'] = raw['node.id'];
  const sources: BrokerSources = {raw, dynamic};
  const n = (name: string) => brokerNumber(sources, name);
  const b = (name: string) => brokerBoolean(sources, name);
  const logDefaults = topicLogConfig({}, sources);
  return {
    nodeId: n('node.id'),
    numPartitions: n('num.partitions'),
    defaultReplicationFactor: n('default.replication.factor'),
    autoCreateTopicsEnable: b('auto.create.topics.enable'),
    deleteTopicEnable: b('delete.topic.enable'),
    socketRequestMaxBytes: n('socket.request.max.bytes'),
    messageMaxBytes: n('message.max.bytes'),
    fetchMaxBytes: n('fetch.max.bytes'),
    connectionsMaxIdleMs: n('connections.max.idle.ms'),
    offsetsTopicNumPartitions: n('offsets.topic.num.partitions'),
    offsetsTopicReplicationFactor: n('offsets.topic.replication.factor'),
    offsetsTopicSegmentBytes: n('offsets.topic.segment.bytes'),
    offsetsRetentionMinutes: n('offsets.retention.minutes'),
    offsetsRetentionCheckIntervalMs: n('offsets.retention.check.interval.ms'),
    groupInitialRebalanceDelayMs: n('group.initial.rebalance.delay.ms'),
    groupMinSessionTimeoutMs: n('group.min.session.timeout.ms'),
    groupMaxSessionTimeoutMs: n('group.max.session.timeout.ms'),
    groupMaxSize: n('group.max.size'),
    transactionStateLogNumPartitions: n('transaction.state.log.num.partitions'),
    transactionMaxTimeoutMs: n('transaction.max.timeout.ms'),
    transactionalIdExpirationMs: n('transactional.id.expiration.ms'),
    producerIdExpirationMs: n('producer.id.expiration.ms'),
    producerIdExpirationCheckIntervalMs: n('producer.id.expiration.check.interval.ms'),
    logRetentionCheckIntervalMs: n('log.retention.check.interval.ms'),
    logCleanerEnable: b('log.cleaner.enable'),
    logCleanerBackoffMs: n('log.cleaner.backoff.ms'),
    logFlushOffsetCheckpointIntervalMs: n('log.flush.offset.checkpoint.interval.ms'),
    logFlushStartOffsetCheckpointIntervalMs: n('log.flush.start.offset.checkpoint.interval.ms'),
    logDefaults,
    raw,
    dynamic,
  };
}

/** Kafka's topic config validation (LogConfig.validate): unknown names and bad values throw ConfigError (INVALID_CONFIG). */
export function validateTopicConfigs(configs: Record<string, string>): void {
  for (const [name, value] of Object.entries(configs)) {
    const def = TOPIC_CONFIG_BY_NAME.get(name);
    if (!def) throw new ConfigError(`Unknown topic config name: ${name}`);
    if (value === null || value === undefined) throw new ConfigError(`Null value not supported for topic configs: ${name}`);
    checkValue(def, value);
  }
  const minLag = configs['min.compaction.lag.ms'];
  const maxLag = configs['max.compaction.lag.ms'];
  if (minLag !== undefined && maxLag !== undefined && BigInt(minLag.trim()) > BigInt(maxLag.trim())) {
    throw new ConfigError(`conflict topic config setting min.compaction.lag.ms (${minLag}) > max.compaction.lag.ms (${maxLag})`);
  }
}

/** The LogConfig of a topic: its overrides over the broker's log settings over storage's defaults. */
export function topicLogConfig(overrides: Record<string, string>, broker: BrokerSources): LogConfig {
  const config: LogConfig = {...DEFAULT_LOG_CONFIG, cleanupPolicy: [...DEFAULT_LOG_CONFIG.cleanupPolicy]};
  const target = config as unknown as Record<string, unknown>;
  for (const def of TOPIC_CONFIGS) {
    if (def.logField === undefined) continue;
    const value = effectiveValue(topicValueChain(def, overrides, broker)[0]);
    if (value === null) continue;
    const parsed = parseValue(def, value);
    // Long.MAX_VALUE ("never") becomes storage's largest safe number.
    target[def.logField] = typeof parsed === 'bigint' ? Math.min(Number(parsed), Number.MAX_SAFE_INTEGER) : parsed;
  }
  return config;
}

function entry(def: ConfigDef, chain: ResolvedValue[], readOnly: boolean): DescribedConfig {
  const sensitive = def.type === 'password';
  const top = chain[0];
  return {
    name: def.name,
    value: sensitive ? null : effectiveValue(top),
    readOnly,
    isDefault: top.source === ConfigSource.DEFAULT_CONFIG,
    configSource: top.source,
    isSensitive: sensitive,
    synonyms: chain.map((s) => ({name: s.name, value: sensitive ? null : s.value, source: s.source})),
    configType: CONFIG_TYPE_CODE[def.type],
    documentation: def.doc,
  };
}

/**
 * A dynamic config kstream has no definition for (Kafka keeps such custom configs for plugins):
 * as Kafka describes a config of unknown type, sensitive (value hidden), read-only, type UNKNOWN.
 */
function customEntry(chain: ResolvedValue[]): DescribedConfig {
  const top = chain[0];
  return {
    name: top.name, value: null, readOnly: true, isDefault: false, configSource: top.source, isSensitive: true,
    synonyms: chain.map((s) => ({name: s.name, value: null, source: s.source})), configType: 0, documentation: null,
  };
}

/** DescribeConfigs entries of a topic, every config Kafka defines, sorted by name. */
export function describeTopicConfigs(overrides: Record<string, string>, broker: BrokerSources): DescribedConfig[] {
  return TOPIC_CONFIGS.map((def) => entry(def, topicValueChain(def, overrides, broker), false));
}

/** Dynamic names set on this broker that kstream's table does not define, in the order they were set. */
function customNames(broker: BrokerSources): string[] {
  const dynamic = broker.dynamic ?? NO_DYNAMIC_CONFIGS;
  const names = new Set([...Object.keys(dynamic.broker), ...Object.keys(dynamic.clusterDefault)]);
  return [...names].filter((n) => !BROKER_CONFIG_BY_NAME.has(n));
}

/**
 * DescribeConfigs entries of this broker (its node id as the resource name): every config with
 * its effective value and Kafka's synonym list; read-only unless Kafka can change it at runtime.
 */
export function describeBrokerConfigs(broker: BrokerSources): DescribedConfig[] {
  const known = BROKER_CONFIGS
    .filter((def) => !def.internal || resolveBrokerValue(broker, def.name).source !== ConfigSource.DEFAULT_CONFIG)
    .map((def) => entry(def, brokerValueChain(broker, def.name), !def.dynamic));
  return [...known, ...customNames(broker).map((n) => customEntry(brokerValueChain(broker, n)))];
}

/**
 * DescribeConfigs entries of the cluster-wide default resource (the empty broker name): only the
 * configs set there, each with the dynamic default as its one synonym, as Kafka answers it.
 */
export function describeClusterDefaultConfigs(broker: BrokerSources): DescribedConfig[] {
  const defaults = (broker.dynamic ?? NO_DYNAMIC_CONFIGS).clusterDefault;
  return Object.entries(defaults).map(([name, value]) => {
    const chain = [{name, value, source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG}];
    const def = BROKER_CONFIG_BY_NAME.get(name);
    return def ? entry(def, chain, !def.dynamic) : customEntry(chain);
  });
}

/** The effective value of one topic config (override, broker synonym, then default). */
export function topicConfigValue(name: string, overrides: Record<string, string>, broker: BrokerSources): string | null {
  const def = TOPIC_CONFIG_BY_NAME.get(name);
  if (!def) throw new Error(`unknown topic config ${name}`);
  const [top] = topicValueChain(def, overrides, broker);
  return top === undefined ? null : effectiveValue(top);
}
