/**
 * One refresh against the embedded broker: a few requests per broker whatever the number of
 * groups and partitions, exact record timestamps for the time lag, and recovery after an outage.
 */
import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ClusterClient} from '../../../src/client/cluster-client.js';
import {ConnectionOptions, resolveConnection} from '../../../src/client/connection.js';
import {GroupClient} from '../../../src/client/groups.js';
import {Broker, startBroker} from '../../../src/index.js';
import {ClusterLagFetcher} from '../../../src/ops/lag/fetch.js';
import {LagMonitor} from '../../../src/ops/lag/monitor.js';
import {ApiKey} from '../../../src/protocol/generated/api-keys.js';
import {encodeBatch} from '../../../src/records/batch.js';
import {ManualClock} from './fake-fetcher.js';

const GROUPS = 20;
const PARTITIONS = 10;
const T0 = 1_700_000_000_000;
let dir: string;
let broker: Broker;
let conn: ConnectionOptions;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'kstream-lag-fetch-'));
  broker = await startBroker({dataDir: path.join(dir, 'data'), port: 0, log: () => undefined, config: {}});
  conn = resolveConnection({brokers: `127.0.0.1:${broker.port}`} as any, {profiles: {}} as any);
  await ClusterClient.with(conn, async (cluster) => {
    await cluster.any.request(ApiKey.CreateTopics, {topics: [{name: 'small', numPartitions: PARTITIONS, replicationFactor: 1, assignments: [], configs: []}, {name: 'big', numPartitions: 1, replicationFactor: 1, assignments: [], configs: []}], timeoutMs: 10_000, validateOnly: false});
    // small: record i of partition p has timestamp T0 + p * 1000 + i.
    const small = await Promise.all(Array.from({length: PARTITIONS}, async (_, index) => ({index, records: await encodeBatch({records: Array.from({length: 20}, (_, i) => ({value: 'x', timestamp: T0 + index * 1000 + i}))})})));
    // big: one batch far larger than the 2 KiB read per partition.
    const big = [{index: 0, records: await encodeBatch({records: Array.from({length: 200}, (_, i) => ({value: 'y'.repeat(100), timestamp: T0 + 500 + i}))})}];
    await cluster.any.request(ApiKey.Produce, {transactionalId: null, acks: 1, timeoutMs: 10_000, topicData: [{name: 'small', partitionData: small}, {name: 'big', partitionData: big}]});
    const groups = new GroupClient(cluster);
    for (let g = 0; g < GROUPS; g++) {
      await groups.commit(`group-${g}`, Array.from({length: PARTITIONS}, (_, partition) => ({topic: 'small', partition, offset: BigInt(g % 20)})));
    }
    await groups.commit('big-reader', [{topic: 'big', partition: 0, offset: 150n}]);
  });
});

afterAll(async () => {
  await broker?.stop();
  if (dir) await rm(dir, {recursive: true, force: true});
});

describe('ClusterLagFetcher', () => {
  it('costs a few requests per refresh, not one per group or partition', async () => {
    const clock = new ManualClock(T0 + 60_000);
    const monitor = new LagMonitor(new ClusterLagFetcher(conn, {groups: [], topics: []}), clock);
    try {
      const cold = await monitor.sample();
      expect(cold.groups).toHaveLength(GROUPS + 1);
      // Metadata, ListGroups, FindCoordinator (batched), DescribeGroups, OffsetFetch, ListOffsets,
      // Fetch (20 groups sit at different offsets of the same partitions: one round each).
      const cold1 = [...monitor.lastRequests.values()].reduce((a, b) => a + b, 0);
      expect(cold1).toBeLessThanOrEqual(6 + GROUPS);
      clock.ms += 2000;
      await monitor.sample();
      // Warm: coordinators cached, records already read.
      expect([...monitor.lastRequests.values()].reduce((a, b) => a + b, 0)).toBe(5);
    } finally {
      await monitor.close();
    }
  });

  it('measures time lag from the record at the committed offset, also inside oversized batches', async () => {
    const clock = new ManualClock(T0 + 60_000);
    const monitor = new LagMonitor(new ClusterLagFetcher(conn, {groups: ['group-7', 'big-reader'], topics: []}), clock);
    try {
      const report = await monitor.sample();
      const g7 = report.groups.find((g) => g.group === 'group-7')!;
      expect(g7.partitions).toHaveLength(PARTITIONS);
      for (const p of g7.partitions) {
        expect(p.lag).toBe(13n);
        expect(p.timeLag).toEqual({kind: 'measured', lagMs: 60_000 - (p.partition * 1000 + 7), precision: 'record'});
      }
      expect(g7.maxTimeLag).toEqual({kind: 'measured', lagMs: 60_000 - 7, precision: 'record'});
      const big = report.groups.find((g) => g.group === 'big-reader')!;
      // The batch is bigger than the 2 KiB read, and the embedded broker sends no partial batch:
      // the partition is read again alone, where KIP-74 returns its whole first batch.
      expect(big.partitions[0].timeLag).toEqual({kind: 'measured', lagMs: 60_000 - 650, precision: 'record'});
    } finally {
      await monitor.close();
    }
  });

  it('--topic keeps only that topic; --estimate-only reads no records', async () => {
    const clock = new ManualClock(T0 + 60_000);
    const monitor = new LagMonitor(new ClusterLagFetcher(conn, {groups: [], topics: ['big'], measure: false}), clock);
    try {
      const report = await monitor.sample();
      expect(report.groups.map((g) => g.group)).toEqual(['big-reader']);
      expect(report.groups[0].partitions[0].timeLag).toEqual({kind: 'no-data', reason: 'needs two samples of the log end offset'});
    } finally {
      await monitor.close();
    }
  });
});
