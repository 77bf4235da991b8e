import {describe, expect, it} from 'vitest';
import {CompressionType, computeBatchCrc} from '../../src/records/batch-header.js';
import {encodeBatch} from '../../src/records/batch.js';
import {RecordErrorCode, RecordValidationError} from '../../src/records/errors.js';
import {checkProducedBatch, validateProducedBatches} from '../../src/records/validate.js';

const MAX = 1_048_588;

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(RecordValidationError);
    return (err as RecordValidationError).errorCode;
  }
  return undefined;
}

/** Re-sign a tampered batch so the check under test, not the CRC, is what fails. */
function resign(buf: Buffer): Buffer {
  buf.writeUInt32BE(computeBatchCrc(buf, 0), 17);
  return buf;
}

async function batch(extra: Parameters<typeof encodeBatch>[0] extends infer T ? Partial<T> : never = {}): Promise<Buffer> {
  return encodeBatch({records: [{key: 'k', value: 'v1'}, {key: 'k', value: 'v2'}], ...extra});
}

describe('validateProducedBatches', () => {
  it('accepts a client batch and reports its shape', async () => {
    for (const compression of [CompressionType.None, CompressionType.Zstd]) {
      const buf = await batch({compression, producerId: 5n, producerEpoch: 0, baseSequence: 0});
      const result = validateProducedBatches(buf, MAX);
      expect(result.recordCount).toBe(2);
      expect(result.batches).toHaveLength(1);
      expect(result.batches[0]).toMatchObject({position: 0, size: buf.length});
      expect(result.batches[0]!.header.producerId).toBe(5n);
    }
  });

  it('CORRUPT_MESSAGE for a flipped byte (bad CRC)', async () => {
    const buf = await batch();
    buf[buf.length - 2] = buf[buf.length - 2]! ^ 1;
    expect(codeOf(() => validateProducedBatches(buf, MAX))).toBe(RecordErrorCode.CORRUPT_MESSAGE);
  });

  it('CORRUPT_MESSAGE for a truncated batch, a too-small length and stray bytes', async () => {
    const buf = await batch();
    expect(codeOf(() => validateProducedBatches(buf.subarray(0, buf.length - 1), MAX))).toBe(RecordErrorCode.CORRUPT_MESSAGE);
    expect(codeOf(() => validateProducedBatches(buf.subarray(0, 10), MAX))).toBe(RecordErrorCode.CORRUPT_MESSAGE);
    const small = Buffer.from(buf);
    small.writeInt32BE(20, 8);
    expect(codeOf(() => validateProducedBatches(small, MAX))).toBe(RecordErrorCode.CORRUPT_MESSAGE);
    expect(codeOf(() => validateProducedBatches(Buffer.concat([buf, Buffer.from([1, 2])]), MAX))).toBe(RecordErrorCode.CORRUPT_MESSAGE);
    const badMagic = Buffer.from(buf);
    badMagic[16] = 3;
    expect(codeOf(() => validateProducedBatches(badMagic, MAX))).toBe(RecordErrorCode.CORRUPT_MESSAGE);
  });

  it('MESSAGE_TOO_LARGE above max.message.bytes (the whole batch counts)', async () => {
    const buf = await batch();
    expect(codeOf(() => validateProducedBatches(buf, buf.length))).toBeUndefined();
    expect(codeOf(() => validateProducedBatches(buf, buf.length - 1))).toBe(RecordErrorCode.MESSAGE_TOO_LARGE);
  });

  it('INVALID_RECORD for magic 1, no batch, two batches, non-zero base offset', async () => {
    const buf = await batch();
    const magic1 = Buffer.from(buf);
    magic1[16] = 1;
    expect(codeOf(() => validateProducedBatches(magic1, MAX))).toBe(RecordErrorCode.INVALID_RECORD);
    expect(codeOf(() => validateProducedBatches(Buffer.alloc(0), MAX))).toBe(RecordErrorCode.INVALID_RECORD);
    expect(codeOf(() => validateProducedBatches(Buffer.concat([buf, buf]), MAX))).toBe(RecordErrorCode.INVALID_RECORD);
    const offset5 = await batch({baseOffset: 5n});
    expect(codeOf(() => validateProducedBatches(offset5, MAX))).toBe(RecordErrorCode.INVALID_RECORD);
  });

  it('INVALID_RECORD for inconsistent counts, control batches and a missing sequence', async () => {
    const gap = await encodeBatch({records: [{value: 'a'}, {value: 'b', offsetDelta: 5}]});
    expect(codeOf(() => validateProducedBatches(gap, MAX))).toBe(RecordErrorCode.INVALID_RECORD);
    const declared = await encodeBatch({records: [{value: 'a'}], lastOffsetDelta: 1});
    expect(codeOf(() => validateProducedBatches(declared, MAX))).toBe(RecordErrorCode.INVALID_RECORD);
    const empty = await encodeBatch({records: [], lastOffsetDelta: -1});
    expect(codeOf(() => validateProducedBatches(empty, MAX))).toBe(RecordErrorCode.INVALID_RECORD);
    const control = await batch({control: true});
    expect(codeOf(() => validateProducedBatches(control, MAX))).toBe(RecordErrorCode.INVALID_RECORD);
    const noSeq = await batch({producerId: 3n, producerEpoch: 0, baseSequence: -1});
    expect(codeOf(() => validateProducedBatches(noSeq, MAX))).toBe(RecordErrorCode.INVALID_RECORD);
  });

  it('INVALID_RECORD when the uncompressed records do not match the declared count', async () => {
    // Header says 2 records and lastOffsetDelta 1 but only one record is present; the CRC is valid.
    const one = await encodeBatch({records: [{value: 'a'}], lastOffsetDelta: 1});
    one.writeInt32BE(2, 57);
    expect(codeOf(() => validateProducedBatches(resign(one), MAX))).toBe(RecordErrorCode.INVALID_RECORD);
  });

  // Found by test/broker/fuzz.test.ts: a Produce whose record had a key length past its record
  // (CRC re-signed) was appended, as only the record length prefixes were walked; ListOffsets by
  // timestamp then failed reading it and closed the connection. Kafka's LogValidator iterates every
  // record of an uncompressed batch too (DefaultRecord.readFrom) and answers INVALID_RECORD.
  it('INVALID_RECORD when a record\'s fields overrun its declared size, even with no per-record check configured', async () => {
    const b = await batch();
    expect(b[61]).toBe(18); // first record: 9 bytes (zigzag 18)
    b[65] = 40; // its key length: 20 bytes
    expect(codeOf(() => validateProducedBatches(resign(b), MAX))).toBe(RecordErrorCode.INVALID_RECORD);
    expect(codeOf(() => checkProducedBatch(b, MAX))).toBe(RecordErrorCode.INVALID_RECORD);
    const headers = await batch();
    headers[70] = 3; // the first record's header count: -2
    expect(codeOf(() => checkProducedBatch(resign(headers), MAX))).toBe(RecordErrorCode.INVALID_RECORD);
  });

  it('INVALID_TIMESTAMP when a producer sets LogAppendTime, UNSUPPORTED_COMPRESSION_TYPE for codec 6', async () => {
    const append = await batch({timestampType: 'append'});
    expect(codeOf(() => validateProducedBatches(append, MAX))).toBe(RecordErrorCode.INVALID_TIMESTAMP);
    const buf = await batch();
    buf.writeInt16BE(6, 21);
    expect(codeOf(() => validateProducedBatches(resign(buf), MAX))).toBe(RecordErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
  });
});

describe('error codes', () => {
  it('are Kafka\'s numbers', () => {
    expect(RecordErrorCode).toEqual({CORRUPT_MESSAGE: 2, MESSAGE_TOO_LARGE: 10, INVALID_TIMESTAMP: 32,
      UNSUPPORTED_COMPRESSION_TYPE: 76, INVALID_RECORD: 87, UNKNOWN_SERVER_ERROR: -1});
  });
});

describe('checkProducedBatch', () => {
  it('returns the batch size of a valid batch and throws what validateProducedBatches throws', async () => {
    const ok = await batch();
    expect(checkProducedBatch(ok, MAX)).toBe(ok.length);
    const corrupt = Buffer.from(ok);
    corrupt[corrupt.length - 1]! ^= 1;
    expect(codeOf(() => checkProducedBatch(corrupt, MAX))).toBe(codeOf(() => validateProducedBatches(corrupt, MAX)));
    expect(codeOf(() => checkProducedBatch(ok, ok.length - 1))).toBe(RecordErrorCode.MESSAGE_TOO_LARGE);
  });

  it('reads the 64-bit fields by their halves: a base offset set in either half is refused', async () => {
    for (const baseOffset of [1n, 1n << 32n, -1n]) {
      const buf = await batch();
      buf.writeBigInt64BE(baseOffset, 0); // not covered by the CRC
      expect(codeOf(() => checkProducedBatch(buf, MAX)), String(baseOffset)).toBe(RecordErrorCode.INVALID_RECORD);
    }
  });

  it('sees a producer id of 2^31 or more as set (a negative sequence is then refused) and a negative one as unset', async () => {
    const withSequence = async (producerId: bigint) => resign(await batch({producerId, producerEpoch: 0, baseSequence: -1}));
    for (const producerId of [0n, 1n << 31n, 1n << 40n]) {
      const buf = await withSequence(producerId);
      expect(codeOf(() => checkProducedBatch(buf, MAX)), String(producerId)).toBe(RecordErrorCode.INVALID_RECORD);
    }
    const none = await withSequence(-1n);
    expect(codeOf(() => checkProducedBatch(none, MAX))).toBeUndefined();
  });
});
