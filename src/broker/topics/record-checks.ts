/**
 * The per-record checks a topic's configs ask of produced batches (Kafka's LogValidator inputs):
 * keys on compacted topics, and for CreateTime topics the timestamp bounds
 * message.timestamp.before/after.max.ms, each falling back to the deprecated
 * message.timestamp.difference.max.ms while left at its Long.MAX_VALUE default, as Kafka 3.x's
 * LogConfig does. Null when nothing is to be checked, so the common Produce costs no record walk.
 */
import type {LogConfig} from '../../storage/log-config.js';
import type {RecordChecks} from '../../records/validate.js';
import {type BrokerSources, topicConfigValue} from '../config/index.js';

const LONG_MAX = (1n << 63n) - 1n;

/**
 * Keyed by the log's LogConfig: a partition's log gets a new LogConfig object on every change of
 * its topic's or the broker's configs (TopicManager.applyConfig), so an entry never goes stale.
 */
const cache = new WeakMap<LogConfig, RecordChecks | null>();

/** Where a topic's overrides are looked up (on a cache miss only). */
interface TopicConfigs {
  get(name: string): {configs: Record<string, string>} | undefined;
}

/** The checks for a log of `topic` running with `config`. */
export function recordChecksOf(config: LogConfig, topic: string, topics: TopicConfigs, broker: BrokerSources): RecordChecks | null {
  let checks = cache.get(config);
  if (checks === undefined) {
    checks = resolveChecks(config, topics.get(topic)?.configs ?? {}, broker);
    cache.set(config, checks);
  }
  return checks;
}

function resolveChecks(config: LogConfig, overrides: Record<string, string>, broker: BrokerSources): RecordChecks | null {
  const requireKeys = config.cleanupPolicy.includes('compact');
  const createTime = config.messageTimestampType === 'CreateTime';
  const beforeMaxMs = createTime ? bound('message.timestamp.before.max.ms', overrides, broker) : null;
  const afterMaxMs = createTime ? bound('message.timestamp.after.max.ms', overrides, broker) : null;
  if (!requireKeys && beforeMaxMs === null && afterMaxMs === null) return null;
  return {requireKeys, beforeMaxMs, afterMaxMs};
}

/** The bound in force, null for Long.MAX_VALUE (nothing is that far off). */
function bound(name: string, overrides: Record<string, string>, broker: BrokerSources): bigint | null {
  let value = BigInt(topicConfigValue(name, overrides, broker)!.trim());
  if (value === LONG_MAX) value = BigInt(topicConfigValue('message.timestamp.difference.max.ms', overrides, broker)!.trim());
  return value === LONG_MAX ? null : value;
}
