import {createRequire} from 'node:module';
import {describe, expect, it} from 'vitest';
import {CompressionType} from '../../src/records/batch-header.js';
import {decodeBatch, encodeBatch} from '../../src/records/batch.js';
import {compress} from '../../src/records/compression.js';
import {RecordErrorCode, RecordValidationError} from '../../src/records/errors.js';
import {type LegacyConvertOptions, convertLegacyMessageSet, isLegacyMessageSet} from '../../src/records/legacy-convert.js';
import {targetCompression} from '../../src/records/recompress.js';
import type {RecordChecks} from '../../src/records/record-walk.js';
import {type LegacyInput, legacyMessage, legacySet, legacyWrapper, withBadCrc} from './helpers/legacy-messages.js';

const require = createRequire(import.meta.url);
// kafkajs's legacy message encoder: an independent implementation to check the test helper against.
const Message = require('kafkajs/src/protocol/message/index.js');
const Encoder = require('kafkajs/src/protocol/encoder.js');

const {CORRUPT_MESSAGE, INVALID_RECORD, INVALID_TIMESTAMP, MESSAGE_TOO_LARGE, UNSUPPORTED_COMPRESSION_TYPE, UNKNOWN_SERVER_ERROR} = RecordErrorCode;
const HOUR = 3_600_000;
const LEGACY_CODECS = [CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4] as const;
const OPTIONS: LegacyConvertOptions = {maxMessageBytes: 1 << 20, checks: null, where: 't-0', target: null};

const convert = (buf: Buffer, options: Partial<LegacyConvertOptions> = {}) => convertLegacyMessageSet(buf, {...OPTIONS, ...options});

async function refusal(buf: Buffer, options: Partial<LegacyConvertOptions> = {}): Promise<RecordValidationError> {
  try {
    await convert(buf, options);
  } catch (err) {
    if (err instanceof RecordValidationError) return err;
    throw err;
  }
  throw new Error('conversion succeeded');
}

/** Keys, values (null, empty, binary) and timestamps that must come through byte for byte. */
const INPUTS: LegacyInput[] = [
  {key: 'k0', value: 'v0', timestamp: 1_600_000_000_000},
  {key: null, value: Buffer.from([0, 255, 1, 254]), timestamp: 1_600_000_000_007},
  {key: Buffer.alloc(0), value: null, timestamp: 1_600_000_000_003},
  {key: 'k3', value: Buffer.alloc(0), timestamp: -1},
];

async function decoded(batch: Buffer) {
  const {header, records} = await decodeBatch(batch);
  return {header, records: records.map((r) => ({offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers}))};
}

function expected(magic: 0 | 1) {
  return INPUTS.map((m, i) => ({
    offset: BigInt(i),
    timestamp: magic === 0 ? -1n : BigInt(m.timestamp!),
    key: m.key === null ? null : Buffer.from(m.key!),
    value: m.value === null ? null : Buffer.from(m.value!),
    headers: [],
  }));
}

describe('the test helper', () => {
  it('writes what kafkajs writes for magic 0 and 1', () => {
    for (const magic of [0, 1] as const) {
      const msg = Message({version: magic})({key: Buffer.from('k'), value: Buffer.from('value'), timestamp: 1234, compression: 0});
      const kafkajs = new Encoder().writeInt64('7').writeInt32(msg.size()).writeEncoder(msg).buffer as Buffer;
      expect(legacyMessage(magic, {key: 'k', value: 'value', timestamp: 1234}, 7n).equals(kafkajs)).toBe(true);
    }
  });
});

describe('convertLegacyMessageSet', () => {
  it('recognises legacy message sets by their magic byte', async () => {
    expect(isLegacyMessageSet(legacySet(0, INPUTS))).toBe(true);
    expect(isLegacyMessageSet(legacySet(1, INPUTS))).toBe(true);
    expect(isLegacyMessageSet(await encodeBatch({records: [{value: 'x'}]}))).toBe(false);
    expect(isLegacyMessageSet(Buffer.alloc(0))).toBe(false);
  });

  for (const magic of [0, 1] as const) {
    it(`turns uncompressed magic ${magic} messages into one v2 batch, byte for byte`, async () => {
      // Producers put arbitrary offsets on uncompressed messages; the broker assigns its own.
      const {header, records} = await decoded(await convert(legacySet(magic, INPUTS, 40n)));
      expect(records).toEqual(expected(magic));
      expect(header).toMatchObject({
        baseOffset: 0n, magic: 2, attributes: 0, lastOffsetDelta: 3, recordCount: 4, producerId: -1n, producerEpoch: -1, baseSequence: -1,
        partitionLeaderEpoch: -1, baseTimestamp: magic === 0 ? -1n : 1_600_000_000_000n, maxTimestamp: magic === 0 ? -1n : 1_600_000_000_007n,
      });
    });

    for (const codec of LEGACY_CODECS) {
      it(`turns a magic ${magic} wrapper compressed with codec ${codec} into one batch with that codec`, async () => {
        const wrapper = await legacyWrapper(magic, codec, legacySet(magic, INPUTS), {timestamp: 1_600_000_000_007});
        const {header, records} = await decoded(await convert(wrapper));
        expect(records).toEqual(expected(magic));
        expect(header).toMatchObject({baseOffset: 0n, attributes: codec, recordCount: 4, producerId: -1n});
      });
    }
  }

  it('takes magic 1 wrappers at offset 0 (librdkafka) or past the last inner offset, and magic 0 absolute inner offsets', async () => {
    for (const offset of [0n, 3n, 1000n]) {
      const wrapper = await legacyWrapper(1, CompressionType.Gzip, legacySet(1, INPUTS), {offset});
      expect((await decoded(await convert(wrapper))).records).toEqual(expected(1));
    }
    const absolute = await legacyWrapper(0, CompressionType.Snappy, legacySet(0, INPUTS, 500n));
    expect((await decoded(await convert(absolute))).records).toEqual(expected(0));
  });

  it('accepts the old LZ4 frame header checksum on magic 0 only, as Kafka does', async () => {
    const old0 = await legacyWrapper(0, CompressionType.Lz4, legacySet(0, INPUTS), {oldLz4Checksum: true});
    expect((await decoded(await convert(old0))).records).toEqual(expected(0));
    const old1 = await legacyWrapper(1, CompressionType.Lz4, legacySet(1, INPUTS), {oldLz4Checksum: true});
    expect((await refusal(old1)).errorCode).toBe(UNKNOWN_SERVER_ERROR);
  });

  it('compresses with the topic\'s compression.type unless it is "producer"', async () => {
    const gzip = await legacyWrapper(1, CompressionType.Gzip, legacySet(1, INPUTS));
    const plain = legacySet(0, INPUTS);
    const cases: Array<[Buffer, string, CompressionType]> = [
      [gzip, 'producer', CompressionType.Gzip], [gzip, 'uncompressed', CompressionType.None], [gzip, 'lz4', CompressionType.Lz4],
      [plain, 'producer', CompressionType.None], [plain, 'zstd', CompressionType.Zstd], [plain, 'snappy', CompressionType.Snappy],
    ];
    for (const [set, compressionType, codec] of cases) {
      const {header, records} = await decoded(await convert(set, {target: targetCompression(compressionType)}));
      expect(header.attributes, compressionType).toBe(codec);
      expect(records).toEqual(expected(set === gzip ? 1 : 0));
    }
  });

  it('CORRUPT_MESSAGE for a CRC mismatch, outer or inner', async () => {
    const set = legacySet(1, INPUTS);
    const second = legacyMessage(1, INPUTS[0]!).length;
    const outer = await refusal(withBadCrc(set, second));
    expect(outer.errorCode).toBe(CORRUPT_MESSAGE);
    expect(outer.message).toMatch(/^Record is corrupt \(stored crc = \d+\) in topic partition t-0\.$/);
    for (const magic of [0, 1] as const) {
      const inner = await refusal(await legacyWrapper(magic, CompressionType.Gzip, withBadCrc(legacySet(magic, INPUTS), 0)));
      expect(inner.errorCode).toBe(CORRUPT_MESSAGE);
      expect(inner.message).toMatch(/^Record is corrupt \(stored crc = \d+, computed crc = \d+\) in topic partition t-0$/);
    }
  });

  it('CORRUPT_MESSAGE for truncated or undersized entries and unknown magic', async () => {
    const set = legacySet(0, INPUTS);
    for (const cut of [1, 5, set.length - 20, set.length - 8]) {
      expect((await refusal(set.subarray(0, set.length - cut))).errorCode, `cut ${cut}`).toBe(CORRUPT_MESSAGE);
    }
    const small = Buffer.from(set);
    small.writeInt32BE(13, 8);
    expect((await refusal(small)).message).toBe('Record size 13 is less than the minimum record overhead (14)');
    const magic3 = Buffer.concat([legacyMessage(0, {value: 'a'}), legacyMessage(0, {value: 'b'})]);
    magic3[legacyMessage(0, {value: 'a'}).length + 16] = 3;
    expect((await refusal(magic3)).message).toBe('Invalid magic found in record: 3');
    const overrun = legacyMessage(0, {value: 'abc'});
    overrun.writeInt32BE(1000, overrun.length - 7);
    expect((await refusal(overrun)).errorCode).toBe(CORRUPT_MESSAGE);
    // A truncated inner message set.
    const inner = legacySet(1, INPUTS);
    const cutInner = await legacyWrapper(1, CompressionType.Gzip, inner.subarray(0, inner.length - 3), {offset: 3n});
    expect((await refusal(cutInner)).errorCode).toBe(CORRUPT_MESSAGE);
  });

  it('INVALID_RECORD for nested wrappers, mixed magic, several wrappers and malformed wrappers', async () => {
    const nested = await legacyWrapper(1, CompressionType.Gzip, await legacyWrapper(1, CompressionType.Gzip, legacySet(1, INPUTS)));
    expect(await refusal(nested)).toMatchObject({errorCode: INVALID_RECORD, message: 'Inner messages must not be compressed'});

    const mixed = Buffer.concat([legacyMessage(0, {value: 'a'}), legacyMessage(1, {value: 'b'})]);
    expect(await refusal(mixed)).toMatchObject({errorCode: INVALID_RECORD,
      message: 'Batch magic 1 is not the same as the first batch\'s magic byte 0 in topic partition t-0'});
    const withV2 = Buffer.concat([legacyMessage(1, {value: 'a'}), await encodeBatch({records: [{value: 'b'}]})]);
    expect((await refusal(withV2)).message).toMatch(/^Batch magic 2 is not the same/);

    const innerMixed = await legacyWrapper(1, CompressionType.Gzip, Buffer.concat([legacyMessage(1, {value: 'a'}, 0n), legacyMessage(0, {value: 'b'}, 1n)]));
    const innerError = await refusal(innerMixed);
    expect(innerError.errorCode).toBe(INVALID_RECORD);
    expect(innerError.recordErrors.map((e) => e.batchIndex)).toEqual([1]);
    expect(innerError.recordErrors[0]!.batchIndexErrorMessage).toMatch(/magic does not match outer magic 1 in topic partition t-0$/);

    const two = Buffer.concat([await legacyWrapper(1, CompressionType.Gzip, legacySet(1, INPUTS)), legacyMessage(1, {value: 'x'})]);
    expect(await refusal(two)).toMatchObject({errorCode: INVALID_RECORD, message: 'Compressed outer record has more than one batch'});

    const zstd = legacyMessage(1, {value: await compress(CompressionType.Zstd, legacySet(1, INPUTS)), attributes: CompressionType.Zstd});
    expect((await refusal(zstd)).errorCode).toBe(INVALID_RECORD);
    expect((await refusal(legacyMessage(1, {value: null, attributes: CompressionType.Gzip}))).message)
      .toBe('Found invalid compressed record set with null value (magic = 1)');
    expect((await refusal(legacyMessage(0, {value: await compress(CompressionType.Gzip, Buffer.alloc(0)), attributes: 1}))).message)
      .toBe('Found invalid compressed record set with no inner records');
    const behind = await legacyWrapper(1, CompressionType.Gzip, legacySet(1, INPUTS), {offset: 2n});
    expect((await refusal(behind)).message).toMatch(/^Found invalid wrapper offset in compressed v1 message set, wrapper offset '2' is less than/);
  });

  it('other codec failures: unknown ids, data that does not decompress', async () => {
    expect((await refusal(legacyMessage(0, {value: 'x', attributes: 5}))).errorCode).toBe(UNSUPPORTED_COMPRESSION_TYPE);
    const garbage = await refusal(legacyMessage(0, {value: 'not gzip', attributes: CompressionType.Gzip}));
    expect(garbage.errorCode).toBe(UNKNOWN_SERVER_ERROR);
    expect(garbage.message).toMatch(/^Failed to decompress record stream/);
  });

  it('keys on compacted topics: record errors per entry (an uncompressed message is its own batch), per inner message in a wrapper', async () => {
    const keys: RecordChecks = {requireKeys: true, beforeMaxMs: null, afterMaxMs: null};
    const text = 'Compacted topic cannot accept message without key in topic partition t-0';
    const plain = await refusal(legacySet(0, INPUTS), {checks: keys});
    expect(plain.errorCode).toBe(INVALID_RECORD);
    expect(plain.recordErrors).toEqual([{batchIndex: 0, batchIndexErrorMessage: text}]);
    expect(plain.message).toContain(`RecordError(batchIndex=0, message='${text}')`);
    const wrapped = await refusal(await legacyWrapper(1, CompressionType.Snappy, legacySet(1, [...INPUTS, {value: 'no key'}])), {checks: keys});
    expect(wrapped.recordErrors).toEqual([{batchIndex: 1, batchIndexErrorMessage: text}, {batchIndex: 4, batchIndexErrorMessage: text}]);
    const keyed = INPUTS.map((m, i) => ({...m, key: `key${i}`}));
    expect((await decoded(await convert(legacySet(1, keyed), {checks: keys}))).records).toHaveLength(4);
  });

  it('timestamps: magic 1 CreateTime within bounds (magic 0 has none), and no LogAppendTime from producers', async () => {
    const now = 1_700_000_000_000;
    const bounds: RecordChecks = {requireKeys: false, beforeMaxMs: BigInt(HOUR), afterMaxMs: BigInt(HOUR)};
    const old = [{value: 'a', timestamp: now}, {value: 'b', timestamp: now - 2 * HOUR}];
    const plain = await refusal(legacySet(1, old, 10n), {checks: bounds, now});
    expect(plain.errorCode).toBe(INVALID_TIMESTAMP);
    expect(plain.recordErrors).toEqual([{batchIndex: 0, batchIndexErrorMessage:
      `Timestamp ${now - 2 * HOUR} of message with offset 11 is out of range. The timestamp should be within [${now - HOUR}, ${now + HOUR}]`}]);
    const wrapped = await refusal(await legacyWrapper(1, CompressionType.Gzip, legacySet(1, old), {offset: 21n}), {checks: bounds, now});
    expect(wrapped.recordErrors.map((e) => [e.batchIndex, e.batchIndexErrorMessage!.split(' is out')[0]]))
      .toEqual([[1, `Timestamp ${now - 2 * HOUR} of message with offset 21`]]);
    // Magic 0 carries no timestamp: nothing to bound.
    expect((await decoded(await convert(legacySet(0, old), {checks: bounds, now}))).records).toHaveLength(2);

    const appendTime = legacyMessage(1, {value: 'a', timestamp: now, attributes: 0x08});
    const refused = await refusal(appendTime);
    expect(refused.errorCode).toBe(INVALID_TIMESTAMP);
    expect(refused.recordErrors[0]!.batchIndexErrorMessage).toMatch(
      /^Invalid timestamp type in message LegacyRecordBatch\(offset=0, Record\(magic=1, attributes=8, compression=none, crc=\d+, LogAppendTime=1700000000000, key=0 bytes, value=1 bytes\)\)\. Producer should not set timestamp type to LogAppendTime\.$/);
    const appendWrapper = await legacyWrapper(1, CompressionType.Gzip, legacySet(1, old), {timestamp: now, attributes: 0x08});
    expect((await refusal(appendWrapper)).recordErrors.map((e) => e.batchIndex)).toEqual([0, 1]);
  });

  it('MESSAGE_TOO_LARGE for an entry over max.message.bytes, or for the converted batch', async () => {
    const set = legacySet(0, [{value: 'x'.repeat(100)}]);
    expect(await refusal(set, {maxMessageBytes: set.length - 1})).toMatchObject({errorCode: MESSAGE_TOO_LARGE,
      message: `The record batch size in the append to t-0 is ${set.length} bytes which exceeds the maximum configured value of ${set.length - 1}.`});
    // The v2 batch header is larger than a magic 0 message's: the set fits, the batch does not.
    const converted = await convert(set);
    expect(converted.length).toBeGreaterThan(set.length);
    expect(await refusal(set, {maxMessageBytes: set.length})).toMatchObject({errorCode: MESSAGE_TOO_LARGE,
      message: `Message batch size is ${converted.length} bytes in append to partition t-0 which exceeds the maximum configured size of ${set.length}.`});
  });
});
