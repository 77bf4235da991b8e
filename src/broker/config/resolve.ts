/**
 * Where a config's effective value comes from, in Kafka's order of precedence: a topic override;
 * then the broker layers: dynamic per-broker, dynamic cluster-wide default (AlterConfigs on a
 * BROKER resource), static (`--config`/`--set`, or kstream's static choice), Kafka's default.
 * Shared by LogConfig building, the typed broker config and DescribeConfigs.
 */
import {DEFAULT_LOG_CONFIG} from '../../storage/log-config.js';
import type {LogConfig} from '../../storage/log-config.js';
import {BROKER_CONFIG_BY_NAME} from './broker-configs.js';
import {ConfigDef, ConfigSource} from './types.js';

export interface ResolvedValue {
  name: string;
  /** The value as this source spells it (log.retention.hours=168). */
  value: string | null;
  source: number;
  /** The value in the described config's own unit (retention.ms=604800000). */
  effective?: string | null;
}

/** Dynamic broker configs by Kafka name: this node's own and the cluster-wide default. */
export interface DynamicBrokerConfigs {
  broker: Record<string, string>;
  clusterDefault: Record<string, string>;
}

export const NO_DYNAMIC_CONFIGS: DynamicBrokerConfigs = Object.freeze({broker: Object.freeze({}), clusterDefault: Object.freeze({})});

/** The broker's layers: `raw` is what it was started with; `dynamic` what AlterConfigs set since. */
export interface BrokerSources {
  raw: Record<string, string>;
  dynamic?: DynamicBrokerConfigs;
}

/** The set layers, highest precedence first, with the source each reports. */
function layers(sources: BrokerSources): [Record<string, string>, number][] {
  const dynamic = sources.dynamic ?? NO_DYNAMIC_CONFIGS;
  return [
    [dynamic.broker, ConfigSource.DYNAMIC_BROKER_CONFIG],
    [dynamic.clusterDefault, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG],
    [sources.raw, ConfigSource.STATIC_BROKER_CONFIG],
  ];
}

/** A broker-level value: a layer's own or, for the static layer, kstream's static choice. */
function layerValue(layer: Record<string, string>, source: number, name: string): string | undefined {
  const own = Object.hasOwn(layer, name) ? layer[name] : undefined;
  if (own !== undefined || source !== ConfigSource.STATIC_BROKER_CONFIG) return own;
  return BROKER_CONFIG_BY_NAME.get(name)?.staticValue;
}

/** Kafka's DynamicBrokerConfig.brokerConfigSynonyms: the names that set one broker config, highest precedence first. */
export function brokerConfigSynonyms(name: string): string[] {
  switch (name) {
    case 'log.roll.ms': case 'log.roll.hours': return ['log.roll.ms', 'log.roll.hours'];
    case 'log.roll.jitter.ms': case 'log.roll.jitter.hours': return ['log.roll.jitter.ms', 'log.roll.jitter.hours'];
    case 'log.flush.interval.ms': return ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'];
    case 'log.retention.ms': case 'log.retention.minutes': case 'log.retention.hours':
      return ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'];
    default: return [name];
  }
}

/** Multipliers that turn the hour/minute forms of broker synonyms into the topic config's ms. */
const UNIT_MS: Record<string, bigint> = {
  'log.retention.minutes': 60_000n,
  'log.retention.hours': 3_600_000n,
  'log.roll.hours': 3_600_000n,
  'log.roll.jitter.hours': 3_600_000n,
};

/** The effective value a chain entry gives the topic config. */
export function effectiveValue(entry: ResolvedValue): string | null {
  return entry.effective === undefined ? entry.value : entry.effective;
}

/** Value of a broker synonym expressed in the topic config's unit. */
function inTopicUnit(brokerName: string, value: string): string {
  const factor = UNIT_MS[brokerName];
  if (factor === undefined) return value;
  return (BigInt(value.trim()) * factor).toString();
}

const LONG_MAX = 9223372036854775807n;

/** The value storage's DEFAULT_LOG_CONFIG uses for a field, as a config string. */
function storageDefault(field: keyof LogConfig): string {
  const value = DEFAULT_LOG_CONFIG[field] as unknown;
  if (Array.isArray(value)) return value.join(',');
  // Storage may write "never" as a huge number or Infinity; Kafka writes Long.MAX_VALUE.
  if (typeof value === 'number' && value >= Number.MAX_SAFE_INTEGER) return LONG_MAX.toString();
  return String(value);
}

function sameValue(def: ConfigDef, a: string, b: string | null): boolean {
  if (b === null) return false;
  if (def.type === 'double') return Number(a) === Number(b);
  if (def.type === 'list') return a.split(',').map((s) => s.trim()).sort().join(',') === b.split(',').map((s) => s.trim()).sort().join(',');
  return a.trim() === b.trim();
}

/** Effective value of a broker config: dynamic per-broker, dynamic default, static, then Kafka's default. */
export function resolveBrokerValue(sources: BrokerSources, name: string): ResolvedValue {
  for (const [layer, source] of layers(sources)) {
    const value = layerValue(layer, source, name);
    if (value !== undefined) return {name, value, source};
  }
  return {name, value: BROKER_CONFIG_BY_NAME.get(name)?.defaultValue ?? null, source: ConfigSource.DEFAULT_CONFIG};
}

/**
 * A broker config's synonym list as Kafka's ConfigHelper builds it: by source (dynamic per-broker,
 * dynamic default, static, default), each source in synonym order, starting at the first entry
 * with the described name. A config set nowhere and without default gives its null default.
 */
export function brokerValueChain(sources: BrokerSources, name: string): ResolvedValue[] {
  const synonyms = brokerConfigSynonyms(name);
  const chain: ResolvedValue[] = [];
  for (const [layer, source] of layers(sources)) {
    for (const n of synonyms) {
      const value = layerValue(layer, source, n);
      if (value !== undefined) chain.push({name: n, value, source});
    }
  }
  for (const n of synonyms) {
    const value = BROKER_CONFIG_BY_NAME.get(n)?.defaultValue;
    if (value != null) chain.push({name: n, value, source: ConfigSource.DEFAULT_CONFIG});
  }
  const own = chain.findIndex((entry) => entry.name === name);
  if (own >= 0) return chain.slice(own);
  return [{name, value: BROKER_CONFIG_BY_NAME.get(name)?.defaultValue ?? null, source: ConfigSource.DEFAULT_CONFIG}];
}

/**
 * Every source that sets a topic config, highest precedence first (Kafka's synonym list):
 * the topic override, then each broker layer (dynamic per-broker, dynamic default, static) with
 * the broker synonyms set there, storage's own default when it differs from Kafka's, and finally
 * Kafka's default.
 */
export function topicValueChain(def: ConfigDef, overrides: Record<string, string>, sources: BrokerSources): ResolvedValue[] {
  const chain: ResolvedValue[] = [];
  if (overrides[def.name] !== undefined) chain.push({name: def.name, value: overrides[def.name], source: ConfigSource.DYNAMIC_TOPIC_CONFIG});
  const synonyms = def.brokerSynonyms ?? [];
  for (const [layer, source] of layers(sources)) {
    for (const brokerName of synonyms) {
      const value = layerValue(layer, source, brokerName);
      if (value !== undefined) chain.push({name: brokerName, value, effective: inTopicUnit(brokerName, value), source});
    }
  }
  if (def.logField !== undefined) {
    const chosen = storageDefault(def.logField);
    if (!sameValue(def, chosen, def.defaultValue)) {
      chain.push({name: synonyms[0] ?? def.name, value: chosen, source: ConfigSource.STATIC_BROKER_CONFIG});
    }
  }
  // Kafka names the default after the broker synonym that has one (log.retention.hours=168).
  const withDefault = [...synonyms].reverse().find((n) => BROKER_CONFIG_BY_NAME.get(n)?.defaultValue != null);
  const defaultName = withDefault ?? def.name;
  const defaultRaw = withDefault ? BROKER_CONFIG_BY_NAME.get(withDefault)!.defaultValue! : def.defaultValue;
  chain.push({name: defaultName, value: defaultRaw, effective: defaultRaw === null ? null : inTopicUnit(defaultName, defaultRaw),
    source: ConfigSource.DEFAULT_CONFIG});
  return chain;
}
