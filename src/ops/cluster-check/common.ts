/** Helpers shared by the lints: reading configs with Kafka's defaults, and naming partitions. */
import type {ClusterCheckResult, Configs, Passed, PartitionFacts, TopicFacts} from './types.js';

/** The fields a lint fills in before deciding its verdict. */
export type LintBase = Pick<ClusterCheckResult, 'check' | 'subjectType' | 'subject' | 'required' | 'severity' | 'fix' | 'source'>;

/** A result with a fixed key order, so the JSON reads like the table (the JSON is the stable contract). */
export function verdict(base: LintBase, passed: Passed, current: string, reason: string, severity = base.severity): ClusterCheckResult {
  const {check, subjectType, subject, required, fix, source} = base;
  return {check, subjectType, subject, current, required, severity, passed, reason, fix, source};
}

/** The honest answer when the facts a lint needs could not be read: never a guessed pass or fail. */
export function unknown(base: LintBase, reason: string): ClusterCheckResult {
  return verdict(base, 'unknown', 'unknown', reason);
}

/**
 * A config's effective value. A broker that does not know the name at all (older Kafka, or a
 * broker without tiered storage) behaves as Kafka's default, which the caller passes.
 */
export function configString(configs: Extract<Configs, {ok: true}>, name: string, kafkaDefault: string): {value: string; source: string} {
  const c = configs.values[name];
  if (!c || c.value === null) return {value: kafkaDefault, source: 'DEFAULT_CONFIG'};
  return {value: c.value.trim(), source: c.source};
}

/** An integer config; a value that is not a number counts as the default (and says so in `source`). */
export function configInt(configs: Extract<Configs, {ok: true}>, name: string, kafkaDefault: number): {value: number; source: string} {
  const {value, source} = configString(configs, name, String(kafkaDefault));
  return /^-?\d+$/.test(value) ? {value: Number(value), source} : {value: kafkaDefault, source: `unparsable ${JSON.stringify(value)}, Kafka default assumed`};
}

/** Where an inherited config value comes from, in words. */
export function describeSource(source: string): string {
  switch (source) {
    case 'DYNAMIC_TOPIC_CONFIG': return 'topic override';
    case 'DYNAMIC_BROKER_CONFIG': return 'dynamic broker config';
    case 'DYNAMIC_DEFAULT_BROKER_CONFIG': return 'cluster-wide dynamic default';
    case 'STATIC_BROKER_CONFIG': return 'static broker config';
    case 'DEFAULT_CONFIG': return 'Kafka default';
    default: return source;
  }
}

/** The lowest replication factor across a topic's partitions: the weakest partition governs. */
export function replicationFactorOf(topic: TopicFacts): {lowest: number; highest: number} {
  const sizes = topic.partitions.map((p) => p.replicas.length);
  return {lowest: sizes.length === 0 ? 0 : Math.min(...sizes), highest: sizes.length === 0 ? 0 : Math.max(...sizes)};
}

const LISTED = 10;

/** "3 of 12 partitions (0, 4, 7)", naming at most ten. */
export function partitionList(failing: PartitionFacts[], total: number): string {
  if (failing.length === 0) return `0 of ${total} partitions`;
  const ids = failing.map((p) => p.partition).sort((a, b) => a - b);
  const named = ids.slice(0, LISTED).join(', ') + (ids.length > LISTED ? `, and ${ids.length - LISTED} more` : '');
  return `${failing.length} of ${total} partitions (${named})`;
}

/** A partition without a live leader: Kafka's offline partition. */
export function isOffline(p: PartitionFacts, liveBrokers: ReadonlySet<number>): boolean {
  return p.leader < 0 || !liveBrokers.has(p.leader);
}
