/**
 * An idempotent producer retrying its last batch after the broker was SIGKILLed (a child
 * `kstream broker start`) or stopped cleanly is still de-duplicated: the restarted broker answers
 * the retry with the original base offset and keeps one copy, and a new producer id is not one
 * handed out before the crash.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {startBroker} from '../../src/index.js';
import {ApiKey} from '../../src/protocol/api.js';
import {encodeBatch} from '../../src/records/batch.js';
import {WireClient} from '../broker/helpers/wire-client.js';
import {startBrokerChild} from './broker-process.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'kstream-idempotent-kill-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

const batch = (producerId: bigint, baseSequence: number, values: string[]) =>
  encodeBatch({records: values.map((value) => ({key: null, value})), producerId, producerEpoch: 0, baseSequence});

async function produce(wire: WireClient, records: Buffer) {
  const res = await wire.request(ApiKey.Produce, 9, {transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{name: 't', partitionData: [{index: 0, records}]}]});
  return res.responses[0].partitionResponses[0];
}

describe('idempotent producer across broker restarts', () => {
  it('de-duplicates a retry after kill -9 and after a clean stop', async () => {
    const crashing = await startBrokerChild(dir);
    let producerId: bigint;
    try {
      const wire = await WireClient.connect(crashing.port);
      await wire.request(ApiKey.CreateTopics, 4, {topics: [{name: 't', numPartitions: 1, replicationFactor: 1, assignments: [], configs: []}], timeoutMs: 5000, validateOnly: false});
      const init = await wire.request(ApiKey.InitProducerId, 4, {transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1});
      expect(init.errorCode).toBe(0);
      producerId = init.producerId;
      for (let i = 0; i < 4; i++) expect(await produce(wire, await batch(producerId, i * 3, ['a', 'b', 'c']))).toMatchObject({errorCode: 0, baseOffset: BigInt(i * 3)});
      wire.close();
    } finally {
      await crashing.kill();
    }

    let broker = await startBroker({dataDir: dir, port: 0, log: () => undefined});
    let wire = await WireClient.connect(broker.port);
    try {
      // The last batch, retried after the crash: the same answer, nothing appended.
      expect(await produce(wire, await batch(producerId!, 9, ['a', 'b', 'c']))).toMatchObject({errorCode: 0, baseOffset: 9n});
      expect(broker.topics.getLog('t', 0)!.logEndOffset).toBe(12n);
      expect(await produce(wire, await batch(producerId!, 12, ['d']))).toMatchObject({errorCode: 0, baseOffset: 12n});
      const again = await wire.request(ApiKey.InitProducerId, 4, {transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1});
      expect(again.producerId).toBeGreaterThan(producerId!);
    } finally {
      wire.close();
      await broker.stop();
    }

    broker = await startBroker({dataDir: dir, port: 0, log: () => undefined});
    wire = await WireClient.connect(broker.port);
    try {
      expect(await produce(wire, await batch(producerId!, 12, ['d']))).toMatchObject({errorCode: 0, baseOffset: 12n});
      expect(broker.topics.getLog('t', 0)!.logEndOffset).toBe(13n);
    } finally {
      wire.close();
      await broker.stop();
    }
  });
});
