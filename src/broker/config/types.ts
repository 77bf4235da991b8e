/**
 * The shape of one row of the config table, and Kafka's value parsing/validation rules
 * (ConfigDef.parseType and its validators) with Kafka's error wording.
 */
import type {LogConfig} from '../../storage/log-config.js';
import {invalidValue} from './errors.js';

export type ConfigType = 'boolean' | 'string' | 'int' | 'short' | 'long' | 'double' | 'list' | 'class' | 'password';

/** Parsed value of a config: what the broker computes with. */
export type ConfigValue = boolean | string | number | bigint | string[] | null;

export type Validator = (name: string, value: ConfigValue, raw: string) => void;

export interface ConfigDef {
  name: string;
  type: ConfigType;
  /** Kafka's default as DescribeConfigs shows it; null when Kafka has none. */
  defaultValue: string | null;
  doc: string;
  validate?: Validator;
  /** Topic configs: broker configs that supply the default, highest precedence first. */
  brokerSynonyms?: string[];
  /** Topic configs: the storage LogConfig field this config drives. */
  logField?: keyof LogConfig;
  /** Broker configs that Kafka can change at runtime (AlterConfigs on a BROKER resource; see dynamic.ts). */
  dynamic?: boolean;
}

/** DescribeConfigs ConfigType values (Kafka's DescribeConfigsResponse.ConfigType). */
export const CONFIG_TYPE_CODE: Record<ConfigType, number> = {
  boolean: 1, string: 2, int: 3, short: 4, long: 5, double: 6, list: 7, class: 8, password: 9,
};

/** DescribeConfigs ConfigSource values. */
export const ConfigSource = {
  UNKNOWN: 0,
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const;

const INT_RANGE: Record<string, [bigint, bigint]> = {
  int: [-(2n ** 31n), 2n ** 31n - 1n],
  short: [-(2n ** 15n), 2n ** 15n - 1n],
  long: [-(2n ** 63n), 2n ** 63n - 1n],
};

/** Parse a string the way Kafka's ConfigDef.parseType does (values are trimmed). */
export function parseValue(def: ConfigDef, raw: string | null): ConfigValue {
  if (raw === null) return null;
  const text = raw.trim();
  switch (def.type) {
    case 'boolean': {
      const lower = text.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      throw invalidValue(def.name, raw, 'Expected value to be either true or false');
    }
    case 'int':
    case 'short':
    case 'long': {
      if (!/^[+-]?\d+$/.test(text)) throw invalidValue(def.name, raw, `Not a number of type ${def.type.toUpperCase()}`);
      const n = BigInt(text);
      const [lo, hi] = INT_RANGE[def.type];
      if (n < lo || n > hi) throw invalidValue(def.name, raw, `Not a number of type ${def.type.toUpperCase()}`);
      return def.type === 'long' ? n : Number(n);
    }
    case 'double': {
      const n = Number(text);
      if (text === '' || !Number.isFinite(n)) throw invalidValue(def.name, raw, 'Not a number of type DOUBLE');
      return n;
    }
    case 'list':
      return text === '' ? [] : text.split(',').map((s) => s.trim());
    default:
      return text;
  }
}

function asNumber(value: ConfigValue): number {
  return typeof value === 'bigint' ? Number(value) : (value as number);
}

/** Kafka's Range.atLeast. */
export function atLeast(min: number): Validator {
  return (name, value, raw) => {
    if (value !== null && asNumber(value) < min) throw invalidValue(name, raw, `Value must be at least ${min}`);
  };
}

/** Kafka's Range.between. */
export function between(min: number, max: number): Validator {
  return (name, value, raw) => {
    if (value === null) return;
    const n = asNumber(value);
    if (n < min) throw invalidValue(name, raw, `Value must be at least ${min}`);
    if (n > max) throw invalidValue(name, raw, `Value must be no more than ${max}`);
  };
}

/** Kafka's ValidString.in. */
export function oneOf(...allowed: string[]): Validator {
  return (name, value, raw) => {
    if (value !== null && !allowed.includes(value as string)) {
      throw invalidValue(name, raw, `String must be one of: ${allowed.join(', ')}`);
    }
  };
}

/** Kafka's ValidList.in: every element must be allowed (and, for cleanup.policy, the list non-empty). */
export function listOf(allowed: string[], allowEmpty: boolean): Validator {
  return (name, value, raw) => {
    const items = (value ?? []) as string[];
    if (!allowEmpty && items.length === 0) throw invalidValue(name, raw, 'Empty list is not allowed');
    for (const item of items) {
      if (!allowed.includes(item)) throw invalidValue(name, item, `String must be one of: ${allowed.join(', ')}`);
    }
  };
}

/** Throttled replica lists: "*" or "partition:broker" pairs (Kafka's ThrottledReplicaListValidator). */
export const throttledReplicas: Validator = (name, value, raw) => {
  const items = (value ?? []) as string[];
  if (items.length === 1 && items[0] === '*') return;
  for (const item of items) {
    if (!/^\d+:\d+$/.test(item)) {
      throw invalidValue(name, raw, 'must be the literal \'*\' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...');
    }
  }
};

/** Parse and validate one value against its definition; returns the parsed value. */
export function checkValue(def: ConfigDef, raw: string): ConfigValue {
  const value = parseValue(def, raw);
  def.validate?.(def.name, value, raw);
  return value;
}
