/** A produced v2 batch rewritten in a topic's codec, keeping what Kafka's LogValidator keeps. */
import {gunzipSync} from 'node:zlib';
import {describe, expect, it} from 'vitest';
import {ATTR_COMPRESSION_MASK, ATTR_DELETE_HORIZON, ATTR_TRANSACTIONAL, BATCH_HEADER_SIZE, CompressionType, computeBatchCrc} from '../../src/records/batch-header.js';
import {decodeBatch, encodeBatch} from '../../src/records/batch.js';
import {compressionName} from '../../src/records/compression.js';
import {RecordErrorCode, RecordValidationError} from '../../src/records/errors.js';
import {checkConvertedSize, needsRecompression, recompressBatch, targetCompression} from '../../src/records/recompress.js';

const CODECS = [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd];
const TS = 1_700_000_000_000n;

/** Records with what a record can carry: null key/value, headers (one with a null value), out-of-order timestamps. */
const RECORDS = [
  {key: 'k0', value: 'v0', timestamp: TS + 7n, headers: [{key: 'h', value: 'x'}, {key: 'h', value: null}]},
  {key: null, value: Buffer.from([0, 1, 2, 255]), timestamp: TS},
  {key: 'k2', value: null, timestamp: TS + 3n, headers: [{key: 'ünï', value: Buffer.alloc(0)}]},
];

function produced(codec: CompressionType, extra: Partial<Parameters<typeof encodeBatch>[0]> = {}): Promise<Buffer> {
  return encodeBatch({records: RECORDS, compression: codec, ...extra});
}

describe('recompressBatch', () => {
  it('turns every codec into every other, records, headers and producer fields unchanged', async () => {
    for (const source of CODECS) {
      const batch = await produced(source, {producerId: 42n, producerEpoch: 3, baseSequence: 17});
      const before = await decodeBatch(batch);
      for (const target of CODECS) {
        if (target === source) continue;
        const pair = `${compressionName(source)} -> ${compressionName(target)}`;
        const out = await recompressBatch(batch, {type: target, level: undefined}, 1 << 20, 't-0');
        expect(out.readUInt32BE(17), pair).toBe(computeBatchCrc(out, 0));
        const after = await decodeBatch(out);
        expect(after.header.attributes & ATTR_COMPRESSION_MASK, pair).toBe(target);
        expect(after.records, pair).toEqual(before.records);
        const {attributes: _a, crc: _c, batchLength: _l, ...kept} = after.header;
        const {attributes: _b, crc: _d, batchLength: _m, ...was} = before.header;
        expect(kept, pair).toEqual(was);
        expect(after.header.maxTimestamp, pair).toBe(TS + 7n);
        expect(after.records.map((r) => r.sequence), pair).toEqual([17, 18, 19]);
      }
    }
  });

  it('keeps the transactional flag', async () => {
    const batch = await produced(CompressionType.None, {producerId: 5n, producerEpoch: 0, baseSequence: 0, transactional: true});
    const out = await recompressBatch(batch, {type: CompressionType.Gzip, level: undefined}, 1 << 20, 't-0');
    expect((await decodeBatch(out)).header.attributes).toBe(ATTR_TRANSACTIONAL | CompressionType.Gzip);
  });

  it('renumbers offsets and rebases timestamps as MemoryRecordsBuilder does, absolute timestamps kept', async () => {
    // A producer's base timestamp may be below the first record's, and its offset deltas may skip.
    // (The delete horizon is the way to encode a base timestamp apart from the first record's; its bit is cleared after.)
    const batch = await encodeBatch({records: RECORDS.map((r, i) => ({...r, offsetDelta: i * 2})), deleteHorizonMs: TS - 100n});
    batch.writeInt16BE(batch.readInt16BE(21) & ~ATTR_DELETE_HORIZON, 21);
    batch.writeInt32BE(RECORDS.length - 1, 23);
    const before = await decodeBatch(batch, 0, {verifyCrc: false});
    const out = await recompressBatch(batch, {type: CompressionType.Zstd, level: undefined}, 1 << 20, 't-0');
    const after = await decodeBatch(out);
    expect(after.header.baseTimestamp).toBe(TS + 7n);
    expect(before.records.map((r) => r.timestamp)).toEqual([TS + 7n, TS, TS + 3n]);
    expect(after.records.map((r) => r.timestamp)).toEqual([TS + 7n, TS, TS + 3n]);
    expect(after.records.map((r) => r.offset)).toEqual([0n, 1n, 2n]);
    expect(after.header.lastOffsetDelta).toBe(2);
  });

  it('compresses at the configured level (compression.gzip.level, compression.zstd.level)', async () => {
    // Words drawn from a small vocabulary: what a stronger level finds more matches in.
    let seed = 1;
    const word = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return `w${seed % 500}`; };
    const big = await encodeBatch({records: Array.from({length: 200}, () => ({value: Array.from({length: 100}, word).join(' '), timestamp: TS}))});
    const size = async (type: CompressionType, level: number | undefined) =>
      (await recompressBatch(big, {type, level}, 1 << 22, 't-0')).length;
    expect(await size(CompressionType.Gzip, 1)).toBeGreaterThan(await size(CompressionType.Gzip, 9));
    expect(await size(CompressionType.Zstd, 1)).toBeGreaterThan(await size(CompressionType.Zstd, 19));
    // gzip level 0 stores: the payload is the records, uncompressed, in a gzip envelope.
    const stored = await recompressBatch(big, {type: CompressionType.Gzip, level: 0}, 1 << 22, 't-0');
    expect(gunzipSync(stored.subarray(BATCH_HEADER_SIZE))).toEqual(big.subarray(BATCH_HEADER_SIZE));
    expect(stored.length).toBeGreaterThan(big.length);
  });

  it('MESSAGE_TOO_LARGE when the rewritten batch exceeds max.message.bytes', async () => {
    const batch = await produced(CompressionType.Zstd);
    const plain = await recompressBatch(batch, {type: CompressionType.None, level: undefined}, 1 << 20, 't-0');
    const err = await recompressBatch(batch, {type: CompressionType.None, level: undefined}, plain.length - 1, 't-0').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RecordValidationError);
    expect(err).toMatchObject({errorCode: RecordErrorCode.MESSAGE_TOO_LARGE,
      message: `Message batch size is ${plain.length} bytes in append to partition t-0 which exceeds the maximum configured size of ${plain.length - 1}.`});
    expect(() => checkConvertedSize(plain, plain.length, 't-0')).not.toThrow();
  });
});

describe('targetCompression / needsRecompression', () => {
  it('maps compression.type and the levels that apply to its codec', () => {
    const levels = {gzip: 4, zstd: 7};
    expect(targetCompression('producer', levels)).toBeNull();
    expect(targetCompression('uncompressed', levels)).toEqual({type: CompressionType.None, level: undefined});
    expect(targetCompression('gzip', levels)).toEqual({type: CompressionType.Gzip, level: 4});
    expect(targetCompression('zstd', levels)).toEqual({type: CompressionType.Zstd, level: 7});
    expect(targetCompression('lz4', levels)).toEqual({type: CompressionType.Lz4, level: undefined});
    expect(targetCompression('snappy', levels)).toEqual({type: CompressionType.Snappy, level: undefined});
  });

  it('only when the codecs differ, never for producer or an uncompressed control batch', async () => {
    const gzip = await produced(CompressionType.Gzip);
    const plain = await produced(CompressionType.None);
    expect(needsRecompression(gzip, null)).toBe(false);
    expect(needsRecompression(gzip, targetCompression('gzip'))).toBe(false);
    expect(needsRecompression(gzip, targetCompression('uncompressed'))).toBe(true);
    expect(needsRecompression(plain, targetCompression('uncompressed'))).toBe(false);
    expect(needsRecompression(plain, targetCompression('zstd'))).toBe(true);
    const control = await encodeBatch({records: [{key: Buffer.from([0, 0, 0, 0]), value: null, timestamp: TS}], control: true});
    expect(needsRecompression(control, targetCompression('zstd'))).toBe(false);
  });
});
