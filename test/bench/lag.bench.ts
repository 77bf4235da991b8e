/**
 * Cost of one `kstream lag` refresh with 100 consumer groups over 2,000 partitions (100 topics
 * of 20 partitions, each group committed on one topic, every partition lagging): requests per
 * broker per refresh (cold: coordinators unknown, records to read; warm: the steady state of the
 * dashboard), wall time of a refresh, and time to evaluate and sort the report.
 * Run: npx tsx test/bench/lag.bench.ts   (LAG_BENCH_GROUPS / LAG_BENCH_PARTITIONS to change)
 */
import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {ClusterClient} from '../../src/client/cluster-client.js';
import {resolveConnection} from '../../src/client/connection.js';
import {GroupClient} from '../../src/client/groups.js';
import {startBroker} from '../../src/index.js';
import {evaluate} from '../../src/ops/lag/evaluate.js';
import {ClusterLagFetcher} from '../../src/ops/lag/fetch.js';
import {LagMonitor} from '../../src/ops/lag/monitor.js';
import {systemClock} from '../../src/ops/lag/types.js';
import {ApiKey} from '../../src/protocol/generated/api-keys.js';
import {encodeBatch} from '../../src/records/batch.js';
import {sortGroups} from '../../src/tui/view-model.js';

const GROUPS = Number(process.env.LAG_BENCH_GROUPS ?? 100);
const PER_TOPIC = Number(process.env.LAG_BENCH_PARTITIONS ?? 2000) / GROUPS;

const dir = await mkdtemp(path.join(os.tmpdir(), 'kstream-lag-bench-'));
const broker = await startBroker({dataDir: path.join(dir, 'data'), port: 0, log: () => undefined, config: {}});
const conn = resolveConnection({brokers: `127.0.0.1:${broker.port}`} as any, {profiles: {}} as any);
try {
  await ClusterClient.with(conn, async (cluster) => {
    const topics = Array.from({length: GROUPS}, (_, i) => `bench-${String(i).padStart(3, '0')}`);
    await cluster.any.request(ApiKey.CreateTopics, {topics: topics.map((name) => ({name, numPartitions: PER_TOPIC, replicationFactor: 1, assignments: [], configs: []})), timeoutMs: 30_000, validateOnly: false});
    // 10 records per partition, one Produce per topic.
    for (const name of topics) {
      const partitionData = await Promise.all(Array.from({length: PER_TOPIC}, async (_, index) => ({
        index, records: await encodeBatch({records: Array.from({length: 10}, (_, i) => ({value: `v${i}`, timestamp: Date.now() - 60_000 + i}))}),
      })));
      await cluster.any.request(ApiKey.Produce, {transactionalId: null, acks: 1, timeoutMs: 10_000, topicData: [{name, partitionData}]});
    }
    const groups = new GroupClient(cluster);
    for (let i = 0; i < GROUPS; i++) {
      await groups.commit(`bench-group-${i}`, Array.from({length: PER_TOPIC}, (_, p) => ({topic: topics[i], partition: p, offset: BigInt(p % 10)})));
    }
  });

  const monitor = new LagMonitor(new ClusterLagFetcher(conn, {groups: [], topics: []}), systemClock);
  const total = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const describe = (m: Map<number, number>) => [...m].map(([node, n]) => `${node === -1 ? 'bootstrap' : `broker ${node}`}: ${n}`).join(', ');
  for (const label of ['cold', 'warm', 'warm']) {
    const t0 = performance.now();
    const report = await monitor.sample();
    const ms = performance.now() - t0;
    const partitions = report.groups.reduce((n, g) => n + g.partitions.length, 0);
    console.log(`${label} refresh: ${report.groups.length} groups, ${partitions} partitions, ${total(monitor.lastRequests)} requests (${describe(monitor.lastRequests)}), ${ms.toFixed(0)} ms`);
  }
  const t1 = performance.now();
  for (let i = 0; i < 10; i++) sortGroups(evaluate(monitor.window, Date.now()).groups, 'time');
  console.log(`evaluate + sort: ${((performance.now() - t1) / 10).toFixed(1)} ms per refresh`);
  await monitor.close();
} finally {
  await broker.stop();
  await rm(dir, {recursive: true, force: true});
}
