import {describe, expect, it} from 'vitest';
import {BATCH_HEADER_SIZE, CompressionType, computeBatchCrc} from '../../src/records/batch-header.js';
import {type RecordInput, encodeBatch} from '../../src/records/batch.js';
import {compress} from '../../src/records/compression.js';
import {RecordErrorCode, RecordValidationError} from '../../src/records/errors.js';
import {type RecordChecks, checkCompressedRecords, checkProducedBatch, isCompressedBatch} from '../../src/records/validate.js';

const MAX = 1_048_588;
const HOUR = 3_600_000;
const CODECS = [CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd];
const KEYS: RecordChecks = {requireKeys: true, beforeMaxMs: null, afterMaxMs: null};
const HOUR_BOUNDS: RecordChecks = {requireKeys: false, beforeMaxMs: BigInt(HOUR), afterMaxMs: BigInt(HOUR)};

function resign(buf: Buffer): Buffer {
  buf.writeUInt32BE(computeBatchCrc(buf, 0), 17);
  return buf;
}

/** checkProducedBatch, then for a compressed batch checkCompressedRecords, as the Produce path does. */
async function check(buf: Buffer, checks: RecordChecks | null, where = 't-0'): Promise<RecordValidationError | undefined> {
  try {
    checkProducedBatch(buf, MAX, checks, where);
    if (isCompressedBatch(buf)) await checkCompressedRecords(buf, checks, where);
  } catch (err) {
    expect(err).toBeInstanceOf(RecordValidationError);
    return err as RecordValidationError;
  }
  return undefined;
}

/**
 * A batch of `compression` around `inner` (raw v2 records, possibly malformed) declaring `count`
 * records, with a correct CRC: only the inner data can be wrong.
 */
async function batchAround(inner: Buffer, count: number, compression: CompressionType): Promise<Buffer> {
  const template = await encodeBatch({records: [{key: 'k', value: 'v'}]});
  const body = compression === CompressionType.None ? inner : await compress(compression, inner);
  const buf = Buffer.concat([template.subarray(0, BATCH_HEADER_SIZE), body]);
  buf.writeInt32BE(buf.length - 12, 8);
  buf.writeInt16BE(compression, 21);
  buf.writeInt32BE(count - 1, 23);
  buf.writeInt32BE(count, 57);
  return resign(buf);
}

/** The raw records of an uncompressed batch of `records`. */
async function rawRecords(records: RecordInput[]): Promise<Buffer> {
  return (await encodeBatch({records})).subarray(BATCH_HEADER_SIZE);
}

describe('record walk: keys on compacted topics', () => {
  it('refuses records without a key, uncompressed and with every codec, naming each (KIP-467)', async () => {
    for (const compression of [CompressionType.None, ...CODECS]) {
      const records = [{key: 'a', value: 'x'}, {value: 'y'}, {key: '', value: 'empty key is a key'}, {key: null, value: 'z'}];
      const buf = await encodeBatch({records, compression});
      const err = await check(buf, KEYS, 'orders-3');
      expect(err?.errorCode, String(compression)).toBe(RecordErrorCode.INVALID_RECORD);
      const message = 'Compacted topic cannot accept message without key in topic partition orders-3';
      expect(err?.recordErrors).toEqual([{batchIndex: 1, batchIndexErrorMessage: message}, {batchIndex: 3, batchIndexErrorMessage: message}]);
      expect(err?.message).toBe('One or more records have been rejected due to 2 record errors in total, and only showing the first '
        + `three errors at most: [RecordError(batchIndex=1, message='${message}'), RecordError(batchIndex=3, message='${message}')]`);
      // Not compacted: the same batch is fine.
      expect(await check(buf, null)).toBeUndefined();
    }
  });

  it('accepts keyed records, with headers and null values (tombstones)', async () => {
    for (const compression of [CompressionType.None, ...CODECS]) {
      const records = [{key: 'a', value: null}, {key: 'b', value: 'v', headers: [{key: 'h', value: 'x'}, {key: 'n', value: null}]}];
      expect(await check(await encodeBatch({records, compression}), KEYS)).toBeUndefined();
    }
  });
});

describe('record walk: timestamp bounds', () => {
  it('INVALID_TIMESTAMP for every record out of [now - before, now + after], with Kafka\'s messages', async () => {
    const now = Date.now();
    for (const compression of [CompressionType.None, CompressionType.Lz4]) {
      // The second record is older than the first: its delta is negative, so the header cannot tell.
      const records = [{value: 'a', timestamp: now}, {value: 'b', timestamp: now - 2 * HOUR}, {value: 'c', timestamp: now + 2 * HOUR},
        {value: 'd', timestamp: now - HOUR + 60_000}];
      const err = await check(await encodeBatch({records, compression}), HOUR_BOUNDS);
      expect(err?.errorCode).toBe(RecordErrorCode.INVALID_TIMESTAMP);
      expect(err?.message).toBe('One or more records have been rejected due to invalid timestamp');
      expect(err?.recordErrors.map((e) => e.batchIndex)).toEqual([1, 2]);
      expect(err?.recordErrors[0]!.batchIndexErrorMessage).toMatch(
        new RegExp(`^Timestamp ${now - 2 * HOUR} of message with offset 1 is out of range. The timestamp should be within \\[\\d+, \\d+\\]$`));
    }
  });

  it('accepts timestamps within the bounds and -1 (no timestamp); an unbounded side never fails', async () => {
    const now = Date.now();
    const inside = [{value: 'a', timestamp: now - HOUR + 60_000}, {value: 'b', timestamp: -1}, {value: 'c', timestamp: now + HOUR - 60_000}];
    expect(await check(await encodeBatch({records: inside}), HOUR_BOUNDS)).toBeUndefined();
    const ancient = await encodeBatch({records: [{value: 'a', timestamp: 0}]});
    expect(await check(ancient, {requireKeys: false, beforeMaxMs: null, afterMaxMs: 0n})).toBeUndefined();
    expect((await check(ancient, {requireKeys: false, beforeMaxMs: 1000n, afterMaxMs: null}))?.errorCode).toBe(RecordErrorCode.INVALID_TIMESTAMP);
  });

  it('computes absurd timestamps exactly (64-bit), as Kafka does', async () => {
    const far = 1n << 60n;
    const err = await check(await encodeBatch({records: [{value: 'a', timestamp: far}, {value: 'b', timestamp: far + 1n}]}), HOUR_BOUNDS);
    expect(err?.errorCode).toBe(RecordErrorCode.INVALID_TIMESTAMP);
    expect(err?.recordErrors[1]!.batchIndexErrorMessage).toContain(`Timestamp ${far + 1n} of message with offset 1`);
  });

  it('a record without a key on a compacted, bounded topic fails on its key; any timestamp failure makes it INVALID_TIMESTAMP', async () => {
    const now = Date.now();
    const records = [{value: 'no key', timestamp: now}, {key: 'k', value: 'old', timestamp: now - 2 * HOUR}];
    const err = await check(await encodeBatch({records}), {...HOUR_BOUNDS, requireKeys: true});
    expect(err?.errorCode).toBe(RecordErrorCode.INVALID_TIMESTAMP);
    expect(err?.recordErrors.map((e) => e.batchIndexErrorMessage?.slice(0, 9))).toEqual(['Compacted', 'Timestamp']);
  });
});

describe('record walk: structure', () => {
  it('compressed records that do not fill the declared count or leave bytes over are INVALID_RECORD', async () => {
    const inner = await rawRecords([{key: 'a', value: 'x'}, {key: 'b', value: 'y'}]);
    for (const compression of CODECS) {
      expect(await check(await batchAround(inner, 2, compression), null)).toBeUndefined();
      const fewer = await check(await batchAround(inner, 3, compression), null);
      expect(fewer?.errorCode).toBe(RecordErrorCode.INVALID_RECORD);
      expect(fewer?.message).toBe('Incorrect declared batch size, premature EOF reached');
      const more = await check(await batchAround(inner, 1, compression), null);
      expect(more?.errorCode).toBe(RecordErrorCode.INVALID_RECORD);
      expect(more?.message).toBe('Incorrect declared batch size, records still remaining in file');
    }
  });

  it('a compressed record whose fields do not fill its size, or with a negative header count, is INVALID_RECORD', async () => {
    const inner = await rawRecords([{key: 'a', value: 'x'}]);
    // Record: length, attributes, timestampDelta, offsetDelta, keyLength(1) 'a', valueLength(1) 'x', headerCount.
    const longer = Buffer.concat([inner, Buffer.from([0])]);
    longer[0] = inner[0]! + 2; // declares one byte more than its fields use (zigzag: +1)
    const negativeHeaders = Buffer.from(inner);
    negativeHeaders[negativeHeaders.length - 1] = 0x01; // zigzag -1
    for (const compression of [CompressionType.None, ...CODECS]) {
      const a = await check(await batchAround(longer, 1, compression), KEYS);
      expect(a?.errorCode).toBe(RecordErrorCode.INVALID_RECORD);
      expect(a?.message).toMatch(/^Invalid record size: expected to read \d+ bytes in record payload, but instead read \d+$/);
      const b = await check(await batchAround(negativeHeaders, 1, compression), KEYS);
      expect(b?.message).toBe('Found invalid number of record headers -1');
    }
  });

  it('compressed data that does not decompress is UNKNOWN_SERVER_ERROR, as Kafka\'s "Failed to decompress record stream"', async () => {
    for (const compression of CODECS) {
      const buf = await encodeBatch({records: [{key: 'a', value: 'x'.repeat(100)}], compression});
      buf.fill(0x55, BATCH_HEADER_SIZE, buf.length);
      const err = await check(resign(buf), null);
      expect(err?.errorCode, String(compression)).toBe(RecordErrorCode.UNKNOWN_SERVER_ERROR);
      expect(err?.message).toMatch(/^Failed to decompress record stream/);
    }
  });

  it('walks every record of an uncompressed batch even without checks, as Kafka\'s LogValidator', async () => {
    const inner = await rawRecords([{key: 'a', value: 'x'}]);
    const negativeHeaders = Buffer.from(inner);
    negativeHeaders[negativeHeaders.length - 1] = 0x01;
    const buf = await batchAround(negativeHeaders, 1, CompressionType.None);
    expect((await check(buf, null))?.errorCode).toBe(RecordErrorCode.INVALID_RECORD);
    expect((await check(buf, KEYS))?.errorCode).toBe(RecordErrorCode.INVALID_RECORD);
  });
});
