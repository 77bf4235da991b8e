/** The whole report from facts: which lints run on which subjects, the exit code, the table and --explain. */
import {describe, expect, it} from 'vitest';
import {buildClusterReport, evaluateCluster} from '../../../src/ops/cluster-check/index.js';
import {clusterCheckExplain, clusterCheckTable} from '../../../src/ops/cluster-check/table.js';
import {cluster, configs, spread, topic} from './facts.js';

const healthyTopicConfigs = configs({'min.insync.replicas': '2'});

function failed(facts: ReturnType<typeof cluster>): string[] {
  return evaluateCluster(facts).filter((c) => c.passed !== true).map((c) => `${c.subjectType} ${c.subject} ${c.check} ${c.severity}`);
}

describe('check cluster report', () => {
  it('a healthy three-broker cluster passes every lint and exits 0', () => {
    const facts = cluster([1, 2, 3], [
      topic('orders', spread(6, 3, 3), healthyTopicConfigs),
      topic('__consumer_offsets', spread(3, 3, 3), configs({'min.insync.replicas': '2', 'cleanup.policy': 'compact'}), true),
    ]);
    const report = buildClusterReport(facts);
    expect(failed(facts)).toEqual([]);
    // 1 cluster lint, 4 per broker, 7 per topic.
    expect(report.checks).toHaveLength(1 + 3 * 4 + 2 * 7);
    expect(report.checks.filter((c) => c.subject === '__consumer_offsets').map((c) => c.check)).toContain('internal-topic-replication');
    expect(report.checks.filter((c) => c.subject === 'orders').map((c) => c.check)).toContain('replication-factor');
    expect(report.summary).toEqual({passed: report.checks.length, failed: 0, unknown: 0, exitCode: 0});
    expect(clusterCheckTable(report, {all: false})).toContain('Every check passed.');
  });

  it('finds a failed broker: offline and under-replicated partitions, exit 2', () => {
    // Broker 3 is down: its preferred partitions moved to broker 1, and a partition only it held is offline.
    const parts = spread(6, 3, 3).map(([leader, replicas]) => {
      const isr = replicas.filter((r) => r !== 3);
      return [leader === 3 ? isr[0] : leader, replicas, isr] as [number, number[], number[]];
    });
    const facts = cluster([1, 2], [topic('orders', parts, healthyTopicConfigs), topic('lonely', [[-1, [3], []]], healthyTopicConfigs)]);
    expect(failed(facts)).toEqual([
      'topic orders under-replicated-partitions warning',
      'topic lonely offline-partitions error',
      'topic lonely replication-factor warning',
      'topic lonely min-insync-replicas error',
    ]);
    // Broker 1 took over broker 3's leaderships: 4 of 6 leaders is within ceil(3 + 10%) = 4.
    expect(evaluateCluster(facts).find((c) => c.subject === '1' && c.check === 'leader-count')).toMatchObject({current: '4 leaders', required: '<= 4 (mean 3.0 + 10%)', passed: true});
    expect(evaluateCluster(facts).find((c) => c.subject === 'orders' && c.check === 'under-replicated-partitions')).toMatchObject({current: '6 of 6 partitions (0, 1, 2, 3, 4, 5)'});
    expect(buildClusterReport(facts).summary.exitCode).toBe(2);
  });

  it('a broker that lost its preferred leaderships fails preferred-leaders at the brokers\' own percentage', () => {
    const parts = spread(10, 2, 2).map(([, replicas]) => [2, replicas] as [number, number[]]);
    const facts = cluster([1, 2], [topic('t', parts, configs({'min.insync.replicas': '1'}))], configs({'leader.imbalance.per.broker.percentage': ['60', 'STATIC_BROKER_CONFIG']}));
    const broker1 = evaluateCluster(facts).filter((c) => c.subject === '1');
    expect(broker1.find((c) => c.check === 'preferred-leaders')).toMatchObject({current: '5 of 5 (100%)', required: '<= 60% not led by their preferred replica', passed: false});
    expect(broker1.find((c) => c.check === 'leader-count')).toMatchObject({current: '0 leaders', passed: true});
    const broker2 = evaluateCluster(facts).filter((c) => c.subject === '2');
    expect(broker2.find((c) => c.check === 'leader-count')).toMatchObject({current: '10 leaders', required: '<= 8 (mean 5.0 + 60%)', passed: false});
  });

  it('a one-broker development cluster with only replication findings exits 0, and says why', () => {
    const facts = cluster([1], [topic('t', [[1, [1]], [1, [1]]])]);
    const report = buildClusterReport(facts);
    expect(failed(facts)).toEqual(['topic t replication-factor info']);
    expect(report.summary.exitCode).toBe(0);
    const table = clusterCheckTable(report, {all: false});
    expect(table.split('\n')[0]).toBe('cluster test-cluster: 1 broker (1 at b1:9092), controller 1, 1 topics, 2 partitions');
    expect(table).toMatch(/^topic t\s+replication-factor\s+1\s+>= 3\s+info\s+no$/m);
    expect(table).toContain('(11 passing checks not shown; --all lists them)');
    expect(table).toMatch(/12 checks: 11 passed, 1 failed \(0 error, 0 warning, 1 info\), 0 unknown; exit code 0$/);
    expect(clusterCheckTable(report, {all: true}).split('\n').filter((l) => /\s(yes|no)$/.test(l))).toHaveLength(12);
    const explain = clusterCheckExplain(report, {all: false});
    expect(explain).toContain('topic t: replication-factor: no (info)\n  current:  1\n  required: >= 3\n  why:      The cluster has 1 broker');
    expect(explain).toMatch(/fix: {6}kafka-reassign-partitions\.sh/);
    expect(explain).toMatch(/source: {3}Kafka: The Definitive Guide/);
  });

  it('unreadable configs give unknown results that never fail, and are listed', () => {
    const facts = cluster([1], [topic('secret', [[1, [1]]], {ok: false, reason: 'TOPIC_AUTHORIZATION_FAILED'})]);
    const report = buildClusterReport(facts, [{name: 'hidden', reason: 'TOPIC_AUTHORIZATION_FAILED'}]);
    expect(report.checks.filter((c) => c.passed === 'unknown').map((c) => c.check)).toEqual(['under-min-isr-partitions', 'min-insync-replicas', 'unclean-leader-election', 'unbounded-retention']);
    expect(report.summary).toMatchObject({unknown: 4, exitCode: 0});
    expect(clusterCheckTable(report, {all: false})).toContain('warning: not linted, Metadata refused hidden (TOPIC_AUTHORIZATION_FAILED)');
  });

  it('a warning alone exits 1', () => {
    const facts = cluster([1], [topic('forever', [[1, [1]]], configs({'retention.ms': '-1', 'retention.bytes': '-1'}))]);
    expect(buildClusterReport(facts).summary.exitCode).toBe(1);
  });
});
