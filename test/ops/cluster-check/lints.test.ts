/** Every verdict (pass, fail at each severity, unknown) of every lint, as numbered cases on pure facts. */
import {describe, expect, it} from 'vitest';
import {lintLeaderCount, lintPartitionsPerBroker, lintPartitionsPerCluster, lintPreferredLeaders, lintUncleanBroker, replicasPerBroker} from '../../../src/ops/cluster-check/lint-brokers.js';
import {lintOfflinePartitions, lintUnderMinIsr, lintUnderReplicated} from '../../../src/ops/cluster-check/lint-partitions.js';
import {lintInternalReplication, lintMinInsyncReplicas, lintReplicationFactor, lintUnboundedRetention, lintUncleanTopic} from '../../../src/ops/cluster-check/lint-topics.js';
import type {ClusterCheckResult} from '../../../src/ops/cluster-check/types.js';
import {broker, configs, partitions, spread, topic, unreadable} from './facts.js';

function verdict(r: ClusterCheckResult): string {
  return r.passed === true ? 'pass' : r.passed === 'unknown' ? 'unknown' : `fail:${r.severity}`;
}

const live = (...ids: number[]) => new Set(ids);
const rf3 = [[1, [1, 2, 3]]] as const;

describe('every lint, every verdict', () => {
  const cases: Array<[string, () => ClusterCheckResult, string]> = [
    // 1-6 replication factor
    ['1 RF 3 passes', () => lintReplicationFactor(topic('t', [[1, [1, 2, 3]]]), 3), 'pass'],
    ['2 RF 2 on three brokers is a warning', () => lintReplicationFactor(topic('t', [[1, [1, 2]]]), 3), 'fail:warning'],
    ['3 RF 1 on three brokers is a warning', () => lintReplicationFactor(topic('t', [[1, [1]]]), 3), 'fail:warning'],
    ['4 RF 1 on one broker is info: the cluster cannot do better', () => lintReplicationFactor(topic('t', [[1, [1]]]), 1), 'fail:info'],
    ['5 RF 2 on two brokers is info', () => lintReplicationFactor(topic('t', [[1, [1, 2]]]), 2), 'fail:info'],
    ['6 the weakest partition governs: RF 3 and 1 mixed is a warning', () => lintReplicationFactor(topic('t', [[1, [1, 2, 3]], [1, [1]]]), 3), 'fail:warning'],
    // 7-13 min.insync.replicas against the replication factor
    ['7 RF 3 with min.insync.replicas 2 passes', () => lintMinInsyncReplicas(topic('t', [[1, [1, 2, 3]]], configs({'min.insync.replicas': '2'}))), 'pass'],
    ['8 RF 1 with min.insync.replicas 1 passes', () => lintMinInsyncReplicas(topic('t', [[1, [1]]], configs({'min.insync.replicas': ['1', 'DEFAULT_CONFIG']}))), 'pass'],
    ['9 RF 1 with min.insync.replicas 2: acks=all can never write', () => lintMinInsyncReplicas(topic('t', [[1, [1]]], configs({'min.insync.replicas': '2'}))), 'fail:error'],
    ['10 RF 3 with min.insync.replicas 3: one replica down stops writes', () => lintMinInsyncReplicas(topic('t', [[1, [1, 2, 3]]], configs({'min.insync.replicas': '3'}))), 'fail:warning'],
    ['11 RF 3 with min.insync.replicas 1 (inherited default)', () => lintMinInsyncReplicas(topic('t', [[1, [1, 2, 3]]], configs())), 'fail:warning'],
    ['12 RF 2 with min.insync.replicas 2', () => lintMinInsyncReplicas(topic('t', [[1, [1, 2]]], configs({'min.insync.replicas': '2'}))), 'fail:warning'],
    ['13 unreadable configs', () => lintMinInsyncReplicas(topic('t', [[1, [1, 2, 3]]], unreadable)), 'unknown'],
    // 14-18 unclean leader election on a topic
    ['14 false passes', () => lintUncleanTopic(topic('t', [[1, [1]]], configs({'unclean.leader.election.enable': ['false', 'DEFAULT_CONFIG']}))), 'pass'],
    ['15 missing from the response means Kafka\'s default (false)', () => lintUncleanTopic(topic('t', [[1, [1]]], configs())), 'pass'],
    ['16 a topic override true is a warning', () => lintUncleanTopic(topic('t', [[1, [1]]], configs({'unclean.leader.election.enable': 'true'}))), 'fail:warning'],
    ['17 true inherited from the brokers is info (the broker lint warns once)', () => lintUncleanTopic(topic('t', [[1, [1]]], configs({'unclean.leader.election.enable': ['true', 'STATIC_BROKER_CONFIG']}))), 'fail:info'],
    ['18 unreadable configs', () => lintUncleanTopic(topic('t', [[1, [1]]], unreadable)), 'unknown'],
    // 19-26 unbounded retention
    ['19 Kafka\'s default 7 days passes', () => lintUnboundedRetention(topic('t', [[1, [1]]], configs())), 'pass'],
    ['20 retention.ms -1 with a size limit passes', () => lintUnboundedRetention(topic('t', [[1, [1]]], configs({'retention.ms': '-1', 'retention.bytes': '1073741824'}))), 'pass'],
    ['21 retention.ms -1 and retention.bytes -1 is a warning', () => lintUnboundedRetention(topic('t', [[1, [1]]], configs({'retention.ms': '-1', 'retention.bytes': '-1'}))), 'fail:warning'],
    ['22 unbounded but compacted passes', () => lintUnboundedRetention(topic('t', [[1, [1]]], configs({'retention.ms': '-1', 'cleanup.policy': 'compact'}))), 'pass'],
    ['23 unbounded with compact,delete passes', () => lintUnboundedRetention(topic('t', [[1, [1]]], configs({'retention.ms': '-1', 'cleanup.policy': 'compact, delete'}))), 'pass'],
    ['24 unbounded on tiered storage with a bounded local tail passes', () => lintUnboundedRetention(topic('t', [[1, [1]]], configs({'retention.ms': '-1', 'remote.storage.enable': 'true', 'local.retention.ms': '86400000'}))), 'pass'],
    ['25 unbounded on tiered storage with an unbounded local tail is a warning', () => lintUnboundedRetention(topic('t', [[1, [1]]], configs({'retention.ms': '-1', 'remote.storage.enable': 'true'}))), 'fail:warning'],
    ['26 unreadable configs', () => lintUnboundedRetention(topic('t', [[1, [1]]], unreadable)), 'unknown'],
    // 27-31 internal topics
    ['27 __consumer_offsets with RF 3 passes', () => lintInternalReplication(topic('__consumer_offsets', [[1, [1, 2, 3]]], configs(), true), 3), 'pass'],
    ['28 __consumer_offsets with RF 1 on three brokers is an error', () => lintInternalReplication(topic('__consumer_offsets', [[1, [1]]], configs(), true), 3), 'fail:error'],
    ['29 __transaction_state with RF 2 on three brokers is a warning', () => lintInternalReplication(topic('__transaction_state', [[1, [1, 2]]], configs(), true), 3), 'fail:warning'],
    ['30 __consumer_offsets with RF 1 on one broker is info', () => lintInternalReplication(topic('__consumer_offsets', [[1, [1]]], configs(), true), 1), 'fail:info'],
    ['31 __consumer_offsets with RF 2 on two brokers is info', () => lintInternalReplication(topic('__consumer_offsets', [[1, [1, 2]]], configs(), true), 2), 'fail:info'],
    // 32-35 offline partitions
    ['32 every partition led by a live broker passes', () => lintOfflinePartitions(topic('t', [[1, [1, 2]], [2, [2, 1]]]), live(1, 2)), 'pass'],
    ['33 leader -1 is offline', () => lintOfflinePartitions(topic('t', [[-1, [3], []], [1, [1]]]), live(1, 2)), 'fail:error'],
    ['34 a leader that is not a live broker is offline', () => lintOfflinePartitions(topic('t', [[3, [3]]]), live(1, 2)), 'fail:error'],
    ['35 no partitions at all passes', () => lintOfflinePartitions(topic('t', []), live(1)), 'pass'],
    // 36-39 under-replicated partitions
    ['36 ISR = replicas passes', () => lintUnderReplicated(topic('t', [[1, [1, 2, 3]]]), live(1, 2, 3)), 'pass'],
    ['37 ISR smaller than replicas is a warning', () => lintUnderReplicated(topic('t', [[1, [1, 2, 3], [1, 2]]]), live(1, 2, 3)), 'fail:warning'],
    ['38 an offline partition is not also counted under-replicated', () => lintUnderReplicated(topic('t', [[-1, [3], []]]), live(1)), 'pass'],
    ['39 a replica on a dead broker makes the partition under-replicated', () => lintUnderReplicated(topic('t', [[1, [1, 4], [1]]]), live(1, 2)), 'fail:warning'],
    // 40-44 under-min-ISR partitions
    ['40 ISR 2 with min.insync.replicas 2 passes', () => lintUnderMinIsr(topic('t', [[1, [1, 2, 3], [1, 2]]], configs({'min.insync.replicas': '2'})), live(1, 2, 3)), 'pass'],
    ['41 ISR 1 with min.insync.replicas 2 is an error', () => lintUnderMinIsr(topic('t', [[1, [1, 2, 3], [1]]], configs({'min.insync.replicas': '2'})), live(1, 2, 3)), 'fail:error'],
    ['42 RF 1 with min.insync.replicas 2 is under min ISR from the start', () => lintUnderMinIsr(topic('t', [[1, [1]]], configs({'min.insync.replicas': '2'})), live(1)), 'fail:error'],
    ['43 an offline partition is only offline', () => lintUnderMinIsr(topic('t', [[-1, [1, 2], []]], configs({'min.insync.replicas': '2'})), live(3)), 'pass'],
    ['44 unreadable configs', () => lintUnderMinIsr(topic('t', [[1, [1]]], unreadable), live(1)), 'unknown'],
    // 45-48 unclean leader election on a broker
    ['45 false passes', () => lintUncleanBroker(broker(1, configs({'unclean.leader.election.enable': ['false', 'DEFAULT_CONFIG']}))), 'pass'],
    ['46 true in server.properties is a warning', () => lintUncleanBroker(broker(1, configs({'unclean.leader.election.enable': ['true', 'STATIC_BROKER_CONFIG']}))), 'fail:warning'],
    ['47 true as a dynamic broker config is a warning', () => lintUncleanBroker(broker(1, configs({'unclean.leader.election.enable': ['true', 'DYNAMIC_BROKER_CONFIG']}))), 'fail:warning'],
    ['48 unreadable broker configs', () => lintUncleanBroker(broker(1, {ok: false, reason: 'connection refused'})), 'unknown'],
    // 49-52 partition counts
    ['49 4,000 replicas on a broker passes', () => lintPartitionsPerBroker(1, 4000), 'pass'],
    ['50 4,001 replicas on a broker is a warning', () => lintPartitionsPerBroker(1, 4001), 'fail:warning'],
    ['51 200,000 replicas in a cluster passes', () => lintPartitionsPerCluster('c', 200_000), 'pass'],
    ['52 200,001 replicas in a cluster is info (KRaft supports more)', () => lintPartitionsPerCluster('c', 200_001), 'fail:info'],
    // 53-56 preferred leaders (the controller's imbalance ratio)
    ['53 every preferred leader leading passes', () => lintPreferredLeaders(1, partitions(spread(10, 3, 3)), 10), 'pass'],
    ['54 1 of 10 not led by its preferred replica (10%) passes', () => lintPreferredLeaders(1, partitions([[2, [1, 2]], ...Array.from({length: 9}, () => [1, [1, 2]] as [number, number[]])]), 10), 'pass'],
    ['55 2 of 10 (20%) is a warning', () => lintPreferredLeaders(1, partitions([[2, [1, 2]], [2, [1, 2]], ...Array.from({length: 8}, () => [1, [1, 2]] as [number, number[]])]), 10), 'fail:warning'],
    ['56 a broker that is nobody\'s preferred leader passes', () => lintPreferredLeaders(4, partitions(spread(6, 3, 3)), 10), 'pass'],
    // 57-60 leader counts
    ['57 an even share passes', () => lintLeaderCount(1, 10, 30, 3, 10), 'pass'],
    ['58 3 of 5 leaders on two brokers (limit ceil(2.75) = 3) passes', () => lintLeaderCount(1, 3, 5, 2, 10), 'pass'],
    ['59 20 of 30 leaders on three brokers is a warning', () => lintLeaderCount(1, 20, 30, 3, 10), 'fail:warning'],
    ['60 a one-broker cluster leads everything and passes', () => lintLeaderCount(1, 50, 50, 1, 10), 'pass'],
  ];

  it.each(cases)('%s', (_name, run, expected) => {
    const r = run();
    expect(verdict(r)).toBe(expected);
    expect(r.reason.length).toBeGreaterThan(10);
    expect(r.source.length).toBeGreaterThan(10);
    if (r.passed === 'unknown') expect(r.current).toBe('unknown');
  });
});

describe('what the findings say', () => {
  it('names the failing partitions, at most ten', () => {
    const t = topic('orders', Array.from({length: 12}, () => [-1, [2], []] as [number, number[], number[]]));
    expect(lintOfflinePartitions(t, live(1)).current).toBe('12 of 12 partitions (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, and 2 more)');
    expect(lintUnderReplicated(topic('orders', [[1, [1, 2], [1]], [1, [1, 2]]]), live(1)).reason).toMatch(/broker 2 are down or offline/);
  });

  it('explains the single-broker replication finding and says where min.insync.replicas comes from', () => {
    const r = lintReplicationFactor(topic('t', [[1, [1]]]), 1);
    expect(r).toMatchObject({check: 'replication-factor', subjectType: 'topic', subject: 't', current: '1', required: '>= 3', severity: 'info', passed: false});
    expect(r.reason).toMatch(/The cluster has 1 broker, so a replication factor of 1 is the most it can give/);
    const m = lintMinInsyncReplicas(topic('t', [[1, [1]]], configs({'min.insync.replicas': '2'})));
    expect(m).toMatchObject({current: '2 (topic override)', required: '<= 1 (replication factor 1)', fix: 'kstream topics alter-config t --set min.insync.replicas=1'});
    expect(lintMinInsyncReplicas(topic('t', [[1, [1, 2, 3]]], configs({'min.insync.replicas': ['1', 'STATIC_BROKER_CONFIG']}))).current).toBe('1 (static broker config)');
    expect(lintMinInsyncReplicas(topic('t', [...rf3])).fix).toBe('kstream topics alter-config t --set min.insync.replicas=2');
  });

  it('counts replicas per broker and a mixed replication factor', () => {
    expect([...replicasPerBroker(partitions(spread(6, 3, 3)))].sort()).toEqual([[1, 6], [2, 6], [3, 6]]);
    expect(lintReplicationFactor(topic('t', [[1, [1, 2, 3]], [1, [1]]]), 3).current).toBe('1 (partitions range 1-3)');
  });
});
