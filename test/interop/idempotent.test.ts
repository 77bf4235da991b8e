/**
 * Idempotent producers of three client implementations against the embedded broker: kafkajs
 * (idempotent: true, every codec), librdkafka through kcat (enable.idempotence=true) and
 * @platformatic/kafka (idempotent: true). Each gets a producer id from InitProducerId, its batches
 * carry it with consecutive sequences, and everything is stored once. A transactional producer
 * is refused at once.
 */
import {Producer as PlatformaticProducer, stringSerializers} from '@platformatic/kafka';
import {CompressionTypes, Kafka, logLevel, Partitioners} from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {iterateBatches} from '../../src/records/batch.js';
import {startTestBroker, type TestBroker} from '../broker/helpers/broker.js';
import {readPartition, registerKafkajsCodecs} from './helpers.js';
import {KCAT, kcat} from './kcat-run.js';

let tb: TestBroker;
const bootstrap = () => `127.0.0.1:${tb.broker.port}`;
const kafka = () => new Kafka({clientId: 'idempotent', brokers: [bootstrap()], logLevel: logLevel.NOTHING, retry: {retries: 3}});

beforeAll(async () => {
  registerKafkajsCodecs();
  tb = await startTestBroker();
});
afterAll(async () => tb?.cleanup());

/** Producer id, epoch, first sequence and record count of every batch in the partition's log. */
async function batchesOf(topic: string, partition: number) {
  const log = tb.broker.topics.getLog(topic, partition)!;
  const data = await log.read(log.logStartOffset, 64 << 20);
  return [...iterateBatches(data)].map((b) => ({producerId: b.header.producerId, epoch: b.header.producerEpoch, seq: b.header.baseSequence, count: b.header.recordCount}));
}

/** Batches of one producer with sequences following on from 0, as the broker checked them. */
function expectOneIdempotentProducer(batches: Awaited<ReturnType<typeof batchesOf>>): bigint {
  const ids = new Set(batches.map((b) => b.producerId));
  expect(ids.size).toBe(1);
  const [id] = ids;
  expect(id).toBeGreaterThanOrEqual(0n);
  let next = 0;
  for (const b of batches) {
    expect(b.seq).toBe(next);
    next += b.count;
  }
  return id!;
}

describe('idempotent producers', () => {
  it('kafkajs idempotent: true, with every codec', async () => {
    const admin = kafka().admin();
    await admin.connect();
    await admin.createTopics({topics: [{topic: 'idem-kafkajs', numPartitions: 2}], waitForLeaders: true});
    await admin.disconnect();
    const producer = kafka().producer({idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner});
    await producer.connect();
    let i = 0;
    const codecs = [CompressionTypes.None, CompressionTypes.GZIP, CompressionTypes.Snappy, CompressionTypes.LZ4, CompressionTypes.ZSTD];
    for (const compression of codecs) {
      for (let round = 0; round < 3; round++) {
        const messages = Array.from({length: 100}, () => ({key: `k${i}`, value: `v${i++}`, partition: i % 2}));
        await producer.send({topic: 'idem-kafkajs', compression, acks: -1, messages});
      }
    }
    await producer.disconnect();
    const ids = [expectOneIdempotentProducer(await batchesOf('idem-kafkajs', 0)), expectOneIdempotentProducer(await batchesOf('idem-kafkajs', 1))];
    expect(ids[0]).toBe(ids[1]);
    const values = [...await readPartition(tb.broker.port, 'idem-kafkajs', 0), ...await readPartition(tb.broker.port, 'idem-kafkajs', 1)];
    expect(new Set(values.map((r) => r.value!.toString())).size).toBe(i);
    expect(values).toHaveLength(i);
  });

  it('kafkajs transactional producer is refused at once', async () => {
    const producer = kafka().producer({transactionalId: 'tx', idempotent: true, maxInFlightRequests: 1});
    await producer.connect();
    const started = Date.now();
    try {
      // FindCoordinator for the transactional id answers TRANSACTIONAL_ID_AUTHORIZATION_FAILED, which kafkajs does not retry.
      await expect(producer.transaction()).rejects.toThrow(/Transactional Id authorization failed|Failed to find group coordinator/i);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await producer.disconnect();
    }
  });

  it.skipIf(!KCAT)('kcat -X enable.idempotence=true', async () => {
    await tb.broker.topics.createTopic('idem-kcat', {numPartitions: 1, replicationFactor: 1, configs: {}});
    const lines = Array.from({length: 2000}, (_, i) => `line ${i} ${'x'.repeat(i % 40)}`);
    await kcat(['-P', '-b', bootstrap(), '-t', 'idem-kcat', '-p', '0', '-X', 'enable.idempotence=true', '-X', 'linger.ms=5', '-X', 'batch.num.messages=100'], lines.join('\n') + '\n');
    const {stdout} = await kcat(['-C', '-b', bootstrap(), '-t', 'idem-kcat', '-p', '0', '-o', 'beginning', '-e', '-f', '%s\\n']);
    expect(stdout.trim().split('\n')).toEqual(lines);
    const batches = await batchesOf('idem-kcat', 0);
    expect(batches.length).toBeGreaterThan(1);
    expectOneIdempotentProducer(batches);
  });

  it('@platformatic/kafka idempotent: true', async () => {
    await tb.broker.topics.createTopic('idem-platformatic', {numPartitions: 1, replicationFactor: 1, configs: {}});
    const producer = new PlatformaticProducer({clientId: 'idem', bootstrapBrokers: [bootstrap()], serializers: stringSerializers, idempotent: true});
    try {
      for (let round = 0; round < 5; round++) {
        const messages = Array.from({length: 50}, (_, j) => ({topic: 'idem-platformatic', key: `k${round}-${j}`, value: `v${round}-${j}`, partition: 0}));
        const {offsets} = await producer.send({messages});
        expect(offsets![0]!.offset).toBe(BigInt(round * 50));
      }
    } finally {
      await producer.close();
    }
    const batches = await batchesOf('idem-platformatic', 0);
    expect(batches).toHaveLength(5);
    expectOneIdempotentProducer(batches);
  });
});
