import {createRequire} from 'node:module';
import {describe, expect, it} from 'vitest';
import {
  ATTR_CONTROL, ATTR_DELETE_HORIZON, ATTR_TIMESTAMP_TYPE, ATTR_TRANSACTIONAL, CompressionType, isBatchCrcValid,
} from '../../src/records/batch-header.js';
import {decodeBatch, encodeBatch, iterateBatches, type RecordInput} from '../../src/records/batch.js';
import {compressionName} from '../../src/records/compression.js';
import {CorruptRecordError} from '../../src/records/errors.js';

const require = createRequire(import.meta.url);
// kafkajs's own RecordBatch codec: an independent implementation to check the wire bytes against.
const {RecordBatch: KafkaJsRecordBatch} = require('kafkajs/src/protocol/recordBatch/v0/index.js');
const KafkaJsRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js');
const kafkaJsDecodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js');
const KafkaJsDecoder = require('kafkajs/src/protocol/decoder.js');
const Long = require('kafkajs/src/utils/long.js');

const T0 = 1_700_000_000_000n;
const sample: RecordInput[] = [
  {key: 'user-1', value: 'hello', timestamp: T0, headers: [{key: 'h1', value: 'x'}, {key: 'h2', value: null}]},
  {key: null, value: 'no key', timestamp: T0 + 5n},
  {key: 'user-1', value: null, timestamp: T0 + 3n}, // tombstone
  {value: Buffer.alloc(2000, 'z'), timestamp: Number(T0 + 9n)},
];

describe('encodeBatch / decodeBatch', () => {
  for (const compression of [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd]) {
    it(`round-trips headers, null keys and tombstones with ${compressionName(compression)}`, async () => {
      const buf = await encodeBatch({records: sample, baseOffset: 40n, compression, partitionLeaderEpoch: 3,
        producerId: 7n, producerEpoch: 2, baseSequence: 10});
      expect(isBatchCrcValid(buf)).toBe(true);
      const {header, records} = await decodeBatch(buf);
      expect(header).toMatchObject({baseOffset: 40n, batchLength: buf.length - 12, partitionLeaderEpoch: 3, magic: 2,
        attributes: compression, lastOffsetDelta: 3, baseTimestamp: T0, maxTimestamp: T0 + 9n, producerId: 7n,
        producerEpoch: 2, baseSequence: 10, recordCount: 4});
      expect(records.map((r) => r.offset)).toEqual([40n, 41n, 42n, 43n]);
      expect(records.map((r) => r.timestamp)).toEqual([T0, T0 + 5n, T0 + 3n, T0 + 9n]);
      expect(records.map((r) => r.key?.toString() ?? null)).toEqual(['user-1', null, 'user-1', null]);
      expect(records[2]!.value).toBeNull();
      expect(records[3]!.value!.equals(Buffer.alloc(2000, 'z'))).toBe(true);
      expect(records[0]!.headers).toEqual([{key: 'h1', value: Buffer.from('x')}, {key: 'h2', value: null}]);
      expect(records.map((r) => r.sequence)).toEqual([10, 11, 12, 13]);
      if (compression !== CompressionType.None) {
        const plain = await encodeBatch({records: sample, baseOffset: 40n});
        expect(buf.length).toBeLessThan(plain.length);
      }
    });
  }

  it('sets attribute bits and the LogAppendTime timestamps', async () => {
    const buf = await encodeBatch({records: [{value: 'a', timestamp: 5n}, {value: 'b', timestamp: 9n}], timestampType: 'append', transactional: true});
    const {header, records} = await decodeBatch(buf);
    expect(header.attributes & (ATTR_TIMESTAMP_TYPE | ATTR_TRANSACTIONAL)).toBe(ATTR_TIMESTAMP_TYPE | ATTR_TRANSACTIONAL);
    expect(records.map((r) => r.timestamp)).toEqual([9n, 9n]);
  });

  it('encodes empty (compacted-away) and delete-horizon batches', async () => {
    const empty = await encodeBatch({records: [], baseOffset: 10n, lastOffsetDelta: 4});
    const decoded = await decodeBatch(empty);
    expect(decoded.records).toEqual([]);
    expect(decoded.header).toMatchObject({recordCount: 0, lastOffsetDelta: 4, baseTimestamp: -1n, maxTimestamp: -1n});
    const horizon = await encodeBatch({records: [{key: 'k', value: null, timestamp: 100n}], deleteHorizonMs: 5000n});
    const h = await decodeBatch(horizon);
    expect(h.header.attributes & ATTR_DELETE_HORIZON).toBe(ATTR_DELETE_HORIZON);
    expect(h.header.baseTimestamp).toBe(5000n);
    expect(h.records[0]!.timestamp).toBe(100n);
  });

  it('encodes non-contiguous offset deltas (compacted batches keep their offsets)', async () => {
    const buf = await encodeBatch({records: [{value: 'a', offsetDelta: 0}, {value: 'b', offsetDelta: 7}], baseOffset: 100n});
    const {header, records} = await decodeBatch(buf);
    expect(header.lastOffsetDelta).toBe(7);
    expect(records.map((r) => r.offset)).toEqual([100n, 107n]);
  });

  it('encodes a control batch', async () => {
    const buf = await encodeBatch({records: [{key: Buffer.from([0, 0, 0, 1]), value: Buffer.from([0, 0, 0, 0, 0, 5])}], control: true, transactional: true, producerId: 9n, producerEpoch: 1});
    const {header} = await decodeBatch(buf);
    expect(header.attributes & ATTR_CONTROL).toBe(ATTR_CONTROL);
  });

  it('checks the CRC unless told not to, and rejects truncation and other magics', async () => {
    const buf = await encodeBatch({records: sample});
    const flipped = Buffer.from(buf);
    flipped[flipped.length - 5] = flipped[flipped.length - 5]! ^ 0x40;
    await expect(decodeBatch(flipped)).rejects.toThrow(/is corrupt: stored CRC/);
    await expect(decodeBatch(flipped, 0, {verifyCrc: false})).resolves.toBeDefined();
    await expect(decodeBatch(buf.subarray(0, buf.length - 1))).rejects.toThrow(/truncated: declares/);
    await expect(decodeBatch(buf.subarray(0, 30))).rejects.toThrow(/header needs 61/);
    const magic1 = Buffer.from(buf);
    magic1[16] = 1;
    await expect(decodeBatch(magic1)).rejects.toThrow(/use the legacy decoder/);
    const wrongCount = Buffer.from(buf);
    wrongCount.writeInt32BE(5, 57);
    await expect(decodeBatch(wrongCount, 0, {verifyCrc: false})).rejects.toThrow(CorruptRecordError);
  });

  it('rejects an unknown codec id', async () => {
    await expect(encodeBatch({records: [], compression: 5 as CompressionType})).rejects.toThrow(/compression type id 5/);
  });
});

describe('interoperability with kafkajs', () => {
  it('decodes a batch kafkajs encodes (uncompressed and gzip)', async () => {
    for (const compression of [0, 1]) {
      const records = [
        KafkaJsRecord({offsetDelta: 0, timestampDelta: 0, key: Buffer.from('k'), value: Buffer.from('v1'), headers: {a: 'b'}}),
        KafkaJsRecord({offsetDelta: 1, timestampDelta: 12, key: null, value: Buffer.from('v2')}),
      ];
      const batch = await KafkaJsRecordBatch({compression, firstOffset: Long.fromInt(0), firstTimestamp: Number(T0),
        maxTimestamp: Number(T0 + 12n), lastOffsetDelta: 1, records});
      const buf: Buffer = batch.buffer;
      expect(isBatchCrcValid(buf)).toBe(true);
      const decoded = await decodeBatch(buf);
      expect(decoded.records.map((r) => [r.offset, r.timestamp, r.key?.toString() ?? null, r.value!.toString()]))
        .toEqual([[0n, T0, 'k', 'v1'], [1n, T0 + 12n, null, 'v2']]);
      expect(decoded.records[0]!.headers).toEqual([{key: 'a', value: Buffer.from('b')}]);
    }
  });

  it('produces batches kafkajs decodes', async () => {
    const buf = await encodeBatch({records: sample, baseOffset: 3n, compression: CompressionType.Gzip});
    const decoded = await kafkaJsDecodeBatch(new KafkaJsDecoder(buf));
    expect(decoded.records.map((r: {offset: string}) => r.offset)).toEqual(['3', '4', '5', '6']);
    expect(decoded.records[0].key.toString()).toBe('user-1');
    expect(decoded.records[0].headers.h1.toString()).toBe('x');
    expect(decoded.records[2].value).toBeNull();
  });
});

describe('iterateBatches', () => {
  it('walks batches and stops at an incomplete tail', async () => {
    const a = await encodeBatch({records: [{value: 'a'}], baseOffset: 0n});
    const b = await encodeBatch({records: [{value: 'b'}, {value: 'c'}], baseOffset: 1n, compression: CompressionType.Lz4});
    const c = await encodeBatch({records: [{value: 'd'}], baseOffset: 3n});
    const all = Buffer.concat([a, b, c]);
    const entries = [...iterateBatches(all)];
    expect(entries.map((e) => [e.position, e.size, e.header.baseOffset])).toEqual([[0, a.length, 0n], [a.length, b.length, 1n], [a.length + b.length, c.length, 3n]]);
    expect([...iterateBatches(all.subarray(0, all.length - 1))].length).toBe(2);
    expect([...iterateBatches(all.subarray(0, a.length + 5))].length).toBe(1);
    expect([...iterateBatches(Buffer.alloc(0))]).toEqual([]);
  });

  it('yields legacy entries and throws on garbage sizes or magics', async () => {
    // magic 0 message: offset 7, key null, value "x"
    const body = Buffer.from('0000ffffffff0000000178', 'hex'); // magic 0, attributes 0, key -1, value len 1, 'x'
    const legacy = Buffer.alloc(16 + body.length);
    legacy.writeBigInt64BE(7n, 0);
    legacy.writeInt32BE(4 + body.length, 8);
    body.copy(legacy, 16);
    const v2 = await encodeBatch({records: [{value: 'a'}], baseOffset: 8n});
    const entries = [...iterateBatches(Buffer.concat([legacy, v2]))];
    expect(entries.map((e) => [e.header.magic, e.header.baseOffset, e.size])).toEqual([[0, 7n, legacy.length], [2, 8n, v2.length]]);
    const badSize = Buffer.from(v2);
    badSize.writeInt32BE(3, 8);
    expect(() => [...iterateBatches(badSize)]).toThrow(/smaller than the minimum record overhead/);
    const badMagic = Buffer.from(v2);
    badMagic[16] = 7;
    expect(() => [...iterateBatches(badMagic)]).toThrow(/invalid magic 7/);
  });
});
