/**
 * Lints of brokers and of the cluster as a whole: unclean leader election in a broker's config,
 * how many partition replicas each broker hosts, the cluster's total, and how leadership is
 * spread (preferred leaders that are not leading, and leader counts per broker).
 */
import {configInt, configString, describeSource, LintBase, unknown, verdict} from './common.js';
import {SOURCE} from './sources.js';
import type {BrokerFacts, ClusterCheckResult, PartitionFacts} from './types.js';

/** Partition replicas per broker (Confluent's guidance; KIP-578 counts replicas hosted). */
export const MAX_REPLICAS_PER_BROKER = 4_000;
/** Partitions per cluster in the ZooKeeper era; KRaft raises it, so exceeding it is only info. */
export const MAX_REPLICAS_PER_CLUSTER = 200_000;
/** Kafka's default leader.imbalance.per.broker.percentage. */
export const DEFAULT_IMBALANCE_PERCENT = 10;

export function lintUncleanBroker(broker: BrokerFacts): ClusterCheckResult {
  const base: LintBase = {check: 'unclean-leader-election', subjectType: 'broker', subject: String(broker.nodeId), required: 'false', severity: 'warning',
    fix: `kafka-configs.sh --bootstrap-server HOST:PORT --entity-type brokers --entity-name ${broker.nodeId} --alter --add-config unclean.leader.election.enable=false  # and remove it from server.properties`,
    source: SOURCE.unclean};
  if (!broker.configs.ok) return unknown(base, `the broker's configs could not be read: ${broker.configs.reason}`);
  const {value, source} = configString(broker.configs, 'unclean.leader.election.enable', 'false');
  const current = `${value} (${describeSource(source)})`;
  if (value.toLowerCase() !== 'true') return verdict(base, true, current, 'Topics without an override only elect in-sync replicas as leaders.');
  return verdict(base, false, current, 'Every topic without its own override may elect an out-of-sync replica as leader when all in-sync replicas are down, silently losing acknowledged writes.');
}

/** Partition replicas hosted by each broker id. */
export function replicasPerBroker(partitions: PartitionFacts[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const p of partitions) for (const r of p.replicas) counts.set(r, (counts.get(r) ?? 0) + 1);
  return counts;
}

export function lintPartitionsPerBroker(nodeId: number, replicas: number): ClusterCheckResult {
  const base: LintBase = {check: 'partitions-per-broker', subjectType: 'broker', subject: String(nodeId), required: `<= ${MAX_REPLICAS_PER_BROKER} partition replicas`,
    severity: 'warning', fix: '# add brokers and move replicas to them (kafka-reassign-partitions.sh), or delete unused topics and partitions', source: SOURCE.partitionCount};
  const current = `${replicas} partition replica${replicas === 1 ? '' : 's'}`;
  if (replicas <= MAX_REPLICAS_PER_BROKER) return verdict(base, true, current, 'Within the per-broker guidance.');
  return verdict(base, false, current, 'Each replica costs open files, memory maps, replica fetcher work and recovery time; past this count, restarts, leader moves and controlled shutdown get slow.');
}

export function lintPartitionsPerCluster(subject: string, replicas: number): ClusterCheckResult {
  const base: LintBase = {check: 'partitions-per-cluster', subjectType: 'cluster', subject, required: `<= ${MAX_REPLICAS_PER_CLUSTER} partition replicas (ZooKeeper-era guidance)`,
    severity: 'info', fix: '# on ZooKeeper, consolidate topics or split the cluster; KRaft (Kafka 3.3+) supports more', source: SOURCE.partitionCountKraft};
  const current = `${replicas} partition replica${replicas === 1 ? '' : 's'}`;
  if (replicas <= MAX_REPLICAS_PER_CLUSTER) return verdict(base, true, current, 'Within the cluster-wide guidance.');
  return verdict(base, false, current, 'ZooKeeper-based controllers fail over slowly with this many partitions; KRaft controllers do not share that limit, so this is informational there.');
}

/** The imbalance percentage the brokers use, from the first broker whose config could be read. */
export function imbalancePercent(brokers: BrokerFacts[]): {percent: number; known: boolean} {
  for (const b of brokers) {
    if (b.configs.ok) return {percent: configInt(b.configs, 'leader.imbalance.per.broker.percentage', DEFAULT_IMBALANCE_PERCENT).value, known: true};
  }
  return {percent: DEFAULT_IMBALANCE_PERCENT, known: false};
}

function electionFix(): string {
  return 'kafka-leader-election.sh --bootstrap-server HOST:PORT --election-type PREFERRED --all-topic-partitions  # or set auto.leader.rebalance.enable=true';
}

/**
 * The controller's own test: of the partitions whose preferred replica (the first one) is this
 * broker, the share it does not lead must not exceed leader.imbalance.per.broker.percentage.
 */
export function lintPreferredLeaders(nodeId: number, partitions: PartitionFacts[], percent: number): ClusterCheckResult {
  const base: LintBase = {check: 'preferred-leaders', subjectType: 'broker', subject: String(nodeId), required: `<= ${percent}% not led by their preferred replica`,
    severity: 'warning', fix: electionFix(), source: SOURCE.leaderBalance};
  const preferred = partitions.filter((p) => p.replicas[0] === nodeId);
  const notLeading = preferred.filter((p) => p.leader !== nodeId);
  const share = preferred.length === 0 ? 0 : (100 * notLeading.length) / preferred.length;
  const current = `${notLeading.length} of ${preferred.length} (${share.toFixed(share % 1 === 0 ? 0 : 1)}%)`;
  if (share <= percent) return verdict(base, true, current, 'This broker leads the partitions it is the preferred leader of.');
  return verdict(base, false, current, 'Leadership moved away from this broker (after a restart or failure) and has not come back, so other brokers carry its share of client traffic.');
}

/**
 * Leaders per broker against an even share: a broker leading more than the mean rounded up, plus
 * the imbalance percentage, carries more than its share of produce and fetch traffic.
 */
export function lintLeaderCount(nodeId: number, leaders: number, totalLeaders: number, brokerCount: number, percent: number): ClusterCheckResult {
  const mean = brokerCount === 0 ? 0 : totalLeaders / brokerCount;
  const limit = Math.ceil(mean * (1 + percent / 100));
  const base: LintBase = {check: 'leader-count', subjectType: 'broker', subject: String(nodeId), required: `<= ${limit} (mean ${mean.toFixed(1)} + ${percent}%)`,
    severity: 'warning', fix: `${electionFix()}; if preferred leaders are themselves uneven, reassign replicas so first replicas are spread evenly`, source: SOURCE.leaderBalance};
  const current = `${leaders} leader${leaders === 1 ? '' : 's'}`;
  if (leaders <= limit) return verdict(base, true, current, brokerCount === 1 ? 'A one-broker cluster leads every partition on its only broker.' : 'This broker leads no more than its share of partitions.');
  return verdict(base, false, current, 'Leaders serve all produce and fetch requests, so this broker does more than its share of the work while others sit idle.');
}
