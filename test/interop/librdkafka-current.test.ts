/**
 * A current librdkafka (2.12.1, ten minor versions after the 2.0.2 of Debian's kcat), through
 * kafka-crab-js, Rust bindings that bundle it. It speaks newer versions of the APIs than kcat:
 * Produce v10, Fetch v16 (partitions named by topic id), Metadata v12, ListOffsets v7,
 * OffsetFetch v9, JoinGroup v5, DeleteRecords. Its idempotent producer with every codec this
 * build has (none, gzip, snappy, lz4; it was built without zstd), consumer groups with the
 * cooperative-sticky assignor (a second member joining takes a share), commits, DeleteRecords,
 * and everything read back byte-exact before and after a broker restart.
 *
 * kafka-crab-js asks for Node 24, so it is not a dependency of the project (npm would warn on
 * every install and leave its binary out on Node 20); .ci/run installs it and its Linux x64
 * binary. Without them this file skips, saying so.
 */
import {createRequire} from 'node:module';
import {Kafka, logLevel} from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startTestBroker, type TestBroker} from '../broker/helpers/broker.js';
import {readPartition} from './helpers.js';

type Crab = typeof import('kafka-crab-js');
type CrabConsumer = import('kafka-crab-js').KafkaConsumer;
type CrabMessage = import('kafka-crab-js').Message;

const BINARY = 'kafka-crab-js-linux-x64-gnu';
function loadCrab(): Crab | undefined {
  const require = createRequire(import.meta.url);
  try {
    require.resolve(`${BINARY}/package.json`);
    return require('kafka-crab-js') as Crab;
  } catch {
    return undefined;
  }
}
const crab = process.platform === 'linux' && process.arch === 'x64' ? loadCrab() : undefined;
if (!crab) console.warn(`kafka-crab-js (librdkafka 2.12.1) is not installed: \`npm install --no-save kafka-crab-js@5.0.0 ${BINARY}@5.0.0\` (Linux x64; .ci/run does it); skipping its interop test`);

const TOPIC = 'rdkafka-current';
const PARTITIONS = 4;
const CODECS = ['none', 'gzip', 'snappy', 'lz4'] as const;
const PER_CODEC = 500;
const TOTAL = CODECS.length * PER_CODEC;
/** Codec ids in the batch attributes. */
const CODEC_IDS = {none: 0, gzip: 1, snappy: 2, lz4: 3};

/**
 * kafka-crab-js cannot close a producer, and a disconnected consumer keeps its connections until
 * it is garbage collected: they live on after the broker stops. So they do not log a closed
 * connection, and wait 5 s before they connect again, longer than this file runs after the
 * broker's stop; otherwise librdkafka's refused connections fill the test output.
 */
const LINGERING = {'log.connection.close': false, 'reconnect.backoff.ms': 5000, 'reconnect.backoff.max.ms': 5000};

/** The record index at each offset of partition 0, from the delivery reports. */
const partition0: number[] = [];

/** Record i: key `k<i>`, a binary value of varying length, and two headers. */
const key = (i: number) => Buffer.from(`k${i}`);
const payload = (i: number) => Buffer.concat([Buffer.from(`v${i}-`), Buffer.alloc(i % 300, i % 256)]);
const headers = (i: number) => ({index: Buffer.from(String(i)), parity: Buffer.from(i % 2 ? 'odd' : 'even')});

describe.skipIf(!crab)('librdkafka 2.12.1 (kafka-crab-js) against the embedded broker', () => {
  let tb: TestBroker;
  const brokers = () => `127.0.0.1:${tb.broker.port}`;
  const client = () => new crab!.KafkaClient({brokers: brokers(), clientId: 'rdkafka-current', logLevel: 'off'});

  beforeAll(async () => {
    tb = await startTestBroker({'group.initial.rebalance.delay.ms': '0'});
    const admin = new Kafka({brokers: [brokers()], logLevel: logLevel.NOTHING}).admin();
    await admin.connect();
    await admin.createTopics({topics: [{topic: TOPIC, numPartitions: PARTITIONS}]});
    await admin.disconnect();
  });
  afterAll(async () => tb?.cleanup());

  /** Produce records [from, from + count) with an idempotent acks=all producer in `codec`; their delivery reports. */
  async function produce(codec: string, from: number, count: number) {
    const producer = client().createProducer({configuration: {'enable.idempotence': true, acks: 'all', 'compression.type': codec, 'linger.ms': 5, ...LINGERING}});
    const messages = Array.from({length: count}, (_, k) => ({key: key(from + k), payload: payload(from + k), headers: headers(from + k)}));
    return producer.send({topic: TOPIC, messages});
  }

  /** Receive until `until` holds for what came, or 20 s pass. */
  async function receive(consumer: CrabConsumer, until: (got: CrabMessage[]) => boolean): Promise<CrabMessage[]> {
    const got: CrabMessage[] = [];
    const deadline = Date.now() + 20_000;
    while (!until(got) && Date.now() < deadline) got.push(...await consumer.recvBatch(500, 200));
    return got;
  }

  function consumer(groupId: string): CrabConsumer {
    return client().createConsumer({groupId, enableAutoCommit: false,
      configuration: {'auto.offset.reset': 'earliest', 'partition.assignment.strategy': 'cooperative-sticky', 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 500, ...LINGERING}});
  }

  /** Each message is record `k<i>` as produced: value and headers byte-exact. */
  function expectRecords(got: CrabMessage[], indexes: number[]): void {
    const byKey = new Map(got.map((m) => [m.key!.toString(), m]));
    expect(byKey.size).toBe(got.length);
    expect([...byKey.keys()].sort()).toEqual(indexes.map((i) => `k${i}`).sort());
    for (const i of indexes) {
      const m = byKey.get(`k${i}`)!;
      expect(m.payload.equals(payload(i))).toBe(true);
      expect(Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, v.toString()]))).toEqual({index: String(i), parity: i % 2 ? 'odd' : 'even'});
    }
  }

  /** The group's committed offset per partition (kafkajs' OffsetFetch). */
  async function committed(groupId: string): Promise<number[]> {
    const admin = new Kafka({brokers: [brokers()], logLevel: logLevel.NOTHING}).admin();
    await admin.connect();
    try {
      const [topic] = await admin.fetchOffsets({groupId, topics: [TOPIC]});
      return topic!.partitions.sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));
    } finally {
      await admin.disconnect();
    }
  }

  it('writes with an idempotent acks=all producer in every codec: dense offsets per partition, batches in that codec, byte-exact', async () => {
    const next = new Array<number>(PARTITIONS).fill(0);
    for (const [c, codec] of CODECS.entries()) {
      const reports = await produce(codec, c * PER_CODEC, PER_CODEC);
      expect(reports).toHaveLength(PER_CODEC);
      for (const [k, r] of reports.entries()) {
        expect(r.error).toBeUndefined();
        expect(r.offset).toBe(next[r.partition]);
        next[r.partition]!++;
        if (r.partition === 0) partition0.push(c * PER_CODEC + k);
      }
    }
    expect(next.reduce((a, b) => a + b)).toBe(TOTAL);
    expect(next.every((n) => n > 0)).toBe(true);
    const codecs = new Set<number>();
    let read = 0;
    for (let p = 0; p < PARTITIONS; p++) {
      const records = await readPartition(tb.broker.port, TOPIC, p, 0n, codecs);
      expect(records.map((r) => Number(r.offset))).toEqual(Array.from({length: next[p]!}, (_, o) => o));
      for (const r of records) {
        const i = Number(r.key!.toString().slice(1));
        expect(Buffer.from(r.value!).equals(payload(i))).toBe(true);
      }
      read += records.length;
    }
    expect(read).toBe(TOTAL);
    expect([...codecs].sort()).toEqual(Object.values(CODEC_IDS));
  });

  it('reads everything back in a group, commits, and rebalances (cooperative-sticky) when a second member joins', async () => {
    const a = consumer('rdkafka-g1');
    await a.subscribe(TOPIC);
    const all = await receive(a, (got) => got.length >= TOTAL);
    expectRecords(all, Array.from({length: TOTAL}, (_, i) => i));
    const last = new Map<number, CrabMessage>();
    for (const m of all) if (m.offset >= (last.get(m.partition)?.offset ?? -1)) last.set(m.partition, m);
    for (const m of last.values()) await a.commitMessage(m, 'Sync');
    const ends = [...last.values()].sort((x, y) => x.partition - y.partition).map((m) => m.offset + 1);
    expect(await committed('rdkafka-g1')).toEqual(ends);

    // A second member: the group rebalances and the new records are split between the two.
    const b = consumer('rdkafka-g1');
    const assigned = new Promise<void>((resolve) => b.onEvents((_err, event) => {
      if (event?.name === 'PostRebalance' && event.payload.tpl.some((t) => t.partitionOffset.length > 0)) resolve();
    }));
    await b.subscribe(TOPIC);
    const fromA: CrabMessage[] = [];
    const fromB: CrabMessage[] = [];
    const more = Array.from({length: 400}, (_, k) => TOTAL + k);
    const both = () => fromA.length + fromB.length >= more.length;
    const reading = Promise.all([
      receive(a, (got) => (fromA.splice(0, fromA.length, ...got), both())),
      receive(b, (got) => (fromB.splice(0, fromB.length, ...got), both())),
    ]);
    // Produced only once b has its share, or a would take them all before the rebalance.
    await assigned;
    await produce('lz4', TOTAL, more.length);
    await reading;
    expectRecords([...fromA, ...fromB], more);
    const partitionsOf = (ms: CrabMessage[]) => new Set(ms.map((m) => m.partition));
    expect(partitionsOf(fromA).size).toBeGreaterThan(0);
    expect(partitionsOf(fromB).size).toBeGreaterThan(0);
    expect([...partitionsOf(fromA)].some((p) => partitionsOf(fromB).has(p))).toBe(false);
    await Promise.all([a.disconnect(), b.disconnect()]);
  });

  it('deletes records, and after a restart a new group reads the rest byte-exact while the first resumes at its commits', async () => {
    const [deleted] = await client().deleteRecords([{topic: TOPIC, partitionOffset: [{partition: 0, offset: {offset: 100}}]}]);
    expect(deleted!.partitionOffset).toEqual([expect.objectContaining({partition: 0, offset: expect.objectContaining({offset: 100})})]);
    // On the same port: the clients of the first tests (see LINGERING) reconnect to it.
    await tb.restart({samePort: true});

    const total = TOTAL + 400;
    const fresh = consumer('rdkafka-g2');
    await fresh.subscribe(TOPIC);
    const rest = await receive(fresh, (got) => got.length >= total - 100);
    expect(rest.filter((m) => m.partition === 0).every((m) => m.offset >= 100)).toBe(true);
    const gone = new Set(partition0.slice(0, 100));
    expectRecords(rest, Array.from({length: total}, (_, i) => i).filter((i) => !gone.has(i)));
    await fresh.disconnect();

    // The first group committed up to its first 2,000 records: it gets the 400 since, no more.
    const again = consumer('rdkafka-g1');
    await again.subscribe(TOPIC);
    const since = await receive(again, (got) => got.length >= 400);
    expectRecords(since, Array.from({length: 400}, (_, k) => TOTAL + k));
    await again.disconnect();
  });
});
