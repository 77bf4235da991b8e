/**
 * Where a config's effective value comes from: a topic override, a broker setting (explicit or
 * kstream's static choice), or Kafka's default. Shared by LogConfig building and DescribeConfigs.
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

/** Broker settings by name: explicit overrides win over kstream's static values. */
export type BrokerSettings = Record<string, string>;

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

/** Effective broker value of a broker config: explicit override, then kstream's static value, then Kafka's default. */
export function resolveBrokerValue(settings: BrokerSettings, name: string): ResolvedValue {
  const def = BROKER_CONFIG_BY_NAME.get(name);
  if (settings[name] !== undefined) return {name, value: settings[name], source: ConfigSource.STATIC_BROKER_CONFIG};
  if (def?.staticValue !== undefined) return {name, value: def.staticValue, source: ConfigSource.STATIC_BROKER_CONFIG};
  return {name, value: def?.defaultValue ?? null, source: ConfigSource.DEFAULT_CONFIG};
}

/**
 * Every source that sets a topic config, highest precedence first (Kafka's synonym list):
 * the topic override, broker synonyms that are set, storage's own default when it differs from
 * Kafka's, and finally Kafka's default.
 */
export function topicValueChain(def: ConfigDef, overrides: Record<string, string>, settings: BrokerSettings): ResolvedValue[] {
  const chain: ResolvedValue[] = [];
  if (overrides[def.name] !== undefined) chain.push({name: def.name, value: overrides[def.name], source: ConfigSource.DYNAMIC_TOPIC_CONFIG});
  const synonyms = def.brokerSynonyms ?? [];
  for (const brokerName of synonyms) {
    const explicit = settings[brokerName] ?? BROKER_CONFIG_BY_NAME.get(brokerName)?.staticValue;
    if (explicit !== undefined) {
      chain.push({name: brokerName, value: explicit, effective: inTopicUnit(brokerName, explicit), source: ConfigSource.STATIC_BROKER_CONFIG});
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
