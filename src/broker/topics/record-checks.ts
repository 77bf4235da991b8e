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

/** The checks for a log running with `config`, whose topic has `overrides`. */
export function resolveChecks(config: LogConfig, overrides: Record<string, string>, broker: BrokerSources): RecordChecks | null {
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
