/**
 * Burrow (LinkedIn's lag monitor; Debian's 1.2.1, built on sarama 1.22.1) watching the embedded
 * broker, when it is installed (.ci/run installs it); skips with a message otherwise. Burrow does
 * not ask the broker for a group's offsets: it consumes `__consumer_offsets` and decodes the
 * records itself, so it reads what the group coordinator wrote in Kafka's own format (offset
 * commit keys v1 and values v3), and the end offsets of each topic from Metadata and ListOffsets.
 * Burrow will not start without ZooKeeper, which it uses only for its own notifier lock;
 * test/interop/zookeeper.ts stands in for it.
 */
import {type ChildProcess, spawn} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createServer, type AddressInfo} from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {Kafka, logLevel} from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ClusterClient} from '../../src/client/cluster-client.js';
import {resolveConnection} from '../../src/client/connection.js';
import {GroupClient} from '../../src/client/groups.js';
import {startTestBroker, type TestBroker} from '../broker/helpers/broker.js';
import {ZooKeeperServer} from './zookeeper.js';

const BURROW = '/usr/bin/Burrow';
const available = existsSync(BURROW);
if (!available) console.warn('Burrow is not installed (apt-get install burrow): skipping the Burrow interop test');

const TOPIC = 'lagged';
const PARTITIONS = 3;
const PER_PARTITION = 100;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const {port} = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.skipIf(!available)('Burrow against the embedded broker', () => {
  let tb: TestBroker;
  let zk: ZooKeeperServer;
  let burrow: ChildProcess;
  let dir: string;
  let httpPort: number;
  let kafka: Kafka;

  /** Burrow's own log, for failure messages. */
  const burrowLog = () => (existsSync(path.join(dir, 'burrow.log')) ? readFileSync(path.join(dir, 'burrow.log'), 'utf8').split('\n').slice(-30).join('\n') : '(no log)');

  /** GET a Burrow HTTP API path until `ready` holds for its JSON, or 30 s pass. */
  async function until<T = any>(apiPath: string, ready: (body: T) => boolean): Promise<T> {
    const deadline = Date.now() + 30_000;
    let last: unknown;
    while (Date.now() < deadline) {
      try {
        const body = await (await fetch(`http://127.0.0.1:${httpPort}${apiPath}`)).json() as T;
        last = body;
        if (ready(body)) return body;
      } catch (err) {
        last = err;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`Burrow's ${apiPath} did not get there; last answer: ${JSON.stringify(last)}\nBurrow's log:\n${burrowLog()}`);
  }

  /** Commit `offsets` (one per partition) for `groupId`, which has no members, as `kstream groups` does (generation -1). */
  async function commit(groupId: string, offsets: number[]): Promise<void> {
    const conn = resolveConnection({brokers: `127.0.0.1:${tb.broker.port}`} as any, {profiles: {}} as any);
    await ClusterClient.with(conn, (cluster) =>
      new GroupClient(cluster).commit(groupId, offsets.map((offset, partition) => ({topic: TOPIC, partition, offset: BigInt(offset)}))));
  }

  beforeAll(async () => {
    tb = await startTestBroker({'group.initial.rebalance.delay.ms': '0'});
    zk = await ZooKeeperServer.start();
    kafka = new Kafka({brokers: [`127.0.0.1:${tb.broker.port}`], logLevel: logLevel.NOTHING});
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({topics: [{topic: TOPIC, numPartitions: PARTITIONS}]});
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    for (let p = 0; p < PARTITIONS; p++) {
      await producer.send({topic: TOPIC, messages: Array.from({length: PER_PARTITION}, (_, i) => ({partition: p, value: `p${p}-${i}`}))});
    }
    await producer.disconnect();

    dir = mkdtempSync(path.join(os.tmpdir(), 'kstream-burrow-'));
    httpPort = await freePort();
    const brokers = `["127.0.0.1:${tb.broker.port}"]`;
    writeFileSync(path.join(dir, 'burrow.toml'), [
      '[general]', `pidfile="${dir}/burrow.pid"`,
      '[logging]', `filename="${dir}/burrow.log"`, 'level="info"',
      '[zookeeper]', `servers=["127.0.0.1:${zk.port}"]`, 'root-path="/burrow"',
      '[client-profile.test]', 'client-id="burrow-test"', 'kafka-version="2.1.0"',
      '[cluster.local]', 'class-name="kafka"', `servers=${brokers}`, 'client-profile="test"', 'topic-refresh=1', 'offset-refresh=1',
      '[consumer.local]', 'class-name="kafka"', 'cluster="local"', `servers=${brokers}`, 'client-profile="test"', 'start-latest=false',
      '[httpserver.default]', `address="127.0.0.1:${httpPort}"`,
      '[storage.default]', 'class-name="inmemory"', 'intervals=10', 'min-distance=1',
      // Its lag answers are cached for 10 s by default.
      '[evaluator.default]', 'class-name="caching"', 'expire-cache=1',
    ].join('\n'));
    burrow = spawn(BURROW, ['-config-dir', dir], {stdio: 'ignore'});
  });

  afterAll(async () => {
    // SIGKILL: its orderly stop takes seconds and there is nothing of it to keep.
    if (burrow && burrow.exitCode === null) {
      const exited = new Promise((resolve) => burrow.once('exit', resolve));
      burrow.kill('SIGKILL');
      await exited;
    }
    await zk?.stop();
    await tb?.cleanup();
    if (dir) rmSync(dir, {recursive: true, force: true});
  });

  it('lists the topics and their end offsets from Metadata and ListOffsets', async () => {
    const topics = await until<{topics?: string[]}>('/v3/kafka/local/topic', (b) => (b.topics ?? []).includes(TOPIC));
    expect(topics.topics).toContain(TOPIC);
    const offsets = await until<{offsets?: number[]}>(`/v3/kafka/local/topic/${TOPIC}`, (b) => b.offsets?.length === PARTITIONS);
    expect(offsets.offsets).toEqual(Array(PARTITIONS).fill(PER_PARTITION));
    // And it holds its notifier lock in the stand-in ZooKeeper (an ephemeral sequential znode).
    expect(zk.paths().filter((p) => p.startsWith('/burrow/notifier/'))).toHaveLength(1);
  });

  it("computes a group's lag from the offset commits it reads in __consumer_offsets, and follows new commits", async () => {
    await commit('watched', [30, 45, 100]);
    const lag = (b: any) => Object.fromEntries((b.status?.partitions ?? []).map((p: any) => [p.partition, [p.end.offset, p.current_lag]]));
    const first = await until('/v3/kafka/local/consumer/watched/lag', (b) => Object.keys(lag(b)).length === PARTITIONS);
    expect(lag(first)).toEqual({0: [30, 70], 1: [45, 55], 2: [100, 0]});
    expect(first.status.totallag).toBe(125);

    await commit('watched', [60, 45, 100]);
    const next = await until('/v3/kafka/local/consumer/watched/lag', (b) => lag(b)[0]?.[0] === 60);
    expect(lag(next)).toEqual({0: [60, 40], 1: [45, 55], 2: [100, 0]});
    expect(next.status.totallag).toBe(95);
  });
});
