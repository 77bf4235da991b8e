/**
 * Lints of one topic's settings: replication factor, min.insync.replicas against it, unclean
 * leader election, unbounded retention, and the replication of Kafka's internal topics. Each is a
 * pure function of the fetched facts.
 */
import {configInt, configString, describeSource, LintBase, replicationFactorOf, unknown, verdict} from './common.js';
import {SOURCE} from './sources.js';
import type {ClusterCheckResult, TopicFacts} from './types.js';

/** The replication factor Kafka's operators recommend (Definitive Guide ch. 7). */
export const RECOMMENDED_REPLICATION_FACTOR = 3;

/** The topics whose loss takes every consumer group or transaction down with them. */
export const INTERNAL_TOPICS = ['__consumer_offsets', '__transaction_state'];

export function isInternalTopic(topic: TopicFacts): boolean {
  return topic.internal || INTERNAL_TOPICS.includes(topic.name);
}

function rfText(topic: TopicFacts): string {
  const {lowest, highest} = replicationFactorOf(topic);
  return lowest === highest ? String(lowest) : `${lowest} (partitions range ${lowest}-${highest})`;
}

function reassignFix(topic: string): string {
  return `kafka-reassign-partitions.sh --bootstrap-server HOST:PORT --reassignment-json-file ${topic}-rf3.json --execute  # a plan giving every partition of ${topic} 3 replicas on different brokers (kstream has no reassignment command)`;
}

/**
 * Replication factor below 3. A factor the cluster cannot exceed (one broker, so at most one
 * replica) is still reported, as `info`: true, but not something this cluster can fix, so it
 * does not fail the exit code. Otherwise a factor of 1 or 2 is a warning (a regular topic may
 * be deliberately disposable; internal topics have their own, stricter lint).
 */
export function lintReplicationFactor(topic: TopicFacts, brokerCount: number): ClusterCheckResult {
  const base: LintBase = {check: 'replication-factor', subjectType: 'topic', subject: topic.name, required: `>= ${RECOMMENDED_REPLICATION_FACTOR}`,
    severity: 'warning', fix: reassignFix(topic.name), source: SOURCE.replication};
  const rf = replicationFactorOf(topic).lowest;
  if (rf >= RECOMMENDED_REPLICATION_FACTOR) return verdict(base, true, rfText(topic), 'Three replicas survive one broker failure while a second is down for maintenance.');
  if (brokerCount <= rf) {
    return verdict(base, false, rfText(topic), `The cluster has ${brokerCount} broker${brokerCount === 1 ? '' : 's'}, so a replication factor of ${rf} is the most it can give: fine for development, but ${rf === 1 ? 'losing the broker\'s disk loses the data' : 'one more broker failure makes partitions unavailable'}. Add brokers before holding data you cannot lose.`, 'info');
  }
  const loses = rf === 1 ? 'a single broker failure makes its partitions unavailable, and losing that broker\'s disk loses the data' : 'with one broker down there is no redundancy left, and acks=all writes stop if min.insync.replicas is 2';
  return verdict(base, false, rfText(topic), `With ${rf} replica${rf === 1 ? '' : 's'} ${loses}.`);
}

/**
 * min.insync.replicas against the replication factor. Above it, acks=all producers can never
 * write (error); equal to it on a replicated topic, one replica down stops acks=all writes
 * (warning); 1 on a replicated topic, acks=all is acknowledged by the leader alone, so losing the
 * leader loses acknowledged writes (warning).
 */
export function lintMinInsyncReplicas(topic: TopicFacts): ClusterCheckResult {
  const rf = replicationFactorOf(topic).lowest;
  const required = rf >= 3 ? `2 to ${rf - 1} (replication factor ${rf})` : rf === 2 ? '2 <= min.insync.replicas < 2: impossible, needs replication factor 3' : `<= ${rf} (replication factor ${rf})`;
  const base: LintBase = {check: 'min-insync-replicas', subjectType: 'topic', subject: topic.name, required, severity: 'warning',
    fix: `kstream topics alter-config ${topic.name} --set min.insync.replicas=${Math.max(1, Math.min(2, rf - 1))}`, source: SOURCE.minIsr};
  if (!topic.configs.ok) return unknown(base, `the topic's configs could not be read: ${topic.configs.reason}`);
  const {value: minIsr, source} = configInt(topic.configs, 'min.insync.replicas', 1);
  const current = `${minIsr} (${describeSource(source)})`;
  if (minIsr > rf) {
    return verdict(base, false, current, `Only ${rf} replica${rf === 1 ? ' exists' : 's exist'}, so producers with acks=all can never write: every request fails with NOT_ENOUGH_REPLICAS.`, 'error');
  }
  if (rf > 1 && minIsr === rf) return verdict(base, false, current, 'Every replica must be in sync for an acks=all write, so one broker down or restarting stops all acks=all producers of this topic.');
  if (rf > 1 && minIsr === 1) return verdict(base, false, current, 'An acks=all write is acknowledged once the leader alone has it; if that leader fails before a follower copies it, an acknowledged write is lost.');
  return verdict(base, true, current, rf === 1 ? 'With one replica, min.insync.replicas 1 is the only workable value (the replication-factor lint covers the risk).' : 'acks=all writes reach at least two replicas and survive one replica being down.');
}

/** unclean.leader.election.enable on a topic (its override, or inherited from the brokers). */
export function lintUncleanTopic(topic: TopicFacts): ClusterCheckResult {
  const base: LintBase = {check: 'unclean-leader-election', subjectType: 'topic', subject: topic.name, required: 'false', severity: 'warning',
    fix: `kstream topics alter-config ${topic.name} --set unclean.leader.election.enable=false`, source: SOURCE.unclean};
  if (!topic.configs.ok) return unknown(base, `the topic's configs could not be read: ${topic.configs.reason}`);
  const {value, source} = configString(topic.configs, 'unclean.leader.election.enable', 'false');
  const current = `${value} (${describeSource(source)})`;
  if (value.toLowerCase() !== 'true') return verdict(base, true, current, 'Only an in-sync replica can become leader, so an acknowledged write is never silently dropped.');
  if (source !== 'DYNAMIC_TOPIC_CONFIG') {
    // Inherited: the broker lint reports it as a warning once; repeating that per topic would bury other findings.
    return verdict(base, false, current, 'Inherited from the brokers\' unclean.leader.election.enable (see the broker finding): this topic may lose acknowledged writes in an unclean election. Setting false here protects this topic alone.', 'info');
  }
  return verdict(base, false, current, 'When every in-sync replica is down, an out-of-sync replica may become leader and the writes it missed are lost for good (and consumers may see offsets go backwards).');
}

/**
 * retention.ms = -1 with no size limit on a topic that is not compacted: the log grows until the
 * disk is full. Compaction bounds a log by its number of keys; tiered storage with a bounded local
 * retention keeps the broker's disk bounded.
 */
export function lintUnboundedRetention(topic: TopicFacts): ClusterCheckResult {
  const base: LintBase = {check: 'unbounded-retention', subjectType: 'topic', subject: topic.name, required: 'a time or size limit, or compaction',
    severity: 'warning', fix: `kstream topics alter-config ${topic.name} --set retention.ms=604800000  # or retention.bytes=<bytes per partition>`, source: SOURCE.retention};
  if (!topic.configs.ok) return unknown(base, `the topic's configs could not be read: ${topic.configs.reason}`);
  const ms = configInt(topic.configs, 'retention.ms', 604_800_000).value;
  const bytes = configInt(topic.configs, 'retention.bytes', -1).value;
  const policy = configString(topic.configs, 'cleanup.policy', 'delete').value;
  const current = `retention.ms=${ms}, retention.bytes=${bytes}, cleanup.policy=${policy}`;
  if (policy.split(',').map((p) => p.trim()).includes('compact')) return verdict(base, true, current, 'Compaction keeps the latest record per key, so the log is bounded by the number of keys.');
  if (ms >= 0 || bytes >= 0) return verdict(base, true, current, 'Old segments are deleted once past the time or size limit.');
  if (configString(topic.configs, 'remote.storage.enable', 'false').value === 'true') {
    const localMs = configInt(topic.configs, 'local.retention.ms', -2).value;
    const localBytes = configInt(topic.configs, 'local.retention.bytes', -2).value;
    if (localMs >= 0 || localBytes >= 0) return verdict(base, true, `${current}, tiered storage with local.retention.ms=${localMs}, local.retention.bytes=${localBytes}`, 'Tiered storage keeps the whole log remotely and only a bounded tail on the broker\'s disk.');
  }
  return verdict(base, false, current, 'Nothing is ever deleted: the partition grows until its broker\'s disk is full, and a full log dir takes every partition on it offline.');
}

/**
 * __consumer_offsets and __transaction_state below 3 replicas. A factor of 1 on a cluster that
 * could do better is an error: losing one broker loses the committed offsets of every consumer
 * group (or blocks every transactional producer). On a cluster too small to do better: info.
 */
export function lintInternalReplication(topic: TopicFacts, brokerCount: number): ClusterCheckResult {
  const setting = topic.name === '__transaction_state' ? 'transaction.state.log.replication.factor' : 'offsets.topic.replication.factor';
  const base: LintBase = {check: 'internal-topic-replication', subjectType: 'topic', subject: topic.name, required: `>= ${RECOMMENDED_REPLICATION_FACTOR}`,
    severity: 'error', fix: `${reassignFix(topic.name)}; and set ${setting}=3 on the brokers`, source: SOURCE.internal};
  const rf = replicationFactorOf(topic).lowest;
  const who = topic.name === '__transaction_state' ? 'all transactional producers' : 'all consumer groups';
  const loses = topic.name === '__transaction_state' ? 'the state of open transactions' : 'the committed offsets of every group mapped to it';
  if (rf >= RECOMMENDED_REPLICATION_FACTOR) return verdict(base, true, rfText(topic), `${topic.name} survives a broker failure.`);
  if (brokerCount <= rf) {
    return verdict(base, false, rfText(topic), `The cluster has ${brokerCount} broker${brokerCount === 1 ? '' : 's'}, so it cannot replicate ${topic.name} further; on a production cluster this topic needs 3 replicas because ${who} depend on it.`, 'info');
  }
  if (rf === 1) return verdict(base, false, rfText(topic), `One broker failure makes part of ${topic.name} unavailable, and losing that broker's disk loses ${loses}: ${who} depend on it.`);
  return verdict(base, false, rfText(topic), `With ${rf} replicas, one broker down leaves ${topic.name} without redundancy, and ${who} depend on it.`, 'warning');
}
