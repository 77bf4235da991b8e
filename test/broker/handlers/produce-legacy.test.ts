/**
 * Produce v0-v2 with legacy message sets (magic 0 and 1), as old clients send them: accepted and
 * stored as one v2 batch per request, as Kafka 3.x does, and read back by Fetch v4+; refused on v3+;
 * Kafka's error codes for corrupt or invalid legacy messages, with nothing appended.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ApiKey} from '../../../src/protocol/api.js';
import {ErrorCode} from '../../../src/protocol/error-codes.js';
import {ATTR_TIMESTAMP_TYPE, CompressionType} from '../../../src/records/batch-header.js';
import {decodeBatch, encodeBatch, iterateBatches} from '../../../src/records/batch.js';
import {type LegacyInput, legacySet, legacyWrapper, withBadCrc} from '../../records/helpers/legacy-messages.js';
import {startTestBroker, TestBroker} from '../helpers/broker.js';
import {WireClient} from '../helpers/wire-client.js';

const CODECS = [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4];
/** Recent: a first timestamp older than segment.ms would roll the segment, and Fetch reads one segment at a time. */
const TS = Date.now() - 60_000;

let tb: TestBroker;
let client: WireClient;
beforeAll(async () => {
  tb = await startTestBroker();
  const topics: Record<string, Record<string, string>> = {
    legacy: {},
    compacted: {'cleanup.policy': 'compact'},
    'gzip-topic': {'compression.type': 'gzip'},
    appendtime: {'message.timestamp.type': 'LogAppendTime'},
    ordered: {},
  };
  for (const [name, configs] of Object.entries(topics)) {
    await tb.broker.topics.createTopic(name, {numPartitions: 1, replicationFactor: 1, configs});
  }
  client = await WireClient.connect(tb.broker.port);
});
afterAll(async () => {
  client.close();
  await tb.cleanup();
});

function produce(version: number, topic: string, records: Buffer) {
  return client.request(ApiKey.Produce, version, {transactionalId: null, acks: -1, timeoutMs: 5000,
    topicData: [{name: topic, partitionData: [{index: 0, records}]}]}).then((res) => res.responses[0].partitionResponses[0]);
}

/** Fetch (v4 and v11) from `offset`: the batches' headers and records. */
async function fetchFrom(topic: string, offset: bigint, version = 4) {
  const res = await client.request(ApiKey.Fetch, version, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{topic, partitions: [{partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1, partitionMaxBytes: 1 << 20}]}],
    forgottenTopicsData: [], rackId: '',
  });
  const part = res.responses[0].partitions[0];
  expect(part.errorCode).toBe(ErrorCode.NONE);
  const batches = [];
  for (const entry of iterateBatches(part.records)) batches.push(await decodeBatch(part.records, entry.position));
  return batches;
}

function logEnd(topic: string): bigint {
  return tb.broker.topics.getLog(topic, 0)!.logEndOffset;
}

const messages = (tag: string): LegacyInput[] => [
  {key: `${tag}-k0`, value: `${tag}-v0`, timestamp: TS},
  {key: null, value: `${tag}-v1`, timestamp: TS + 5},
  {key: `${tag}-k2`, value: null, timestamp: TS + 2},
];

async function legacyRecords(magic: 0 | 1, codec: CompressionType, inputs: LegacyInput[]): Promise<Buffer> {
  const set = legacySet(magic, inputs);
  return codec === CompressionType.None ? set : legacyWrapper(magic, codec, set);
}

describe('Produce v0-v2 with legacy message sets', () => {
  it('stores magic 0 and 1, plain and compressed, as one v2 batch each that Fetch v4+ returns', async () => {
    let expected = 0n;
    for (const version of [0, 1, 2]) {
      for (const magic of [0, 1] as const) {
        for (const codec of CODECS) {
          const tag = `p${version}-m${magic}-c${codec}`;
          const r = await produce(version, 'legacy', await legacyRecords(magic, codec, messages(tag)));
          expect(r.errorCode, tag).toBe(ErrorCode.NONE);
          expect(r.baseOffset, tag).toBe(expected);
          if (version === 2) expect(r.logAppendTimeMs).toBe(-1n);
          for (const fetchVersion of [4, 11]) {
            const batches = await fetchFrom('legacy', expected, fetchVersion);
            expect(batches.map((b) => b.header.magic)).toEqual([2]);
            const [{header, records}] = batches as [(typeof batches)[0]];
            expect(header).toMatchObject({baseOffset: expected, recordCount: 3, producerId: -1n, attributes: codec});
            expect(records.map((rec) => [rec.offset, rec.key?.toString() ?? null, rec.value?.toString() ?? null, rec.timestamp])).toEqual(
              messages(tag).map((m, i) => [expected + BigInt(i), m.key, m.value, magic === 0 ? -1n : BigInt(m.timestamp!)]));
          }
          expected += 3n;
        }
      }
    }
    expect(logEnd('legacy')).toBe(expected);
  });

  it('refuses magic 0/1 on Produce v3+ with INVALID_RECORD, and takes magic 2 on v0-v2', async () => {
    const before = logEnd('legacy');
    for (const version of [3, 7, 9]) {
      const r = await produce(version, 'legacy', legacySet(1, messages('v3')));
      expect(r.errorCode).toBe(ErrorCode.INVALID_RECORD);
      if (version >= 8) expect(r.errorMessage).toMatch(/only contain record batches with magic 2/);
    }
    expect(logEnd('legacy')).toBe(before);
    for (const version of [0, 1, 2]) {
      expect((await produce(version, 'legacy', await encodeBatch({records: [{value: `v2-in-v${version}`}]}))).errorCode).toBe(ErrorCode.NONE);
    }
    expect(logEnd('legacy')).toBe(before + 3n);
  });

  it('answers CORRUPT_MESSAGE for a corrupt legacy message, INVALID_RECORD for mixed magic and nested wrappers, appending nothing', async () => {
    const before = logEnd('legacy');
    const plain = legacySet(0, messages('bad'));
    expect((await produce(2, 'legacy', withBadCrc(plain))).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect((await produce(1, 'legacy', plain.subarray(0, plain.length - 2))).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    const innerBad = await legacyWrapper(1, CompressionType.Gzip, withBadCrc(legacySet(1, messages('bad'))));
    expect((await produce(2, 'legacy', innerBad)).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    const mixed = Buffer.concat([legacySet(0, messages('m0')), legacySet(1, messages('m1'))]);
    expect((await produce(2, 'legacy', mixed)).errorCode).toBe(ErrorCode.INVALID_RECORD);
    const nested = await legacyWrapper(1, CompressionType.Snappy, await legacyWrapper(1, CompressionType.Gzip, legacySet(1, messages('n'))));
    expect((await produce(0, 'legacy', nested)).errorCode).toBe(ErrorCode.INVALID_RECORD);
    expect(logEnd('legacy')).toBe(before);
  });

  it('checks keys on compacted topics', async () => {
    expect((await produce(2, 'compacted', legacySet(1, messages('c')))).errorCode).toBe(ErrorCode.INVALID_RECORD);
    expect(logEnd('compacted')).toBe(0n);
    const keyed = messages('c').map((m, i) => ({...m, key: `key-${i}`}));
    expect((await produce(2, 'compacted', await legacyRecords(0, CompressionType.Gzip, keyed))).errorCode).toBe(ErrorCode.NONE);
    expect(logEnd('compacted')).toBe(3n);
  });

  it('compresses with the topic\'s compression.type and stamps LogAppendTime where the topic asks', async () => {
    expect((await produce(2, 'gzip-topic', legacySet(0, messages('g')))).errorCode).toBe(ErrorCode.NONE);
    const [gz] = await fetchFrom('gzip-topic', 0n);
    expect(gz!.header.attributes).toBe(CompressionType.Gzip);
    expect(gz!.records.map((r) => r.value?.toString() ?? null)).toEqual(['g-v0', 'g-v1', null]);

    const before = Date.now();
    const r = await produce(2, 'appendtime', await legacyRecords(1, CompressionType.Lz4, messages('a')));
    expect(r.errorCode).toBe(ErrorCode.NONE);
    expect(Number(r.logAppendTimeMs)).toBeGreaterThanOrEqual(before);
    const [batch] = await fetchFrom('appendtime', 0n);
    expect(batch!.header.attributes & ATTR_TIMESTAMP_TYPE).toBe(ATTR_TIMESTAMP_TYPE);
    expect(batch!.records.map((rec) => rec.timestamp)).toEqual([r.logAppendTimeMs, r.logAppendTimeMs, r.logAppendTimeMs]);
  });

  it('appends pipelined produces in the order they came, legacy conversion or not', async () => {
    const results = await Promise.all([
      produce(2, 'ordered', await legacyRecords(1, CompressionType.Gzip, messages('first'))),
      produce(3, 'ordered', await encodeBatch({records: [{value: 'second'}]})),
      produce(0, 'ordered', legacySet(0, [{value: 'third'}])),
    ]);
    expect(results.map((r) => [r.errorCode, r.baseOffset])).toEqual([[0, 0n], [0, 3n], [0, 4n]]);
    const values = (await fetchFrom('ordered', 0n)).flatMap((b) => b.records.map((r) => r.value?.toString() ?? null));
    expect(values).toEqual(['first-v0', 'first-v1', null, 'second', 'third']);
  });
});
