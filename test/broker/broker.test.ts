import {rmSync} from 'node:fs';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {startBroker} from '../../src/index.js';
import {ApiKey} from '../../src/protocol/api.js';
import {encodeBatch} from '../../src/records/batch.js';
import {startTestBroker, TestBroker} from './helpers/broker.js';
import {WireClient} from './helpers/wire-client.js';

let tb: TestBroker | undefined;
afterEach(async () => {
  await tb?.cleanup();
  tb = undefined;
});

const fetchAt = (offset: bigint, maxWaitMs: number) => ({
  replicaId: -1, maxWaitMs, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
  topics: [{topic: 't', partitions: [{partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1, partitionMaxBytes: 1 << 20}]}],
  forgottenTopicsData: [], rackId: '',
});

describe('startBroker', () => {
  it('keeps acknowledged data across a restart', async () => {
    tb = await startTestBroker();
    await tb.broker.topics.createTopic('t', {numPartitions: 1, replicationFactor: 1, configs: {}});
    const client = await WireClient.connect(tb.broker.port);
    const res = await client.request(ApiKey.Produce, 9, {transactionalId: null, acks: -1, timeoutMs: 1000,
      topicData: [{name: 't', partitionData: [{index: 0, records: await encodeBatch({records: [{value: 'kept'}]})}]}]});
    expect(res.responses[0].partitionResponses[0].errorCode).toBe(0);
    client.close();
    const {clusterId, nodeId} = tb.broker;
    await tb.restart();
    expect(tb.broker).toMatchObject({clusterId, nodeId});
    expect(tb.broker.topics.getLog('t', 0)!.logEndOffset).toBe(1n);
  });

  it('expires idle producer ids every producer.id.expiration.check.interval.ms; a retry is then appended again', async () => {
    tb = await startTestBroker({'producer.id.expiration.ms': '1000', 'producer.id.expiration.check.interval.ms': '20'});
    await tb.broker.topics.createTopic('t', {numPartitions: 1, replicationFactor: 1, configs: {}});
    const client = await WireClient.connect(tb.broker.port);
    // Kafka compares the batch's max timestamp: this one is two seconds old.
    const batch = await encodeBatch({records: [{value: 'once', timestamp: Date.now() - 2000}], producerId: 5n, producerEpoch: 0, baseSequence: 0});
    const produce = async () => (await client.request(ApiKey.Produce, 9, {transactionalId: null, acks: -1, timeoutMs: 1000,
      topicData: [{name: 't', partitionData: [{index: 0, records: batch}]}]})).responses[0].partitionResponses[0];
    expect(await produce()).toMatchObject({errorCode: 0, baseOffset: 0n});
    const log = tb.broker.topics.getLog('t', 0)!;
    // No event marks a run of the periodic check: wait for its effect.
    await vi.waitFor(() => expect(log.producers.state.isEmpty).toBe(true));
    expect(await produce()).toMatchObject({errorCode: 0, baseOffset: 1n});
    client.close();
  });

  it('ends long polls at once when stopping, and stop is idempotent', async () => {
    tb = await startTestBroker();
    await tb.broker.topics.createTopic('t', {numPartitions: 1, replicationFactor: 1, configs: {}});
    const client = await WireClient.connect(tb.broker.port);
    const pending = client.request(ApiKey.Fetch, 11, fetchAt(0n, 60_000)).catch((err: Error) => err);
    // The broker exposes no event for "a fetch started waiting", so check its waiter count.
    await vi.waitFor(() => expect(tb!.broker.topics.appends.waitingPartitions).toBe(1));
    const started = Date.now();
    await Promise.all([tb.broker.stop(), tb.broker.stop()]);
    expect(Date.now() - started).toBeLessThan(5000);
    // The waiting fetch was answered (empty) or dropped with the connection; either way it ended.
    const outcome = await pending;
    if (!(outcome instanceof Error)) expect(outcome.responses[0].partitions[0].records.length).toBe(0);
    await client.closed;
  });

  it('refuses a data dir another broker holds', async () => {
    tb = await startTestBroker();
    await expect(startBroker({dataDir: tb.dataDir, port: 0, log: () => undefined})).rejects.toThrow(/is in use by another broker/);
  });

  it('explains an unusable data dir', async () => {
    const {writeFileSync, mkdtempSync, rmSync} = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const parent = mkdtempSync(path.join(os.tmpdir(), 'kstream-file-'));
    const file = path.join(parent, 'not-a-dir');
    writeFileSync(file, 'x');
    try {
      await expect(startBroker({dataDir: path.join(file, 'data'), port: 0, log: () => undefined})).rejects.toThrow(/cannot use data dir .*not-a-dir/);
    } finally {
      rmSync(parent, {recursive: true, force: true});
    }
  });

  it('closes connections idle longer than connections.max.idle.ms', async () => {
    tb = await startTestBroker({'connections.max.idle.ms': '200'});
    const client = await WireClient.connect(tb.broker.port);
    await client.request(ApiKey.ApiVersions, 0, {});
    await client.closed;
  });

  it('uses the advertised address in Metadata', async () => {
    const plain = await startTestBroker();
    await plain.cleanup();
    const broker = await startBroker({dataDir: plain.dataDir, port: 0, advertisedHost: 'kafka.example', advertisedPort: 19092, log: () => undefined});
    try {
      const client = await WireClient.connect(broker.port);
      const meta = await client.request(ApiKey.Metadata, 9, {topics: []});
      expect(meta.brokers[0]).toMatchObject({host: 'kafka.example', port: 19092});
      client.close();
    } finally {
      await broker.stop();
      rmSync(plain.dataDir, {recursive: true, force: true});
    }
  });
});
