/**
 * librdkafka's balanced consumer (`kcat -G`) against the embedded broker's group coordinator:
 * it joins, gets every partition, commits on close, and a second run resumes from the commits.
 * Skipped when kcat is not installed.
 */
import {Kafka, logLevel} from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startTestBroker, type TestBroker} from '../broker/helpers/broker.js';
import {KCAT, kcat} from './kcat-run.js';

if (!KCAT) console.warn('skipping the kcat -G test: kcat is not installed');

const TOPIC = 'kcat-group';
const PARTITIONS = 3;
const COUNT = 30;

describe.skipIf(!KCAT)('kcat -G balanced consumer', () => {
  let tb: TestBroker;
  const kafka = () => new Kafka({clientId: 'kcat-group-test', brokers: [`127.0.0.1:${tb.broker.port}`], logLevel: logLevel.NOTHING});

  beforeAll(async () => {
    tb = await startTestBroker({'group.initial.rebalance.delay.ms': '0'});
    const admin = kafka().admin();
    await admin.connect();
    await admin.createTopics({topics: [{topic: TOPIC, numPartitions: PARTITIONS}]});
    await admin.disconnect();
    const producer = kafka().producer();
    await producer.connect();
    await producer.send({topic: TOPIC, messages: Array.from({length: COUNT}, (_, i) => ({partition: i % PARTITIONS, value: `v${i}`}))});
    await producer.disconnect();
  });
  afterAll(async () => tb?.cleanup());

  it('consumes every record, commits, and resumes from the committed offsets', async () => {
    const broker = `127.0.0.1:${tb.broker.port}`;
    const first = await kcat(['-b', broker, '-G', 'kcat-g', '-c', String(COUNT), '-f', '%p:%o:%s\\n', '-X', 'auto.offset.reset=earliest', TOPIC]);
    const lines = first.stdout.trim().split('\n');
    expect(new Set(lines).size).toBe(COUNT);
    expect(new Set(lines.map((l) => l.split(':')[2]))).toEqual(new Set(Array.from({length: COUNT}, (_, i) => `v${i}`)));
    expect(first.stderr).toMatch(/assigned: .*\[0\].*\[1\].*\[2\]/);

    const admin = kafka().admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({groupId: 'kcat-g', topics: [TOPIC]});
    const {groups} = await admin.describeGroups(['kcat-g']);
    await admin.disconnect();
    expect(offsets[0].partitions.map((p) => Number(p.offset))).toEqual(Array(PARTITIONS).fill(COUNT / PARTITIONS));
    expect(groups[0].state).toBe('Empty');

    const second = await kcat(['-b', broker, '-G', 'kcat-g', '-e', '-f', '%p:%o:%s\\n', TOPIC]);
    expect(second.stdout).toBe('');
    expect(second.stderr).toContain(`Reached end of topic ${TOPIC} [0] at offset ${COUNT / PARTITIONS}`);
  });

  for (const strategy of ['roundrobin', 'cooperative-sticky']) {
    it(`works with librdkafka's ${strategy} assignor (client-side, same broker code)`, async () => {
      const run = await kcat(['-b', `127.0.0.1:${tb.broker.port}`, '-G', `kcat-${strategy}`, '-c', String(COUNT), '-f', '%p:%o\\n',
        '-X', 'auto.offset.reset=earliest', '-X', `partition.assignment.strategy=${strategy}`, TOPIC]);
      expect(new Set(run.stdout.trim().split('\n')).size).toBe(COUNT);
      const admin = kafka().admin();
      await admin.connect();
      const offsets = await admin.fetchOffsets({groupId: `kcat-${strategy}`, topics: [TOPIC]});
      await admin.disconnect();
      expect(offsets[0].partitions.map((p) => Number(p.offset))).toEqual(Array(PARTITIONS).fill(COUNT / PARTITIONS));
    });
  }
});
