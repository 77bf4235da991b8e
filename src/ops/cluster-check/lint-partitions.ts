/**
 * Lints of a topic's partition states, the three Kafka alerts on (normal value 0): offline
 * partitions (no live leader: no reads or writes), under-replicated partitions (ISR smaller than
 * the replica set: durability at risk), and under-min-ISR partitions (ISR below
 * min.insync.replicas: acks=all writes are refused). One result per topic, naming the partitions.
 * Offline partitions are only counted as offline, as Kafka's metrics do (theirs come from leaders).
 */
import {configInt, isOffline, LintBase, partitionList, unknown, verdict} from './common.js';
import {SOURCE} from './sources.js';
import type {ClusterCheckResult, TopicFacts} from './types.js';

function describeFix(topic: string): string {
  return `kstream topics describe ${topic}  # find the replicas outside the ISR, then bring their brokers back (or check their logs for replication errors)`;
}

export function lintOfflinePartitions(topic: TopicFacts, liveBrokers: ReadonlySet<number>): ClusterCheckResult {
  const base: LintBase = {check: 'offline-partitions', subjectType: 'topic', subject: topic.name, required: '0 offline', severity: 'error',
    fix: `kstream topics describe ${topic.name}  # restart the brokers holding these replicas; as a last resort, and losing data, kafka-leader-election.sh --election-type UNCLEAN`, source: SOURCE.partitionState};
  const offline = topic.partitions.filter((p) => isOffline(p, liveBrokers));
  const current = partitionList(offline, topic.partitions.length);
  if (offline.length === 0) return verdict(base, true, current, 'Every partition has a live leader.');
  return verdict(base, false, current, 'These partitions have no live leader: producers and consumers of them get errors until a replica comes back.');
}

export function lintUnderReplicated(topic: TopicFacts, liveBrokers: ReadonlySet<number>): ClusterCheckResult {
  const base: LintBase = {check: 'under-replicated-partitions', subjectType: 'topic', subject: topic.name, required: '0 under-replicated (ISR = replicas)',
    severity: 'warning', fix: describeFix(topic.name), source: SOURCE.partitionState};
  const under = topic.partitions.filter((p) => !isOffline(p, liveBrokers) && p.isr.length < p.replicas.length);
  const current = partitionList(under, topic.partitions.length);
  if (under.length === 0) return verdict(base, true, current, 'Every replica is in sync with its leader.');
  const offlineReplicas = [...new Set(under.flatMap((p) => p.replicas.filter((r) => !liveBrokers.has(r) || p.offlineReplicas.includes(r))))].sort((a, b) => a - b);
  const why = offlineReplicas.length > 0 ? ` Replicas on broker${offlineReplicas.length === 1 ? '' : 's'} ${offlineReplicas.join(', ')} are down or offline.` : ' Followers are alive but not keeping up (slow disk, network, or too little replica fetcher capacity).';
  return verdict(base, false, current, `Some replicas are not in sync, so fewer copies than configured hold the latest writes; another failure may lose data or availability.${why}`);
}

export function lintUnderMinIsr(topic: TopicFacts, liveBrokers: ReadonlySet<number>): ClusterCheckResult {
  const base: LintBase = {check: 'under-min-isr-partitions', subjectType: 'topic', subject: topic.name, required: '0 with ISR < min.insync.replicas',
    severity: 'error', fix: describeFix(topic.name), source: SOURCE.partitionState};
  if (!topic.configs.ok) return unknown(base, `min.insync.replicas could not be read: ${topic.configs.reason}`);
  const minIsr = configInt(topic.configs, 'min.insync.replicas', 1).value;
  const under = topic.partitions.filter((p) => !isOffline(p, liveBrokers) && p.isr.length < minIsr);
  const current = `${partitionList(under, topic.partitions.length)}, min.insync.replicas ${minIsr}`;
  if (under.length === 0) return verdict(base, true, current, 'Every partition has enough in-sync replicas to accept acks=all writes.');
  return verdict(base, false, current, `These partitions have fewer than ${minIsr} in-sync replica${minIsr === 1 ? '' : 's'}: the leader refuses acks=all writes with NOT_ENOUGH_REPLICAS until the ISR grows.`);
}
