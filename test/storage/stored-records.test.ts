import {describe, expect, it} from 'vitest';
import {ErrorCode} from '../../src/protocol/error-codes.js';
import {encodeBatch} from '../../src/records/batch.js';
import {BATCH_HEADER_SIZE, CompressionType, OFFSET_RECORD_COUNT} from '../../src/records/batch-header.js';
import {UnreadableRecordsError} from '../../src/storage/errors.js';
import {storedRecords} from '../../src/storage/stored-records.js';

async function failure(batch: Buffer): Promise<UnreadableRecordsError> {
  const err = await storedRecords(batch, 'test.log at byte 0').then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(UnreadableRecordsError);
  return err as UnreadableRecordsError;
}

describe('storedRecords', () => {
  it('reads the records of a sound batch, compressed or not', async () => {
    for (const compression of [CompressionType.None, CompressionType.Gzip]) {
      const batch = await encodeBatch({baseOffset: 7n, compression, records: [{value: 'a', timestamp: 10}, {value: 'b', timestamp: 20}]});
      const records = await storedRecords(batch, 'x');
      expect(records.map((r) => [r.offset, r.timestamp])).toEqual([[7n, 10n], [8n, 20n]]);
    }
  });

  it('a record that does not parse is INVALID_RECORD (Kafka: InvalidRecordException)', async () => {
    const batch = await encodeBatch({records: [{value: 'abc', timestamp: 10}]});
    batch[BATCH_HEADER_SIZE] = 40; // the record's length (zigzag 20) runs past the batch
    const err = await failure(batch);
    expect(err.errorCode).toBe(ErrorCode.INVALID_RECORD);
    expect(err.message).toMatch(/record batch at offset 0 in test\.log at byte 0: Found invalid record structure/);
  });

  it('a negative record count is INVALID_RECORD', async () => {
    const batch = await encodeBatch({records: [{value: 'abc', timestamp: 10}]});
    batch.writeInt32BE(-1, OFFSET_RECORD_COUNT);
    expect((await failure(batch)).errorCode).toBe(ErrorCode.INVALID_RECORD);
  });

  it('data that does not decompress is UNKNOWN_SERVER_ERROR (Kafka: "Failed to decompress record stream")', async () => {
    const batch = await encodeBatch({compression: CompressionType.Gzip, records: [{value: 'abc', timestamp: 10}]});
    batch.fill(0x55, BATCH_HEADER_SIZE);
    const err = await failure(batch);
    expect(err.errorCode).toBe(ErrorCode.UNKNOWN_SERVER_ERROR);
    expect(err.message).toMatch(/Failed to decompress record stream/);
  });
});
