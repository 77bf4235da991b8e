/** InitProducerId and idempotent Produce on the wire, through the project's codec. */
import {readFileSync} from 'node:fs';
import * as path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ApiKey} from '../../../src/protocol/api.js';
import {ErrorCode} from '../../../src/protocol/error-codes.js';
import {encodeBatch, iterateBatches} from '../../../src/records/batch.js';
import {startTestBroker, type TestBroker} from '../helpers/broker.js';
import {WireClient} from '../helpers/wire-client.js';

let tb: TestBroker;
let wire: WireClient;
beforeAll(async () => {
  tb = await startTestBroker();
  await tb.broker.topics.createTopic('idem', {numPartitions: 2, replicationFactor: -1, configs: {}});
  wire = await WireClient.connect(tb.broker.port);
});
afterAll(async () => {
  wire?.close();
  await tb?.cleanup();
});

const init = (version: number, body: object = {}) =>
  wire.request(ApiKey.InitProducerId, version, {transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1, ...body});

function batch(producerId: bigint, epoch: number, baseSequence: number, values: string[]): Promise<Buffer> {
  return encodeBatch({records: values.map((v) => ({key: null, value: v})), producerId, producerEpoch: epoch, baseSequence});
}

async function produce(records: Buffer, partition = 0) {
  const res = await wire.request(ApiKey.Produce, 9, {transactionalId: null, acks: -1, timeoutMs: 5000,
    topicData: [{name: 'idem', partitionData: [{index: partition, records}]}]});
  return res.responses[0].partitionResponses[0];
}

describe('InitProducerId', () => {
  it('is advertised v0-v5 and hands out new ids with epoch 0 in every version', async () => {
    const versions = await wire.request(ApiKey.ApiVersions, 3, {clientSoftwareName: 't', clientSoftwareVersion: '1'});
    expect(versions.apiKeys.find((k: {apiKey: number}) => k.apiKey === ApiKey.InitProducerId)).toMatchObject({minVersion: 0, maxVersion: 5});
    const ids: bigint[] = [];
    for (let v = 0; v <= 5; v++) {
      const r = await init(v);
      expect(r).toMatchObject({errorCode: 0, producerEpoch: 0});
      ids.push(r.producerId);
    }
    // v3+: an existing id and epoch (a producer re-initialising) still get a new id, as Kafka does without a transactional id.
    ids.push((await init(4, {producerId: ids[0], producerEpoch: 0})).producerId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id >= 0n)).toBe(true);
  });

  it('refuses a transactional id at once and a half-given producer id and epoch', async () => {
    expect(await init(4, {transactionalId: 'tx'})).toEqual({throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, producerId: -1n, producerEpoch: -1});
    expect(await init(0, {transactionalId: 'tx'})).toMatchObject({errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED});
    expect(await init(3, {producerId: 5n, producerEpoch: -1})).toMatchObject({errorCode: ErrorCode.INVALID_REQUEST, producerId: -1n});
  });

  it('never hands out an id twice, also after a restart (the block is recorded in the data dir)', async () => {
    const before = (await init(5)).producerId;
    const block = JSON.parse(readFileSync(path.join(tb.dataDir, 'producer-id-block'), 'utf8'));
    expect(BigInt(block.block_start)).toBeLessThanOrEqual(before);
    expect(BigInt(block.block_end)).toBeGreaterThanOrEqual(before);
    wire.close();
    await tb.restart();
    wire = await WireClient.connect(tb.broker.port);
    const after = (await init(5)).producerId;
    expect(after).toBeGreaterThan(BigInt(block.block_end));
  });
});

describe('idempotent Produce', () => {
  it('answers the same batch sent twice with the same base offset and keeps one copy', async () => {
    const {producerId} = await init(4);
    const first = await produce(await batch(producerId, 0, 0, ['a', 'b']));
    expect(first).toMatchObject({errorCode: 0, baseOffset: 0n});
    const again = await produce(await batch(producerId, 0, 0, ['a', 'b']));
    expect(again).toMatchObject({errorCode: 0, baseOffset: 0n});
    expect((await produce(await batch(producerId, 0, 2, ['c']))).baseOffset).toBe(2n);
    const log = tb.broker.topics.getLog('idem', 0)!;
    expect(log.logEndOffset).toBe(3n);
    const data = await log.read(0n, 1 << 20);
    expect([...iterateBatches(data)].map((b) => [b.header.baseOffset, b.header.baseSequence])).toEqual([[0n, 0], [2n, 2]]);
  });

  it('refuses a gap in sequence with OUT_OF_ORDER_SEQUENCE_NUMBER and an old epoch with INVALID_PRODUCER_EPOCH', async () => {
    const {producerId} = await init(4);
    expect((await produce(await batch(producerId, 1, 0, ['x']), 1)).errorCode).toBe(0);
    const gap = await produce(await batch(producerId, 1, 5, ['y']), 1);
    expect(gap).toMatchObject({errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, baseOffset: -1n});
    expect(gap.errorMessage).toMatch(/Out of order sequence number/);
    expect((await produce(await batch(producerId, 0, 1, ['z']), 1)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(tb.broker.topics.getLog('idem', 1)!.logEndOffset).toBe(1n);
  });
});
