/**
 * kafkajs 2.2.4 against the embedded broker: admin, a producer using every compression codec,
 * tens of thousands of records across partitions read back byte-exact, before and after a
 * broker restart.
 */
import {CompressionTypes, Kafka, logLevel, Partitioners} from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ApiKey} from '../../src/protocol/api.js';
import {startTestBroker, TestBroker} from '../broker/helpers/broker.js';
import {WireClient} from '../broker/helpers/wire-client.js';
import {readPartition, registerKafkajsCodecs} from './helpers.js';

const TOPIC = 'interop';
const PARTITIONS = 3;
const PER_BATCH = 1000;
const CODECS = [CompressionTypes.None, CompressionTypes.GZIP, CompressionTypes.Snappy, CompressionTypes.LZ4, CompressionTypes.ZSTD];
const BATCHES_PER_CODEC = 6;

let tb: TestBroker;
const kafka = () => new Kafka({clientId: 'interop', brokers: [`127.0.0.1:${tb.broker.port}`], logLevel: logLevel.NOTHING, retry: {retries: 3}});

/** Deterministic record i: a key, a value of varying size with non-UTF-8 bytes, one header. */
function record(i: number) {
  const value = Buffer.alloc(20 + (i % 200));
  for (let j = 0; j < value.length; j++) value[j] = (i * 31 + j * 7) & 0xff;
  return {key: Buffer.from(`key-${i}`), value, headers: {seq: Buffer.from(String(i))}, partition: i % PARTITIONS};
}
const TOTAL = CODECS.length * BATCHES_PER_CODEC * PER_BATCH;

beforeAll(async () => {
  registerKafkajsCodecs();
  tb = await startTestBroker();
});
afterAll(async () => tb.cleanup());

async function expectAllRecords(): Promise<void> {
  const seen = new Map<number, {key: Buffer | null; value: Buffer | null; seq: string | undefined}>();
  const codecs = new Set<number>();
  for (let p = 0; p < PARTITIONS; p++) {
    for (const r of await readPartition(tb.broker.port, TOPIC, p, 0n, codecs)) {
      const seq = r.headers.find((h) => h.key === 'seq')?.value?.toString();
      seen.set(Number(seq), {key: r.key, value: r.value, seq});
    }
  }
  expect(seen.size).toBe(TOTAL);
  // The batches were stored as produced: none, gzip, snappy, lz4 and zstd.
  expect([...codecs].sort()).toEqual([0, 1, 2, 3, 4]);
  for (let i = 0; i < TOTAL; i += 997) {
    const want = record(i);
    const got = seen.get(i)!;
    expect(got.key!.equals(want.key)).toBe(true);
    expect(got.value!.equals(want.value)).toBe(true);
  }
}

async function servesGroups(): Promise<boolean> {
  const client = await WireClient.connect(tb.broker.port);
  const res = await client.request(ApiKey.ApiVersions, 2, {});
  client.close();
  return res.apiKeys.some((k: {apiKey: number}) => k.apiKey === ApiKey.JoinGroup);
}

describe('kafkajs interop', () => {
  it('creates a topic with the admin client', async () => {
    const admin = kafka().admin();
    await admin.connect();
    expect(await admin.createTopics({topics: [{topic: TOPIC, numPartitions: PARTITIONS}], waitForLeaders: true})).toBe(true);
    const meta = await admin.fetchTopicMetadata({topics: [TOPIC]});
    expect(meta.topics[0]!.partitions).toHaveLength(PARTITIONS);
    await admin.disconnect();
  });

  it('produces with every compression codec', async () => {
    const producer = kafka().producer({createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false});
    await producer.connect();
    let i = 0;
    for (const compression of CODECS) {
      for (let b = 0; b < BATCHES_PER_CODEC; b++) {
        const messages = Array.from({length: PER_BATCH}, () => record(i++));
        const results = await producer.send({topic: TOPIC, compression, acks: -1, messages});
        expect(results.every((r) => r.errorCode === 0)).toBe(true);
      }
    }
    await producer.disconnect();
    const admin = kafka().admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(TOPIC);
    expect(offsets.reduce((sum, o) => sum + Number(o.high), 0)).toBe(TOTAL);
    await admin.disconnect();
  }, 120_000);

  it('reads every record back byte-exact, before and after a restart', async () => {
    await expectAllRecords();
    await tb.restart();
    await expectAllRecords();
  }, 120_000);

  it('consumes everything back with the kafkajs consumer', async (ctx) => {
    if (!(await servesGroups())) {
      console.warn('skipping the kafkajs consumer test: this broker does not serve the group APIs (JoinGroup) yet');
      ctx.skip();
      return;
    }
    const consumer = kafka().consumer({groupId: 'interop-readers'});
    await consumer.connect();
    await consumer.subscribe({topic: TOPIC, fromBeginning: true});
    const seen = new Set<string>();
    let mismatches = 0;
    await new Promise<void>((resolve, reject) => {
      consumer.run({
        eachMessage: async ({message}) => {
          const seq = message.headers?.seq?.toString() ?? '';
          const want = record(Number(seq));
          if (!message.value?.equals(want.value) || !message.key?.equals(want.key)) mismatches++;
          seen.add(seq);
          if (seen.size === TOTAL) resolve();
        },
      }).catch(reject);
    });
    await consumer.disconnect();
    expect(mismatches).toBe(0);
  }, 120_000);
});
