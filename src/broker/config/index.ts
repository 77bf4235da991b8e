/**
 * The broker's one config table, and what everything else asks of it: the typed broker config,
 * topic config validation, the LogConfig a topic's logs run with, and DescribeConfigs entries.
 * Names, types, defaults and validation are Kafka's (TopicConfig, LogConfig, KafkaConfig).
 */
import type {LogConfig} from '../../storage/log-config.js';
import {DEFAULT_LOG_CONFIG} from '../../storage/log-config.js';
import {BROKER_CONFIG_BY_NAME, BROKER_CONFIGS} from './broker-configs.js';
import {ConfigError} from './errors.js';
import {effectiveValue, resolveBrokerValue, topicValueChain} from './resolve.js';
import {TOPIC_CONFIG_BY_NAME, TOPIC_CONFIGS} from './topic-configs.js';
import {checkValue, CONFIG_TYPE_CODE, ConfigDef, ConfigSource, parseValue} from './types.js';

export {ConfigError} from './errors.js';
export {ConfigSource, CONFIG_TYPE_CODE} from './types.js';
export type {ConfigDef, ConfigType} from './types.js';
export {TOPIC_CONFIGS, TOPIC_CONFIG_BY_NAME} from './topic-configs.js';
export {BROKER_CONFIGS, BROKER_CONFIG_BY_NAME} from './broker-configs.js';

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
  /** The overrides this broker was started with, by Kafka name. */
  raw: Record<string, string>;
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

function brokerNumber(raw: Record<string, string>, name: string): number {
  const value = resolveBrokerValue(raw, name).value;
  const def = BROKER_CONFIG_BY_NAME.get(name)!;
  const parsed = parseValue(def, value);
  return typeof parsed === 'bigint' ? Number(parsed) : (parsed as number);
}

function brokerBoolean(raw: Record<string, string>, name: string): boolean {
  return parseValue(BROKER_CONFIG_BY_NAME.get(name)!, resolveBrokerValue(raw, name).value) as boolean;
}

/** The typed broker config from Kafka-named overrides; unknown names and bad values throw ConfigError. */
export function resolveBrokerConfig(overrides: Record<string, string>): BrokerConfig {
  const raw = {...overrides};
  for (const [name, value] of Object.entries(raw)) {
    const def = BROKER_CONFIG_BY_NAME.get(name);
    if (!def) throw new ConfigError(`Unknown broker config name: ${name}`);
    checkValue(def, value);
  }
  // node.id and broker.id are one thing on a KRaft node.
  if (raw['node.id'] !== undefined && raw['broker.id'] === undefined) raw['broker.id'] = raw['node.id'];
  const n = (name: string) => brokerNumber(raw, name);
  const partial = {raw} as BrokerConfig;
  partial.logDefaults = topicLogConfig({}, partial);
  return {
    nodeId: n('node.id'),
    numPartitions: n('num.partitions'),
    defaultReplicationFactor: n('default.replication.factor'),
    autoCreateTopicsEnable: brokerBoolean(raw, 'auto.create.topics.enable'),
    deleteTopicEnable: brokerBoolean(raw, 'delete.topic.enable'),
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
    logCleanerEnable: brokerBoolean(raw, 'log.cleaner.enable'),
    logCleanerBackoffMs: n('log.cleaner.backoff.ms'),
    logFlushOffsetCheckpointIntervalMs: n('log.flush.offset.checkpoint.interval.ms'),
    logFlushStartOffsetCheckpointIntervalMs: n('log.flush.start.offset.checkpoint.interval.ms'),
    logDefaults: partial.logDefaults,
    raw,
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
export function topicLogConfig(overrides: Record<string, string>, broker: Pick<BrokerConfig, 'raw'>): LogConfig {
  const config: LogConfig = {...DEFAULT_LOG_CONFIG, cleanupPolicy: [...DEFAULT_LOG_CONFIG.cleanupPolicy]};
  const target = config as unknown as Record<string, unknown>;
  for (const def of TOPIC_CONFIGS) {
    if (def.logField === undefined) continue;
    const value = effectiveValue(topicValueChain(def, overrides, broker.raw)[0]);
    if (value === null) continue;
    const parsed = parseValue(def, value);
    // Long.MAX_VALUE ("never") becomes storage's largest safe number.
    target[def.logField] = typeof parsed === 'bigint' ? Math.min(Number(parsed), Number.MAX_SAFE_INTEGER) : parsed;
  }
  return config;
}

function entry(def: ConfigDef, chain: ReturnType<typeof topicValueChain>, readOnly: boolean): DescribedConfig {
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

/** DescribeConfigs entries of a topic, every config Kafka defines, sorted by name. */
export function describeTopicConfigs(overrides: Record<string, string>, broker: Pick<BrokerConfig, 'raw'>): DescribedConfig[] {
  return TOPIC_CONFIGS.map((def) => entry(def, topicValueChain(def, overrides, broker.raw), false));
}

/**
 * DescribeConfigs entries of the broker. Every entry is read-only: kstream takes broker configs
 * at start only (AlterConfigs on the broker is refused).
 */
export function describeBrokerConfigs(broker: Pick<BrokerConfig, 'raw'>): DescribedConfig[] {
  return BROKER_CONFIGS.filter((def) => !def.internal || broker.raw[def.name] !== undefined).map((def) => {
    const top = resolveBrokerValue(broker.raw, def.name);
    const chain = [top];
    if (top.source !== ConfigSource.DEFAULT_CONFIG && def.defaultValue !== null) {
      chain.push({name: def.name, value: def.defaultValue, source: ConfigSource.DEFAULT_CONFIG});
    }
    return entry(def, chain, true);
  });
}

/** The effective value of one topic config (override, broker synonym, then default). */
export function topicConfigValue(name: string, overrides: Record<string, string>, broker: Pick<BrokerConfig, 'raw'>): string | null {
  const def = TOPIC_CONFIG_BY_NAME.get(name);
  if (!def) throw new Error(`unknown topic config ${name}`);
  const [top] = topicValueChain(def, overrides, broker.raw);
  return top === undefined ? null : effectiveValue(top);
}
