/**
 * Produce requests that arrive in one socket read are handled as one run (src/broker/read-run.ts):
 * their appends to a partition are written with one call, and answered after it. These tests
 * pipeline requests in one write and check what a client sees: every answer, in order, with the
 * offsets a broker appending them one by one would give (an idempotent batch, a compressed one
 * and an acks=0 request among them), and every record read back in that order.
 */
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import {ApiKey} from '../../src/protocol/api.js';
import {ErrorCode} from '../../src/protocol/error-codes.js';
import {CompressionType} from '../../src/records/batch-header.js';
import {decodeBatch, encodeBatch, iterateBatches} from '../../src/records/batch.js';
import {LogSegment} from '../../src/storage/segment.js';
import {startTestBroker, type TestBroker} from './helpers/broker.js';
import {WireClient} from './helpers/wire-client.js';

let tb: TestBroker;
let client: WireClient;

beforeAll(async () => {
  tb = await startTestBroker();
  for (const name of ['run-a', 'run-b']) await tb.broker.topics.createTopic(name, {numPartitions: 1, replicationFactor: -1, configs: {}});
  client = await WireClient.connect(tb.broker.port);
});
afterAll(async () => {
  client.close();
  await tb.cleanup();
});

function produce(topic: string, records: Buffer, acks = 1) {
  return {transactionalId: null, acks, timeoutMs: 5000, topicData: [{name: topic, partitionData: [{index: 0, records}]}]};
}

async function readAll(topic: string): Promise<string[]> {
  const res = await client.request(ApiKey.Fetch, 12, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 50 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{topic, partitions: [{partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 8 << 20}]}],
    forgottenTopicsData: [], rackId: '',
  });
  const records: Buffer = res.responses[0].partitions[0].records;
  const out: string[] = [];
  for (const {position} of iterateBatches(records)) {
    const batch = await decodeBatch(records, position, {verifyCrc: true});
    for (const r of batch.records) out.push(r.value!.toString());
  }
  return out;
}

/** Write what `send` sends as one write on the socket, so that the broker reads it together. */
function inOneWrite<T>(send: () => T): T {
  const socket = (client as unknown as {socket: import('node:net').Socket}).socket;
  socket.cork();
  try {
    return send();
  } finally {
    socket.uncork();
  }
}

describe('Produce requests read together', () => {
  it('appends them in order with one write per partition, and answers each with its own offsets', async () => {
    const writeMany = vi.spyOn(LogSegment.prototype, 'writeAppendsNow');
    const {producerId, producerEpoch} = await client.request(ApiKey.InitProducerId, 4, {transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1});
    const plain = (tag: string) => encodeBatch({records: [0, 1, 2].map((i) => ({value: `${tag}-${i}`}))});
    const kinds: Array<{topic: string; records: Buffer; acks?: number; values: string[]}> = [];
    for (let i = 0; i < 30; i++) {
      const tag = `r${i}`;
      if (i === 10) kinds.push({topic: 'run-a', records: await plain(tag), acks: 0, values: [0, 1, 2].map((k) => `${tag}-${k}`)});
      else if (i === 15) kinds.push({topic: 'run-b', records: await plain(tag), values: [0, 1, 2].map((k) => `${tag}-${k}`)});
      else if (i === 20) {
        kinds.push({topic: 'run-a', values: [`${tag}-idempotent`], records: await encodeBatch({records: [{value: `${tag}-idempotent`}],
          producerId, producerEpoch, baseSequence: 0})});
      } else if (i === 25) {
        kinds.push({topic: 'run-a', values: [`${tag}-zstd`], records: await encodeBatch({records: [{value: `${tag}-zstd`}], compression: CompressionType.Zstd})});
      } else kinds.push({topic: 'run-a', records: await plain(tag), values: [0, 1, 2].map((k) => `${tag}-${k}`)});
    }
    const answers = inOneWrite(() => kinds.map((k) => {
      if (k.acks === 0) {
        client.send(ApiKey.Produce, 9, produce(k.topic, k.records, 0));
        return undefined;
      }
      return client.request(ApiKey.Produce, 9, produce(k.topic, k.records));
    }));
    const results = await Promise.all(answers);
    // The offsets a broker appending one request after another gives.
    const next = new Map<string, bigint>();
    results.forEach((res, i) => {
      const k = kinds[i]!;
      const base = next.get(k.topic) ?? 0n;
      next.set(k.topic, base + BigInt(k.values.length));
      if (res === undefined) return;
      const p = res.responses[0].partitionResponses[0];
      expect({i, error: p.errorCode, base: p.baseOffset}).toEqual({i, error: ErrorCode.NONE, base});
    });
    expect(await readAll('run-a')).toEqual(kinds.filter((k) => k.topic === 'run-a').flatMap((k) => k.values));
    expect(await readAll('run-b')).toEqual(kinds.filter((k) => k.topic === 'run-b').flatMap((k) => k.values));
    // Made together: the requests before the idempotent batch stacked into one write (the ones after it wait for it).
    expect(writeMany).toHaveBeenCalled();
    expect(Math.max(...writeMany.mock.calls.map(([parts]) => parts.length))).toBeGreaterThan(1);
    writeMany.mockRestore();
  });
});
