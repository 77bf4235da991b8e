/**
 * Produce frames of 64 KiB and more arrive in several socket reads and are assembled in reused
 * buffers (src/broker/framing.ts), given back once the Produce has been handled. A buffer given
 * back while its batch is still being checked, decompressed or written would be overwritten by
 * the next pipelined request: these tests pipeline many large Produce requests (uncompressed,
 * zstd-compressed, acks=0) on one connection, then read every record back.
 */
import {randomBytes} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {frameBuffers} from '../../src/broker/framing.js';
import {ApiKey} from '../../src/protocol/api.js';
import {ErrorCode} from '../../src/protocol/error-codes.js';
import {CompressionType} from '../../src/records/batch-header.js';
import {decodeBatch, encodeBatch, iterateBatches} from '../../src/records/batch.js';
import {startTestBroker, TestBroker} from './helpers/broker.js';
import {WireClient} from './helpers/wire-client.js';

const REQUESTS = 40;  // of each kind
const RECORDS_PER_BATCH = 40;

let tb: TestBroker;
let client: WireClient;

beforeAll(async () => {
  tb = await startTestBroker();
  // The frame buffers primed at start are taken and given back in the background: counted after.
  await tb.broker.primed;
  for (const name of ['plain', 'zstd']) await tb.broker.topics.createTopic(name, {numPartitions: 1, replicationFactor: -1, configs: {}});
  client = await WireClient.connect(tb.broker.port);
});
afterAll(async () => {
  client.close();
  await tb.cleanup();
});

/** Values that do not compress, so that a compressed request is still spread over several reads. */
function values(): string[] {
  return Array.from({length: RECORDS_PER_BATCH}, () => randomBytes(3000).toString('base64'));
}

function produce(topic: string, records: Buffer, acks: number) {
  return {transactionalId: null, acks, timeoutMs: 5000, topicData: [{name: topic, partitionData: [{index: 0, records}]}]};
}

async function readAll(topic: string): Promise<string[]> {
  const out: string[] = [];
  for (let offset = 0n; ;) {
    const res = await client.request(ApiKey.Fetch, 12, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 50 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{topic, partitions: [{partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 8 << 20}]}],
      forgottenTopicsData: [], rackId: '',
    });
    const records: Buffer = res.responses[0].partitions[0].records;
    if (!records || records.length === 0) return out;
    for (const {position} of iterateBatches(records)) {
      const batch = await decodeBatch(records, position, {verifyCrc: true});
      for (const r of batch.records) out.push(r.value!.toString());
      offset = batch.header.baseOffset + BigInt(batch.header.lastOffsetDelta) + 1n;
    }
  }
}

describe('Produce frames in reused buffers', () => {
  it('stores every pipelined record intact while the frame buffers are reused', async () => {
    const sent = {plain: [] as string[], zstd: [] as string[]};
    const requests: Buffer[][] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const plain = values();
      const zstd = values();
      sent.plain.push(...plain);
      sent.zstd.push(...zstd);
      requests.push([
        await encodeBatch({records: plain.map((value) => ({value}))}),
        await encodeBatch({records: zstd.map((value) => ({value})), compression: CompressionType.Zstd}),
      ]);
    }
    const before = {...frameBuffers.stats};
    // In waves of 8 pipelined requests, so that later waves reuse the buffers of earlier ones.
    for (let wave = 0; wave < REQUESTS; wave += 4) {
      const answers: Promise<any>[] = [];
      for (const [i, [plain, zstd]] of requests.slice(wave, wave + 4).entries()) {
        // One with acks=0 per wave: handled (and its frame given back) without an answer, maybe
        // while the next wave arrives.
        if (i === 3) client.send(ApiKey.Produce, 9, produce('plain', plain!, 0));
        else answers.push(client.request(ApiKey.Produce, 9, produce('plain', plain!, 1)));
        answers.push(client.request(ApiKey.Produce, 9, produce('zstd', zstd!, 1)));
      }
      for (const res of await Promise.all(answers)) expect(res.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.NONE);
    }
    const reused = frameBuffers.stats.reused - before.reused;
    const taken = reused + frameBuffers.stats.allocated - before.allocated;
    // Every request was assembled from several reads, and most buffers were reused ones.
    expect(taken).toBe(2 * REQUESTS);
    expect(reused).toBeGreaterThan(REQUESTS);
    expect(await readAll('plain')).toEqual(sent.plain);
    expect(await readAll('zstd')).toEqual(sent.zstd);
  });
});
