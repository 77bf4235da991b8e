/**
 * End to end: a cluster-wide dynamic broker config (kafka-configs.sh --entity-type brokers
 * --entity-default) reaches an existing topic at once (message.max.bytes on the next Produce,
 * log.segment.bytes on the next append, log.retention.ms on the next retention pass) and is still
 * in force after a clean restart.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it, vi} from 'vitest';
import {startBroker} from '../../src/index.js';
import {ApiKey} from '../../src/protocol/api.js';
import {ErrorCode} from '../../src/protocol/error-codes.js';
import {encodeBatch} from '../../src/records/batch.js';
import {WireClient} from './helpers/wire-client.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'kstream-dynamic-e2e-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

const HOUR_AGO = Date.now() - 3_600_000;
const batch = (bytes: number, timestamp = HOUR_AGO) => encodeBatch({records: [{key: null, value: Buffer.alloc(bytes, 120), timestamp}]});

async function produce(wire: WireClient, records: Buffer): Promise<{errorCode: number}> {
  const res = await wire.request(ApiKey.Produce, 9, {transactionalId: null, acks: -1, timeoutMs: 5000,
    topicData: [{name: 'events', partitionData: [{index: 0, records}]}]});
  return res.responses[0].partitionResponses[0];
}

async function alterDefault(wire: WireClient, configs: {name: string; value: string}[]): Promise<void> {
  const res = await wire.request(ApiKey.IncrementalAlterConfigs, 1, {validateOnly: false,
    resources: [{resourceType: 4, resourceName: '', configs: configs.map((c) => ({...c, configOperation: 0}))}]});
  expect(res.responses[0]).toMatchObject({errorCode: ErrorCode.NONE});
}

describe('cluster-wide dynamic broker configs on an existing topic', () => {
  it('apply at once and after a restart', async () => {
    let broker = await startBroker({dataDir: dir, port: 0, log: () => undefined});
    let wire = await WireClient.connect(broker.port);
    try {
      await broker.topics.createTopic('events', {numPartitions: 1, replicationFactor: 1, configs: {}});
      expect(await produce(wire, await batch(2000))).toMatchObject({errorCode: ErrorCode.NONE});

      await alterDefault(wire, [{name: 'message.max.bytes', value: '1500'}]);
      expect(await produce(wire, await batch(2000))).toMatchObject({errorCode: ErrorCode.MESSAGE_TOO_LARGE});
      expect(await produce(wire, await batch(1000))).toMatchObject({errorCode: ErrorCode.NONE});

      // Small segments: each further batch rolls a new one.
      await alterDefault(wire, [{name: 'log.segment.bytes', value: '1024'}]);
      const log = broker.topics.getLog('events', 0)!;
      const before = log.segments.length;
      for (let i = 0; i < 3; i++) expect(await produce(wire, await batch(900))).toMatchObject({errorCode: ErrorCode.NONE});
      expect(log.segments.length).toBeGreaterThanOrEqual(before + 2);

      // Records an hour old are past a one-minute retention: the next pass deletes their closed segments.
      await alterDefault(wire, [{name: 'log.retention.ms', value: '60000'}]);
      await broker.logManager.runRetention();
      expect(log.segments.length).toBe(1);
      expect(log.logStartOffset).toBe(log.segments[0].baseOffset);
    } finally {
      wire.close();
      await broker.stop();
    }

    broker = await startBroker({dataDir: dir, port: 0, log: () => undefined});
    wire = await WireClient.connect(broker.port);
    try {
      expect(broker.topics.getLog('events', 0)!.config).toMatchObject({maxMessageBytes: 1500, segmentBytes: 1024, retentionMs: 60000});
      expect(await produce(wire, await batch(2000))).toMatchObject({errorCode: ErrorCode.MESSAGE_TOO_LARGE});
      expect(broker.brokerConfigs.configsOf('')).toEqual({'message.max.bytes': '1500', 'log.segment.bytes': '1024', 'log.retention.ms': '60000'});
    } finally {
      wire.close();
      await broker.stop();
    }
  });
});

describe('producer.id.expiration.ms set dynamically', () => {
  it('reaches the expiration job', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kstream-dynamic-pid-'));
    const broker = await startBroker({dataDir, port: 0, log: () => undefined, config: {'producer.id.expiration.check.interval.ms': '20'}});
    const wire = await WireClient.connect(broker.port);
    try {
      await broker.topics.createTopic('events', {numPartitions: 1, replicationFactor: 1, configs: {}});
      // An idempotent batch whose producer last wrote an hour ago: inside the one-day default.
      const records = await encodeBatch({records: [{key: null, value: 'v', timestamp: HOUR_AGO}], producerId: 4242n, producerEpoch: 0, baseSequence: 0});
      expect(await produce(wire, records)).toMatchObject({errorCode: ErrorCode.NONE});
      const state = broker.topics.getLog('events', 0)!.producers.state;
      expect(state.isEmpty).toBe(false);
      await alterDefault(wire, [{name: 'producer.id.expiration.ms', value: '60000'}]);
      // The job runs every 20 ms; there is no event to await, so poll for its effect.
      await vi.waitFor(() => expect(state.isEmpty).toBe(true), {timeout: 5000, interval: 20});
    } finally {
      wire.close();
      await broker.stop();
      rmSync(dataDir, {recursive: true, force: true});
    }
  });
});
