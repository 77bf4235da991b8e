/**
 * Fetch v0-v3 down-convert the stored v2 batches to legacy message sets as Kafka 3.x does: magic 0
 * for v0-v1, magic 1 for v2-v3, v4+ unchanged; zstd is UNSUPPORTED_COMPRESSION_TYPE below v10
 * (a zstd batch, or a topic with compression.type=zstd).
 */
import {randomBytes} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ApiKey} from '../../../src/protocol/api.js';
import {ErrorCode} from '../../../src/protocol/error-codes.js';
import {CompressionType} from '../../../src/records/batch-header.js';
import {encodeBatch, iterateBatches} from '../../../src/records/batch.js';
import {decodeLegacyEntry} from '../../../src/records/legacy.js';
import {readBuffers} from '../../../src/storage/read-buffers.js';
import {startTestBroker, TestBroker} from '../helpers/broker.js';
import {WireClient} from '../helpers/wire-client.js';

const CODECS = [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4];
/** Recent: an old first timestamp would roll segments, and Fetch reads one segment at a time. */
const TS = Date.now() - 60_000;

let tb: TestBroker;
let client: WireClient;
beforeAll(async () => {
  tb = await startTestBroker();
  // The pools primed at start are taken and given back in the background: counted after.
  await tb.broker.primed;
  const topics: Record<string, Record<string, string>> = {
    down: {},
    zbatch: {},
    ztopic: {'compression.type': 'zstd'},
    appendtime: {'message.timestamp.type': 'LogAppendTime'},
    big: {},
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

async function produce(topic: string, records: Buffer): Promise<bigint> {
  const res = await client.request(ApiKey.Produce, 7, {transactionalId: null, acks: -1, timeoutMs: 5000,
    topicData: [{name: topic, partitionData: [{index: 0, records}]}]});
  const part = res.responses[0].partitionResponses[0];
  expect(part.errorCode).toBe(ErrorCode.NONE);
  return part.baseOffset;
}

async function fetch(version: number, topic: string, fetchOffset: bigint, partitionMaxBytes = 1 << 20) {
  const res = await client.request(ApiKey.Fetch, version, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{topic, topicId: tb.broker.topics.get(topic)!.topicId, partitions: [{partition: 0, currentLeaderEpoch: -1, fetchOffset,
      logStartOffset: -1, partitionMaxBytes}]}],
    forgottenTopicsData: [], rackId: '',
  });
  return res.responses[0].partitions[0];
}

async function legacyEntries(records: Buffer) {
  const out = [];
  for (const entry of iterateBatches(records)) {
    expect(entry.header.magic).toBeLessThan(2);
    out.push(await decodeLegacyEntry(records, entry.position));
  }
  return out;
}

describe('Fetch v0-v3 down-conversion', () => {
  it('returns magic 0 (v0-v1) and magic 1 (v2-v3) message sets with offsets, keys, values and timestamps', async () => {
    const starts: {codec: CompressionType; base: bigint}[] = [];
    for (const codec of CODECS) {
      const batch = await encodeBatch({compression: codec, records: [
        {key: `k${codec}`, value: `a${codec}`, timestamp: TS, headers: [{key: 'h', value: 'dropped'}]},
        {key: null, value: `b${codec}`, timestamp: TS + 7},
        {key: `c${codec}`, value: null, timestamp: TS + 3},
      ]});
      starts.push({codec, base: await produce('down', batch)});
    }
    for (const version of [0, 1, 2, 3]) {
      const magic = version <= 1 ? 0 : 1;
      for (const {codec, base} of starts) {
        const part = await fetch(version, 'down', base);
        expect(part.errorCode, `v${version} codec ${codec}`).toBe(ErrorCode.NONE);
        expect(part.highWatermark).toBe(12n);
        const entries = await legacyEntries(part.records);
        // From `base` on: this codec's batch and the later ones, each a wrapper when compressed.
        const mine = entries.filter((e) => e.records[0]!.offset >= base && e.records[0]!.offset < base + 3n);
        expect(mine).toHaveLength(codec === CompressionType.None ? 3 : 1);
        for (const e of mine) expect(e.message).toMatchObject({magic, compression: codec, crcValid: true});
        const recs = mine.flatMap((e) => e.records);
        expect(recs.map((r) => r.offset)).toEqual([base, base + 1n, base + 2n]);
        expect(recs.map((r) => r.key?.toString() ?? null)).toEqual([`k${codec}`, null, `c${codec}`]);
        expect(recs.map((r) => r.value?.toString() ?? null)).toEqual([`a${codec}`, `b${codec}`, null]);
        expect(recs.map((r) => r.timestamp)).toEqual(magic === 1 ? [TS, TS + 7, TS + 3].map(BigInt) : [-1n, -1n, -1n]);
      }
      // Conversion grows the set, and it is cut at the source's size: a consumer that fetches again
      // from the next offset gets every record once.
      const seen: bigint[] = [];
      for (let next = 0n; next < 12n;) {
        const offsets = (await legacyEntries((await fetch(version, 'down', next)).records)).flatMap((e) => e.records)
          .map((r) => r.offset).filter((o) => o >= next);
        expect(offsets.length).toBeGreaterThan(0);
        seen.push(...offsets);
        next = offsets[offsets.length - 1]! + 1n;
      }
      expect(seen).toEqual(Array.from({length: 12}, (_, i) => BigInt(i)));
    }
    // v4+ are untouched: v2 batches.
    const v4 = await fetch(4, 'down', 0n);
    expect([...iterateBatches(v4.records)].map((e) => e.header.magic)).toEqual([2, 2, 2, 2]);
  });

  it('starts an uncompressed batch at the fetch offset', async () => {
    const base = await produce('down', await encodeBatch({records: [{value: 'x0'}, {value: 'x1'}, {value: 'x2'}]}));
    const entries = await legacyEntries((await fetch(2, 'down', base + 1n)).records);
    expect(entries.map((e) => e.message.offset)).toEqual([base + 1n, base + 2n]);
  });

  it('gives magic 1 messages the LogAppendTime the broker set', async () => {
    const base = await produce('appendtime', await encodeBatch({records: [{value: 'a', timestamp: 1}, {value: 'b', timestamp: 2}]}));
    const stored = tb.broker.topics.getLog('appendtime', 0)!;
    expect(stored.logEndOffset).toBe(base + 2n);
    const entries = await legacyEntries((await fetch(3, 'appendtime', base)).records);
    for (const e of entries) expect(e.message.timestampType).toBe('append');
    const times = entries.map((e) => e.message.timestamp);
    expect(times[0]).toBeGreaterThan(1000n);
    expect(new Set(times).size).toBe(1);
  });

  it('answers UNSUPPORTED_COMPRESSION_TYPE for a zstd batch on v0-v3 and a zstd topic on v0-v9', async () => {
    await produce('zbatch', await encodeBatch({compression: CompressionType.Zstd, records: [{value: 'z'}]}));
    for (const version of [0, 1, 2, 3]) {
      expect(await fetch(version, 'zbatch', 0n)).toMatchObject({errorCode: ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, highWatermark: -1n});
    }
    expect((await fetch(4, 'zbatch', 0n)).errorCode).toBe(ErrorCode.NONE);
    await produce('ztopic', await encodeBatch({records: [{value: 'z'}]}));
    for (const version of [0, 3, 4, 9]) {
      expect((await fetch(version, 'ztopic', 0n)).errorCode, `v${version}`).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
    }
    const v10 = await fetch(10, 'ztopic', 0n);
    expect(v10.errorCode).toBe(ErrorCode.NONE);
    expect([...iterateBatches(v10.records)]).toHaveLength(1);
  });

  it('gives a pooled read buffer back once it is converted', async () => {
    // Over MIN_POOLED_BYTES, so the segment read takes a pooled buffer.
    const value = randomBytes(100 * 1024);
    await produce('big', await encodeBatch({compression: CompressionType.Gzip, records: [{value}]}));
    await fetch(1, 'big', 0n);
    const reused = readBuffers.stats.reused;
    const part = await fetch(1, 'big', 0n);
    expect(readBuffers.stats.reused).toBeGreaterThan(reused);
    const [entry] = await legacyEntries(part.records);
    expect(entry!.records[0]!.value!.equals(value)).toBe(true);
  });
});
