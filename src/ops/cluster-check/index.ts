/**
 * `kstream check cluster`: fetch a cluster's facts once (fetch.ts), run every lint as a pure
 * function of them, and sum the verdicts into the exit code `kstream check os` uses: 0 all pass,
 * 1 a warning failed, 2 an error failed (info and unknown never fail).
 */
import {ClusterClient} from '../../client/cluster-client.js';
import {ExitCode, summarize} from '../checks/verdicts.js';
import {isOffline} from './common.js';
import {fetchClusterFacts} from './fetch.js';
import {imbalancePercent, lintLeaderCount, lintPartitionsPerBroker, lintPartitionsPerCluster, lintPreferredLeaders, lintUncleanBroker, replicasPerBroker} from './lint-brokers.js';
import {lintOfflinePartitions, lintUnderMinIsr, lintUnderReplicated} from './lint-partitions.js';
import {isInternalTopic, lintInternalReplication, lintMinInsyncReplicas, lintReplicationFactor, lintUnboundedRetention, lintUncleanTopic} from './lint-topics.js';
import type {ClusterCheckResult, ClusterFacts} from './types.js';

export type {ClusterCheckResult, ClusterFacts} from './types.js';
export type {ExitCode};

export interface ClusterCheckReport {
  clusterId: string | null;
  controllerId: number;
  brokers: Array<{nodeId: number; host: string; port: number; rack: string | null}>;
  topics: number;
  partitions: number;
  /** Topics Metadata listed but would not describe (e.g. TOPIC_AUTHORIZATION_FAILED): not linted. */
  unreadableTopics: Array<{name: string; reason: string}>;
  checks: ClusterCheckResult[];
  summary: {passed: number; failed: number; unknown: number; exitCode: ExitCode};
}

/** Every lint, cluster first, then each broker, then each topic. Pure: the facts in, the results out. */
export function evaluateCluster(facts: ClusterFacts): ClusterCheckResult[] {
  const live = new Set(facts.brokers.map((b) => b.nodeId));
  const brokerCount = facts.brokers.length;
  const partitions = facts.topics.flatMap((t) => t.partitions);
  const replicas = replicasPerBroker(partitions);
  const {percent} = imbalancePercent(facts.brokers);
  const led = partitions.filter((p) => !isOffline(p, live));
  const results: ClusterCheckResult[] = [
    lintPartitionsPerCluster(facts.clusterId ?? 'cluster', partitions.reduce((n, p) => n + p.replicas.length, 0)),
  ];
  for (const b of facts.brokers) {
    results.push(
      lintUncleanBroker(b),
      lintPartitionsPerBroker(b.nodeId, replicas.get(b.nodeId) ?? 0),
      lintPreferredLeaders(b.nodeId, partitions, percent),
      lintLeaderCount(b.nodeId, led.filter((p) => p.leader === b.nodeId).length, led.length, brokerCount, percent),
    );
  }
  for (const t of facts.topics) {
    results.push(
      lintOfflinePartitions(t, live),
      lintUnderMinIsr(t, live),
      lintUnderReplicated(t, live),
      isInternalTopic(t) ? lintInternalReplication(t, brokerCount) : lintReplicationFactor(t, brokerCount),
      lintMinInsyncReplicas(t),
      lintUncleanTopic(t),
      lintUnboundedRetention(t),
    );
  }
  return results;
}

export function buildClusterReport(facts: ClusterFacts, unreadableTopics: ClusterCheckReport['unreadableTopics'] = []): ClusterCheckReport {
  const checks = evaluateCluster(facts);
  return {
    clusterId: facts.clusterId,
    controllerId: facts.controllerId,
    brokers: facts.brokers.map(({nodeId, host, port, rack}) => ({nodeId, host, port, rack})),
    topics: facts.topics.length,
    partitions: facts.topics.reduce((n, t) => n + t.partitions.length, 0),
    unreadableTopics,
    checks,
    summary: summarize(checks),
  };
}

/** Fetch the cluster's facts and lint them. */
export async function runClusterCheck(cluster: ClusterClient): Promise<ClusterCheckReport> {
  const {facts, unreadableTopics} = await fetchClusterFacts(cluster);
  return buildClusterReport(facts, unreadableTopics);
}
