/**
 * A real lag scenario on the embedded broker, driven by kafkajs: a producer at a steady rate and
 * consumer groups that keep up, fall behind, stop, or are rewound. Used by the CLI test, the
 * bench's demo and the manual tmux check (test/bench/lag-demo.ts).
 */
import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {Consumer, Kafka, logLevel} from 'kafkajs';
import {startBroker, Broker} from '../../../src/index.js';

export interface LagScenario {
  broker: Broker;
  brokers: string;
  kafka: Kafka;
  /** Records produced so far. */
  produced(): number;
  /**
   * Start a consumer group; `delayMs` per record makes it slow, a small `maxBytesPerPartition`
   * makes its batches (and so the gaps between its commits) small. Resolves once it has joined.
   */
  consume(groupId: string, delayMs?: number, maxBytesPerPartition?: number): Promise<Consumer>;
  /** Wait until a group has committed at least `offset` on every partition. */
  committedAtLeast(groupId: string, offset: number): Promise<void>;
  close(): Promise<void>;
}

export const TOPIC = 'orders';
export const PARTITIONS = 2;

/** `perTick` records every `tickMs` into TOPIC, round-robin over its partitions. */
export async function startLagScenario(options: {perTick?: number; tickMs?: number; port?: number} = {}): Promise<LagScenario> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kstream-lag-'));
  const broker = await startBroker({dataDir: path.join(dir, 'data'), port: options.port ?? 0, log: process.env.LAG_LOG ? (l: unknown) => console.log('LOG', JSON.stringify(l).slice(0, 300)) : () => undefined, config: {}});
  const brokers = `127.0.0.1:${broker.port}`;
  const kafka = new Kafka({brokers: [brokers], logLevel: logLevel.NOTHING, clientId: 'lag-scenario'});
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({topics: [{topic: TOPIC, numPartitions: PARTITIONS}]});
  const producer = kafka.producer();
  await producer.connect();
  let produced = 0;
  let sending = false;
  const perTick = options.perTick ?? 10;
  const timer = setInterval(() => {
    if (sending) return;
    sending = true;
    const messages = Array.from({length: perTick}, (_, i) => ({value: `record-${produced + i}`, partition: (produced + i) % PARTITIONS}));
    producer.send({topic: TOPIC, messages}).then(() => {
      produced += perTick;
    }, () => undefined).finally(() => {
      sending = false;
    });
  }, options.tickMs ?? 100);
  const consumers: Consumer[] = [];
  return {
    broker, brokers, kafka,
    produced: () => produced,
    async consume(groupId, delayMs = 0, maxBytesPerPartition = 1024 * 1024) {
      const consumer = kafka.consumer({groupId, sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 100, maxBytesPerPartition});
      consumers.push(consumer);
      const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
      await consumer.connect();
      await consumer.subscribe({topic: TOPIC, fromBeginning: true});
      await consumer.run({
        eachMessage: async () => {
          if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        },
      });
      await joined;
      return consumer;
    },
    async committedAtLeast(groupId, offset) {
      for (;;) {
        const offsets = await admin.fetchOffsets({groupId, topics: [TOPIC]});
        if (offsets[0].partitions.every((p) => Number(p.offset) >= offset)) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async close() {
      clearInterval(timer);
      for (const c of consumers) await c.disconnect().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
      await broker.stop();
      await rm(dir, {recursive: true, force: true});
    },
  };
}
