/**
 * What a topic's configs ask of the batches produced to it: the per-record checks
 * (record-checks.ts) and the codec to store them in (target-compression.ts). Keyed by the log's
 * LogConfig, then the topic: a partition's log gets a new LogConfig object on every change of its
 * topic's or the broker's configs (TopicManager.applyConfig), so an entry never goes stale. The
 * partitions of a topic share one LogConfig (resolveLogConfig), so the policy is resolved once per
 * topic and a Produce pays two lookups per partition; topics left at the defaults may share one
 * LogConfig, hence the topic in the key.
 */
import type {LogConfig} from '../../storage/log-config.js';
import type {RecordChecks} from '../../records/validate.js';
import type {TargetCompression} from '../../records/recompress.js';
import type {BrokerSources} from '../config/index.js';
import {resolveChecks} from './record-checks.js';
import {resolveTargetCompression} from './target-compression.js';

export interface ProducePolicy {
  /** null: nothing to check record by record. */
  checks: RecordChecks | null;
  /** null: batches are stored in the producer's codec. */
  target: TargetCompression | null;
}

const cache = new WeakMap<LogConfig, Map<string, ProducePolicy>>();

/** Where a topic's overrides are looked up (on a cache miss only). */
interface TopicConfigs {
  get(name: string): {configs: Record<string, string>} | undefined;
}

/** The policy for a log of `topic` running with `config`. */
export function producePolicyOf(config: LogConfig, topic: string, topics: TopicConfigs, broker: BrokerSources): ProducePolicy {
  let byTopic = cache.get(config);
  if (byTopic === undefined) cache.set(config, (byTopic = new Map()));
  let policy = byTopic.get(topic);
  if (policy === undefined) {
    const overrides = topics.get(topic)?.configs ?? {};
    policy = {checks: resolveChecks(config, overrides, broker), target: resolveTargetCompression(overrides, broker)};
    byTopic.set(topic, policy);
  }
  return policy;
}
