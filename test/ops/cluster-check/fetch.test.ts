/** fetchClusterFacts against an in-process embedded broker: the facts match what the broker holds. */
import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startBroker, Broker} from '../../../src/index.js';
import {ClusterClient} from '../../../src/client/cluster-client.js';
import {fetchClusterFacts} from '../../../src/ops/cluster-check/fetch.js';
import {runClusterCheck} from '../../../src/ops/cluster-check/index.js';
import {createTopic} from '../../../src/ops/topics/change.js';

let dir: string;
let broker: Broker;
const conn = () => ({brokers: [`127.0.0.1:${broker.port}`], source: 'flag' as const, timeoutSeconds: 5});

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'kstream-cluster-check-'));
  broker = await startBroker({dataDir: dir, port: 0, log: () => undefined, config: {'unclean.leader.election.enable': 'true'}});
  await ClusterClient.with(conn(), async (c) => {
    const create = (name: string, partitions: number, configs: Record<string, string>) => createTopic(c, {name, partitions, replicationFactor: 1, configs}, {dryRun: false, ifNotExists: false});
    await create('plain', 3, {});
    await create('tuned', 1, {'min.insync.replicas': '2', 'retention.ms': '-1', 'unclean.leader.election.enable': 'false'});
  });
});
afterAll(async () => {
  await broker?.stop();
  await rm(dir, {recursive: true, force: true});
});

describe('fetchClusterFacts', () => {
  it('reads brokers, partitions and the configs that matter, with where each comes from', async () => {
    const {facts, unreadableTopics} = await ClusterClient.with(conn(), fetchClusterFacts);
    expect(unreadableTopics).toEqual([]);
    expect(facts.brokers.map((b) => [b.nodeId, b.port])).toEqual([[1, broker.port]]);
    expect(facts.topics.map((t) => [t.name, t.partitions.length])).toEqual([['plain', broker.topics.get('plain')!.partitions], ['tuned', 1]]);
    expect(facts.topics[0].partitions[2]).toEqual({partition: 2, leader: 1, replicas: [1], isr: [1], offlineReplicas: []});
    const plain = facts.topics[0].configs;
    const tuned = facts.topics[1].configs;
    if (!plain.ok || !tuned.ok) throw new Error('configs not read');
    expect(plain.values['unclean.leader.election.enable']).toEqual({value: 'true', source: 'STATIC_BROKER_CONFIG'});
    expect(plain.values['min.insync.replicas']).toEqual({value: '1', source: 'DEFAULT_CONFIG'});
    expect(tuned.values['min.insync.replicas']).toEqual({value: '2', source: 'DYNAMIC_TOPIC_CONFIG'});
    expect(tuned.values['retention.ms']).toEqual({value: '-1', source: 'DYNAMIC_TOPIC_CONFIG'});
    // Only the keys the lints use are asked for.
    expect(Object.keys(plain.values).every((k) => ['min.insync.replicas', 'unclean.leader.election.enable', 'retention.ms', 'retention.bytes', 'cleanup.policy', 'remote.storage.enable', 'local.retention.ms', 'local.retention.bytes'].includes(k))).toBe(true);
    const brokerConfigs = facts.brokers[0].configs;
    expect(brokerConfigs.ok && brokerConfigs.values['unclean.leader.election.enable']).toEqual({value: 'true', source: 'STATIC_BROKER_CONFIG'});
  });

  it('lints what it fetched: the broker setting, the topic override that turns it off, min.insync.replicas above RF, unbounded retention', async () => {
    const report = await ClusterClient.with(conn(), runClusterCheck);
    const failed = report.checks.filter((c) => c.passed === false).map((c) => `${c.subject} ${c.check} ${c.severity}`);
    expect(failed).toEqual([
      '1 unclean-leader-election warning',
      'plain replication-factor info',
      'plain unclean-leader-election info',
      'tuned under-min-isr-partitions error',
      'tuned replication-factor info',
      'tuned min-insync-replicas error',
      'tuned unbounded-retention warning',
    ]);
    // retention.ms=-1 with Kafka's default retention.bytes (-1) keeps everything.
    expect(report.checks.find((c) => c.subject === 'tuned' && c.check === 'unbounded-retention')).toMatchObject({current: 'retention.ms=-1, retention.bytes=-1, cleanup.policy=delete'});
  });
});
