/**
 * Produce's record-level validation on the wire, as Kafka's LogValidator answers: keys on
 * compacted topics, timestamp bounds, compressed batches decompressed and walked; nothing appended
 * on failure; v8+ record errors (KIP-467); and batches appended in the order they came even when
 * one is checked asynchronously.
 */
import {CompressionTypes, Kafka, logLevel} from 'kafkajs';
import {randomBytes} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import {ApiKey} from '../../../src/protocol/api.js';
import {ErrorCode} from '../../../src/protocol/error-codes.js';
import {BATCH_HEADER_SIZE, CompressionType, computeBatchCrc} from '../../../src/records/batch-header.js';
import {decodeBatch, encodeBatch, iterateBatches} from '../../../src/records/batch.js';
import {compress} from '../../../src/records/compression.js';
import {zstdThread} from '../../../src/records/zstd-thread.js';
import {registerKafkajsCodecs} from '../../interop/helpers.js';
import {startTestBroker, TestBroker} from '../helpers/broker.js';
import {WireClient} from '../helpers/wire-client.js';

const HOUR = 3_600_000;
const CODECS = [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd];

let tb: TestBroker;
let client: WireClient;
beforeAll(async () => {
  tb = await startTestBroker();
  const topics: Record<string, Record<string, string>> = {
    compacted: {'cleanup.policy': 'compact'},
    both: {'cleanup.policy': 'compact,delete'},
    bounded: {'message.timestamp.before.max.ms': String(HOUR), 'message.timestamp.after.max.ms': String(HOUR)},
    difference: {'message.timestamp.difference.max.ms': String(HOUR)},
    appendtime: {'message.timestamp.type': 'LogAppendTime', 'message.timestamp.before.max.ms': String(HOUR)},
    plain: {},
    ordered: {},
    large: {},
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

async function produce(version: number, topic: string, records: Buffer) {
  const res = await client.request(ApiKey.Produce, version,
    {transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{name: topic, partitionData: [{index: 0, records}]}]});
  return res.responses[0].partitionResponses[0];
}

/** Every record value of the topic's partition 0, from offset 0, through Fetch. */
async function valuesOf(topic: string): Promise<string[]> {
  const fetched = await client.request(ApiKey.Fetch, 4, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 24, isolationLevel: 0,
    topics: [{topic, partitions: [{partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 24}]}],
  });
  const records: Buffer = fetched.responses[0].partitions[0].records;
  const values: string[] = [];
  for (const entry of iterateBatches(records)) {
    for (const r of (await decodeBatch(records, entry.position)).records) values.push(r.value!.toString());
  }
  return values;
}

function logEnd(topic: string): bigint {
  return tb.broker.topics.getLog(topic, 0)!.logEndOffset;
}

describe('Produce to a compacted topic', () => {
  it('refuses records without a key (every codec) with INVALID_RECORD and v8+ record errors, appending nothing', async () => {
    for (const compression of CODECS) {
      const keyless = await encodeBatch({records: [{key: 'a', value: 'x'}, {value: 'no key'}], compression});
      for (const topic of ['compacted', 'both']) {
        const r = await produce(9, topic, keyless);
        expect(r.errorCode, `${topic} ${compression}`).toBe(ErrorCode.INVALID_RECORD);
        const message = `Compacted topic cannot accept message without key in topic partition ${topic}-0`;
        expect(r.recordErrors).toEqual([{batchIndex: 1, batchIndexErrorMessage: message}]);
        expect(r.errorMessage).toContain(`RecordError(batchIndex=1, message='${message}')`);
        expect(logEnd(topic)).toBe(0n);
      }
      // Before v8 the response has no record errors, only the code.
      expect((await produce(7, 'compacted', keyless)).errorCode).toBe(ErrorCode.INVALID_RECORD);
    }
    expect(logEnd('compacted')).toBe(0n);
  });

  it('accepts keyed records, compressed or not', async () => {
    for (const compression of CODECS) {
      const r = await produce(9, 'compacted', await encodeBatch({records: [{key: 'a', value: 'x'}, {key: 'b', value: null}], compression}));
      expect(r.errorCode).toBe(ErrorCode.NONE);
    }
    expect(logEnd('compacted')).toBe(10n);
  });

  it('follows a config change: a topic altered to compact refuses keyless records at once', async () => {
    await tb.broker.topics.createTopic('altered', {numPartitions: 1, replicationFactor: 1, configs: {}});
    const keyless = await encodeBatch({records: [{value: 'x'}]});
    expect((await produce(9, 'altered', keyless)).errorCode).toBe(ErrorCode.NONE);
    await tb.broker.topics.setTopicConfigs('altered', {'cleanup.policy': 'compact'});
    expect((await produce(9, 'altered', keyless)).errorCode).toBe(ErrorCode.INVALID_RECORD);
    await tb.broker.topics.setTopicConfigs('altered', {});
    expect((await produce(9, 'altered', keyless)).errorCode).toBe(ErrorCode.NONE);
  });

  it('kafkajs producing without a key gets the error', async () => {
    registerKafkajsCodecs();
    const kafka = new Kafka({clientId: 'validation', brokers: [`127.0.0.1:${tb.broker.port}`], logLevel: logLevel.NOTHING, retry: {retries: 0}});
    const producer = kafka.producer();
    await producer.connect();
    try {
      for (const compression of [CompressionTypes.None, CompressionTypes.GZIP]) {
        await expect(producer.send({topic: 'compacted', compression, messages: [{value: 'no key'}]}))
          .rejects.toMatchObject({type: 'INVALID_RECORD'});
      }
      await producer.send({topic: 'compacted', messages: [{key: 'k', value: 'keyed'}]});
    } finally {
      await producer.disconnect();
    }
  });
});

describe('Produce with timestamp bounds', () => {
  it('refuses CreateTime timestamps out of message.timestamp.before/after.max.ms with INVALID_TIMESTAMP', async () => {
    const now = Date.now();
    for (const compression of [CompressionType.None, CompressionType.Zstd]) {
      const old = await encodeBatch({records: [{value: 'ok', timestamp: now}, {value: 'old', timestamp: now - 2 * HOUR}], compression});
      const r = await produce(9, 'bounded', old);
      expect(r.errorCode).toBe(ErrorCode.INVALID_TIMESTAMP);
      expect(r.errorMessage).toBe('One or more records have been rejected due to invalid timestamp');
      expect(r.recordErrors).toHaveLength(1);
      expect(r.recordErrors[0].batchIndex).toBe(1);
      expect(r.recordErrors[0].batchIndexErrorMessage).toMatch(/^Timestamp \d+ of message with offset 1 is out of range\. The timestamp should be within \[\d+, \d+\]$/);
      const ahead = await encodeBatch({records: [{value: 'ahead', timestamp: now + 2 * HOUR}], compression});
      expect((await produce(9, 'bounded', ahead)).errorCode).toBe(ErrorCode.INVALID_TIMESTAMP);
    }
    expect(logEnd('bounded')).toBe(0n);
    expect((await produce(9, 'bounded', await encodeBatch({records: [{value: 'now'}]}))).errorCode).toBe(ErrorCode.NONE);
  });

  it('falls back to message.timestamp.difference.max.ms, and LogAppendTime topics check nothing', async () => {
    const old = await encodeBatch({records: [{value: 'old', timestamp: Date.now() - 2 * HOUR}]});
    expect((await produce(9, 'difference', old)).errorCode).toBe(ErrorCode.INVALID_TIMESTAMP);
    expect((await produce(9, 'appendtime', old)).errorCode).toBe(ErrorCode.NONE);
    expect((await produce(9, 'plain', old)).errorCode).toBe(ErrorCode.NONE);
  });
});

describe('Produce of compressed batches', () => {
  /** A compressed batch whose inner records declare one record more than they hold; CRC correct. */
  async function shortOfRecords(compression: CompressionType): Promise<Buffer> {
    const plain = await encodeBatch({records: [{key: 'a', value: 'x'}]});
    const body = await compress(compression, plain.subarray(BATCH_HEADER_SIZE));
    const buf = Buffer.concat([plain.subarray(0, BATCH_HEADER_SIZE), body]);
    buf.writeInt32BE(buf.length - 12, 8);
    buf.writeInt16BE(compression, 21);
    buf.writeInt32BE(1, 23);
    buf.writeInt32BE(2, 57);
    buf.writeUInt32BE(computeBatchCrc(buf, 0), 17);
    return buf;
  }

  it('INVALID_RECORD when the inner records are malformed, UNKNOWN_SERVER_ERROR when they do not decompress; nothing appended', async () => {
    const before = logEnd('plain');
    for (const compression of CODECS.slice(1)) {
      const r = await produce(9, 'plain', await shortOfRecords(compression));
      expect(r.errorCode, String(compression)).toBe(ErrorCode.INVALID_RECORD);
      expect(r.errorMessage).toBe('Incorrect declared batch size, premature EOF reached');
      const garbled = await encodeBatch({records: [{value: 'x'.repeat(50)}], compression});
      garbled.fill(0x55, BATCH_HEADER_SIZE);
      garbled.writeUInt32BE(computeBatchCrc(garbled, 0), 17);
      expect((await produce(9, 'plain', garbled)).errorCode).toBe(ErrorCode.UNKNOWN_SERVER_ERROR);
    }
    expect(logEnd('plain')).toBe(before);
  });

  it('appends pipelined batches in the order they came when a compressed one is checked first', async () => {
    const big = await encodeBatch({records: Array.from({length: 2000}, (_, i) => ({value: `zstd-${i}`})), compression: CompressionType.Zstd});
    const small = await encodeBatch({records: [{value: 'after'}]});
    const [first, second] = await Promise.all([produce(9, 'ordered', big), produce(9, 'ordered', small)]);
    expect([first.errorCode, second.errorCode]).toEqual([ErrorCode.NONE, ErrorCode.NONE]);
    expect([first.baseOffset, second.baseOffset]).toEqual([0n, 2000n]);
    const values = await valuesOf('ordered');
    expect(values.at(-1)).toBe('after');
    expect(values.at(-2)).toBe('zstd-1999');
  });
});

describe('Produce of large zstd batches (decoded on the second thread)', () => {
  /** A zstd batch of `count` records of random base64 text, 75 KiB or more of zstd. */
  const large = (tag: string, count = 700) => encodeBatch({compression: CompressionType.Zstd,
    records: Array.from({length: count}, (_, i) => ({value: `${tag}-${i}-${randomBytes(150).toString('base64')}`}))});

  it('checks pipelined batches at once, on the thread and on the event loop, and appends them in the order they came', async () => {
    const batches = await Promise.all(['x', 'y', 'a', 'b', 'c'].map((tag) => large(tag)));
    expect(batches.every((b) => b.length - BATCH_HEADER_SIZE >= 64 * 1024)).toBe(true);
    // The first does not decompress (UNKNOWN_SERVER_ERROR), the second's records are one short (INVALID_RECORD).
    batches[0]!.fill(0x55, BATCH_HEADER_SIZE);
    batches[1]!.writeInt32BE(batches[1]!.readInt32BE(57) + 1, 57);
    batches[1]!.writeInt32BE(batches[1]!.readInt32BE(23) + 1, 23);
    for (const b of batches.slice(0, 2)) b.writeUInt32BE(computeBatchCrc(b, 0), 17);
    // Each check's decode waits until all five have begun: checks that waited for the earlier batches' appends would never get there.
    const original = zstdThread!.decode.bind(zstdThread);
    let begun = 0;
    let allBegun!: () => void;
    const gate = new Promise<void>((resolve) => { allBegun = resolve; });
    const decode = vi.spyOn(zstdThread!, 'decode').mockImplementation(async (src, use) => {
      if (++begun === batches.length) allBegun();
      await gate;
      return original(src, use);
    });
    try {
      const before = logEnd('large');
      const results = await Promise.all(batches.map((b) => produce(9, 'large', b)));
      expect(results.map((r) => r.errorCode)).toEqual([ErrorCode.UNKNOWN_SERVER_ERROR, ErrorCode.INVALID_RECORD, ErrorCode.NONE, ErrorCode.NONE, ErrorCode.NONE]);
      expect(results.slice(2).map((r) => r.baseOffset)).toEqual([before, before + 700n, before + 1400n]);
      // The thread took the first two (its two slots: one did not decode, one did and failed the walk) and left the other three to the event loop.
      const outcomes = await Promise.allSettled(decode.mock.results.map((r) => r.value as Promise<unknown>));
      expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as Error).name : o.value === undefined ? 'left' : 'decoded')))
        .toEqual(['CorruptRecordError', 'RecordValidationError', 'left', 'left', 'left']);
    } finally {
      decode.mockRestore();
    }
    const tags = (await valuesOf('large')).map((v) => v.split('-', 2).join('-'));
    expect(tags).toEqual(['a', 'b', 'c'].flatMap((tag) => Array.from({length: 700}, (_, i) => `${tag}-${i}`)));
  }, 15_000);
});

describe('Produce versions and zstd (KIP-110)', () => {
  it('v3-v6 refuse a zstd batch with UNSUPPORTED_COMPRESSION_TYPE, appending nothing; v7+ accept it; other codecs pass in v3', async () => {
    const zstd = await encodeBatch({records: [{key: 'k', value: 'zstd'}], compression: CompressionType.Zstd});
    const before = logEnd('plain');
    for (const version of [3, 4, 5, 6]) {
      expect((await produce(version, 'plain', zstd)).errorCode, `v${version}`).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
    }
    // Checked before the batch itself, as Kafka's ProduceRequest.validateRecords does: a corrupt zstd batch gets the same answer.
    const corrupt = Buffer.from(zstd);
    corrupt.writeUInt32BE(0, 17);
    expect((await produce(3, 'plain', corrupt)).errorCode).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
    expect(logEnd('plain')).toBe(before);
    for (const version of [7, 9]) {
      const r = await produce(version, 'plain', zstd);
      expect(r.errorCode, `v${version}`).toBe(ErrorCode.NONE);
    }
    for (const compression of CODECS.slice(0, 4)) {
      const r = await produce(3, 'plain', await encodeBatch({records: [{value: 'v3'}], compression}));
      expect(r.errorCode, String(compression)).toBe(ErrorCode.NONE);
    }
    expect(logEnd('plain')).toBe(before + 6n);
  });
});
